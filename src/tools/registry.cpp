#include "codex_mcp/tools/registry.hpp"

#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/tools/schemas.hpp"

namespace asio = boost::asio;

namespace codex_mcp::tools {

namespace {

/// Validates the arguments, then reports honestly that this build cannot run the tool yet:
/// the session layer is not part of this build (see the sessions issue).
template <typename Decode>
mcp::ToolDefinition unavailable_tool(Json descriptor, Decode decode) {
  return {std::move(descriptor),
          [decode](Json arguments, mcp::ToolCallContext&) -> asio::awaitable<Json> {
            decode(arguments);
            throw mcp::ToolError("NOT_IMPLEMENTED",
                                 "this build of codex-mcp does not run Codex sessions yet");
            co_return Json();
          }};
}

}  // namespace

std::vector<mcp::ToolDefinition> make_tools() {
  std::vector<mcp::ToolDefinition> tools;
  tools.push_back(unavailable_tool(codex_setup_descriptor(), decode_setup));
  tools.push_back(unavailable_tool(codex_descriptor(), decode_start));
  tools.push_back(unavailable_tool(codex_reply_descriptor(), decode_reply));
  tools.push_back(unavailable_tool(codex_session_descriptor(), decode_session));
  tools.push_back(unavailable_tool(codex_check_descriptor(), decode_check));
  return tools;
}

}  // namespace codex_mcp::tools
