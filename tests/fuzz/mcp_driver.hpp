// Drives the MCP server side in process: bytes from a client go through the real line
// framing into the real McpServer (jsonrpc::Peer, the handshake, tools/call with the real
// descriptors and decoders), on a loop that runs after every line as the server's does.
// Every line the server writes must be a JSON-RPC message, and no input may be answered
// with an internal error (-32603, or a tool's `Error [INTERNAL]`): each is a finding.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "codex_mcp/mcp/resource.hpp"
#include "codex_mcp/mcp/server.hpp"
#include "codex_mcp/transport/line_splitter.hpp"
#include "decoding_tools.hpp"
#include "fuzz_support.hpp"

namespace codex_mcp::fuzz {

inline std::vector<mcp::ResourceDefinition> sample_resources() {
  return {
      {{{"uri", "codex://server-info"}, {"name", "server-info"}, {"mimeType", "application/json"}},
       [] { return std::string(R"({"name":"codex-mcp"})"); }},
      {{{"uri", "codex://docs/tools"}, {"name", "tools"}}, [] { return std::string("# Tools"); }}};
}

/// A template like the session result's: a URI it claims either reads or is unavailable.
inline std::vector<mcp::ResourceTemplateDefinition> sample_templates() {
  return {{{{"uriTemplate", "codex://sessions/{sessionId}/result"}, {"name", "result"}},
           [](const std::string& uri) -> std::optional<std::string> {
             constexpr std::string_view kPrefix = "codex://sessions/";
             if (!uri.starts_with(kPrefix) || !uri.ends_with("/result")) return std::nullopt;
             if (uri == "codex://sessions/s1/result") return std::string(R"({"text":"done"})");
             throw mcp::ResourceUnavailable("no finished turn in " + uri);
           }}};
}

inline void check_server_line(const std::string& line) {
  if (const auto problem = jsonrpc_problem(line); !problem.empty()) finding(problem, line);
  const auto message = Json::parse(line);
  if (const auto error = message.find("error"); error != message.end()) {
    if ((*error)["code"] == -32603) finding("an internal error answered an input", line);
  }
  // A tool failure is a result: isError, and its text says `Error [CODE]: ...`.
  const auto result = message.find("result");
  if (result == message.end() || !result->is_object() || !result->value("isError", false)) return;
  const auto content = result->value("content", Json::array());
  if (content.is_array() && !content.empty() && content[0].is_object() &&
      content[0].value("text", std::string()).starts_with("Error [INTERNAL]")) {
    finding("a tool answered an input with an internal error", line);
  }
}

/// Feeds `bytes` as the client's stdin, runs the loop to the end, checks what was written.
inline void drive_mcp_server(std::string_view bytes) {
  quiet_logging();
  constexpr std::size_t kMaxLineBytes = 16u << 20;  // the server's default --max-line-bytes
  boost::asio::io_context io{1};
  std::vector<std::string> written;
  {
    mcp::ServerInfo info;
    info.version = "fuzz";
    mcp::McpServer server(io.get_executor(), std::move(info), decoding_tools(), sample_resources(),
                          sample_templates(),
                          [&written](std::string line) { written.push_back(std::move(line)); });
    const auto run_ready = [&io] {
      io.restart();
      io.poll();
    };
    transport::LineSplitter splitter(
        kMaxLineBytes,
        [&](std::string line) {
          server.receive_line(line);
          run_ready();
        },
        [&](std::size_t size) { server.receive_oversized(size); });
    splitter.feed(bytes);
    splitter.finish();
    io.restart();
    io.run();
  }
  for (const auto& line : written) check_server_line(line);
}

}  // namespace codex_mcp::fuzz
