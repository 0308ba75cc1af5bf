// JSON-RPC error codes and the RpcError exception that carries one across a coroutine.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "codex_mcp/util/json_text.hpp"

namespace codex_mcp::jsonrpc {

using Json = nlohmann::json;

namespace code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kResourceNotFound = -32002;  ///< MCP's, for resources/read (2025 era)
inline constexpr int kUnsupportedProtocolVersion = -32022;  ///< MCP 2026-07-28's
// Local outcomes of an outgoing call that never reach the wire (one shares MCP's number).
inline constexpr int kRequestTimeout = -32001;
inline constexpr int kConnectionClosed = -32002;
}  // namespace code

/// Thrown by a request handler to answer with a JSON-RPC error, and by Peer::call when
/// the other side answered with one (or the call timed out, or the connection closed).
class RpcError : public std::runtime_error {
 public:
  RpcError(int code, const std::string& message, Json data = nullptr)
      : std::runtime_error(message), code_(code), data_(std::move(data)) {}

  int code() const { return code_; }
  const Json& data() const { return data_; }
  Json to_json() const {
    Json error = {{"code", code_}, {"message", what()}};
    if (!data_.is_null()) error["data"] = data_;
    return error;
  }

 private:
  int code_;
  Json data_;
};

/// Compact one-line serialisation; invalid UTF-8 from a child is replaced, never thrown.
inline std::string to_line(const Json& message) {
  return util::json_text(message);
}

}  // namespace codex_mcp::jsonrpc
