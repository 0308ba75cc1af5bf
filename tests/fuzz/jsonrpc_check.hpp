// What a line the server writes must be: one JSON-RPC 2.0 message. Used by the libFuzzer
// targets and the sequence fuzzer alike.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace codex_mcp::fuzz {

using Json = nlohmann::json;

/// Why `line` is not one JSON-RPC 2.0 message as the server may write it (empty: it is).
inline std::string jsonrpc_problem(std::string_view line) {
  if (line.find('\n') != std::string_view::npos) return "a raw newline inside a message";
  const auto message = Json::parse(line, nullptr, false);
  if (message.is_discarded()) return "not JSON";
  if (!message.is_object()) return "not a JSON object";
  if (message.value("jsonrpc", Json()) != "2.0") return "no \"jsonrpc\":\"2.0\"";
  const bool has_id = message.contains("id");
  if (message.contains("method")) {
    if (!message["method"].is_string()) return "\"method\" is not a string";
    return {};
  }
  if (!has_id) return "neither a request, a notification nor a response";
  const auto& id = message["id"];
  if (!id.is_null() && !id.is_string() && !id.is_number_integer()) return "a bad \"id\"";
  if (message.contains("result") == message.contains("error")) {
    return "a response needs exactly one of \"result\" and \"error\"";
  }
  if (message.contains("error")) {
    const auto& error = message["error"];
    if (!error.is_object() || !error.contains("code") || !error["code"].is_number_integer() ||
        !error.contains("message") || !error["message"].is_string()) {
      return "\"error\" lacks an integer code or a string message";
    }
  }
  return {};
}

}  // namespace codex_mcp::fuzz
