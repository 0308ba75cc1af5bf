// McpServer: the MCP protocol on top of a JSON-RPC Peer.
//
// Serves both MCP eras on one connection, deciding per request (mcp/envelope): the legacy
// 2025 revisions (initialize version negotiation, ping) and the modern 2026-07-28 one
// (server/discover, a _meta envelope on every request, resultType/cache hints/serverInfo on
// every result). The same handlers answer both: tools/list and tools/call (tool outcomes
// as CallToolResult), and the read-only resources (resources/list, resources/read,
// resources/templates/list). Knows nothing about codex: tools arrive as ToolDefinitions.
// Threading: the loop's executor only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "codex_mcp/jsonrpc/peer.hpp"
#include "codex_mcp/mcp/client_requests.hpp"
#include "codex_mcp/mcp/envelope.hpp"
#include "codex_mcp/mcp/resource.hpp"
#include "codex_mcp/mcp/tasks.hpp"
#include "codex_mcp/mcp/tool.hpp"

namespace codex_mcp::mcp {

/// Legacy protocol revisions we negotiate in initialize, oldest first; the last one is
/// offered by default. The modern ones are in envelope.hpp.
inline constexpr std::string_view kSupportedProtocolVersions[] = {"2025-03-26", "2025-06-18",
                                                                  "2025-11-25"};

struct ServerInfo {
  std::string name = "codex-mcp";
  std::string title = "Codex MCP";
  std::string version;
  std::string instructions;
};

class ClientChannel;

class McpServer {
 public:
  McpServer(boost::asio::any_io_executor executor, ServerInfo info,
            std::vector<ToolDefinition> tools, std::vector<ResourceDefinition> resources,
            std::vector<ResourceTemplateDefinition> templates, jsonrpc::Peer::SendLine send_line);

  void receive_line(std::string_view line) { peer_->receive_line(line); }
  void receive_oversized(std::size_t size) { peer_->receive_oversized(size); }
  std::size_t requests_in_flight() const { return peer_->incoming_in_flight(); }
  /// The legacy version agreed in initialize (empty before it, and for modern clients).
  const std::string& protocol_version() const { return protocol_version_; }
  /// Requests to the client on this connection (elicitation/create), for the layers above;
  /// it stays usable (failing with kConnectionClosed) after the server is gone.
  std::shared_ptr<ClientRequests> client_requests() const;
  /// Serves the tasks extension from `source` (advertised in server/discover from now on).
  void set_task_source(std::shared_ptr<TaskSource> source);

 private:
  /// A request whose result is fixed for the process: one serialised text per era.
  void serve_fixed(const std::string& method, const Json& result);
  static Json capabilities();
  Json initialize(const Json& params);
  Json discover() const;
  Json list_tools() const;
  Json list_resources() const;
  Json list_resource_templates() const;
  Json read_resource(const Json& params) const;
  boost::asio::awaitable<std::string> answer_tool_call(Json params);
  boost::asio::awaitable<std::string> call_tool(Json params);
  /// tools/call answered with a task (the request declares the extension).
  boost::asio::awaitable<std::string> call_tool_as_task(std::string name, Json arguments);
  /// tasks/get, tasks/update, tasks/cancel: the era and capability checks, then `answer`.
  void serve_task_method(
      const std::string& method,
      std::function<Json(const RequestEnvelope&, const std::string&, const Json&)> answer);

  ServerInfo info_;
  std::vector<ToolDefinition> tools_;
  std::vector<ResourceDefinition> resources_;
  std::vector<ResourceTemplateDefinition> templates_;
  ModernResults modern_;
  std::string discover_text_;  ///< the DiscoverResult, serialised once
  std::shared_ptr<jsonrpc::Peer> peer_;
  std::string protocol_version_;
  std::shared_ptr<ClientChannel> client_;
  std::shared_ptr<TaskSource> tasks_;
};

/// A tool's structured value as a CallToolResult (JSON text + structuredContent, the same
/// text with the same key order), as JSON text.
std::string make_tool_result(ToolReply value);
/// The code of a tool failure that is a failed call to the codex child: its process is
/// gone (SESSION_NOT_RUNNING), it did not answer in time (TIMEOUT), or it refused
/// (CODEX_ERROR).
std::string tool_error_code(const jsonrpc::RpcError& error);
/// The CallToolResult for a failed call: `Error [CODE]: message`, isError:true, as JSON
/// text.
std::string make_tool_error(const std::string& code, const std::string& message);

}  // namespace codex_mcp::mcp
