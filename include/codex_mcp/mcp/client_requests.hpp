// ClientRequests: what the layers above MCP may ask of the client over the connection
// (server→client requests such as elicitation/create), without knowing the connection.
// McpServer implements it; the tools layer uses it (tools/person_approvals).
// Threading: the loop's executor only.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

namespace codex_mcp::mcp {

class ClientRequests {
 public:
  virtual ~ClientRequests() = default;
  /// Sends `method` to the client and waits for its result. Throws jsonrpc::RpcError (the
  /// client's error, kRequestTimeout after `timeout`, kConnectionClosed), and
  /// boost::system::system_error when the waiting coroutine is cancelled.
  virtual boost::asio::awaitable<nlohmann::json> request(std::string method, nlohmann::json params,
                                                         std::chrono::milliseconds timeout) = 0;
  /// The client declared form-mode elicitation (`capabilities.elicitation` in its 2025
  /// initialize: `{}` or with `form`). A modern (2026-07-28) client gets no server→client
  /// requests: false.
  virtual bool client_supports_elicitation() const = 0;
};

}  // namespace codex_mcp::mcp
