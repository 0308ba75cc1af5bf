#include "codex_mcp/tools/registry.hpp"

#include "codex_mcp/tools/error_codes.hpp"
#include "codex_mcp/tools/reply.hpp"
#include "codex_mcp/tools/schemas.hpp"
#include "codex_mcp/tools/session_tools.hpp"

namespace asio = boost::asio;

namespace codex_mcp::tools {

namespace {

// The session-driving tools shape their replies themselves (reading order, size cap).
using ReplyHandler = asio::awaitable<mcp::ToolReply> (*)(session::SessionManager&, Json,
                                                         mcp::ToolCallContext&);
using JsonHandler = asio::awaitable<Json> (*)(session::SessionManager&, Json,
                                              mcp::ToolCallContext&);

mcp::ToolDefinition bind(Json descriptor, session::SessionManager& sessions, ReplyHandler handler) {
  return {std::move(descriptor),
          [&sessions, handler](Json arguments, mcp::ToolCallContext& context) {
            return with_contract_errors(handler(sessions, std::move(arguments), context));
          }};
}

asio::awaitable<mcp::ToolReply> in_order(JsonHandler handler, session::SessionManager& sessions,
                                         Json arguments, mcp::ToolCallContext& context) {
  co_return in_reading_order(co_await handler(sessions, std::move(arguments), context));
}

// The others answer small objects: only put in reading order (a fork's sessionId first).
mcp::ToolDefinition bind(Json descriptor, session::SessionManager& sessions, JsonHandler handler) {
  return {std::move(descriptor),
          [&sessions, handler](Json arguments, mcp::ToolCallContext& context) {
            return with_contract_errors(in_order(handler, sessions, std::move(arguments), context));
          }};
}

using WatchingHandler = asio::awaitable<mcp::ToolReply> (*)(session::SessionManager&, Json,
                                                            mcp::ToolCallContext&, SessionWatcher);

// codex and codex_reply: they tell `watch` of the session they start a turn on.
mcp::ToolDefinition bind(Json descriptor, session::SessionManager& sessions,
                         WatchingHandler handler, SessionWatcher watch) {
  return {std::move(descriptor), [&sessions, handler, watch = std::move(watch)](
                                     Json arguments, mcp::ToolCallContext& context) {
            return with_contract_errors(handler(sessions, std::move(arguments), context, watch));
          }};
}

asio::awaitable<mcp::ToolReply> setup(const Toolbox& box, Json arguments,
                                      mcp::ToolCallContext& context) {
  co_return in_reading_order(co_await setup_report(box, std::move(arguments), context));
}

}  // namespace

std::vector<mcp::ToolDefinition> make_tools(const Toolbox& box) {
  auto& sessions = box.sessions;
  std::vector<mcp::ToolDefinition> tools;
  tools.push_back({codex_setup_descriptor(), [&box](Json arguments, mcp::ToolCallContext& context) {
                     return with_contract_errors(setup(box, std::move(arguments), context));
                   }});
  tools.push_back(bind(codex_descriptor(), sessions, start_session, box.watch));
  tools.push_back(bind(codex_reply_descriptor(), sessions, reply_session, box.watch));
  tools.push_back(bind(codex_session_descriptor(), sessions, manage_sessions));
  tools.push_back(bind(codex_check_descriptor(), sessions, check_session));
  return tools;
}

}  // namespace codex_mcp::tools
