// The session-driving tools: codex (start), codex_reply, codex_session, codex_check.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/session/session_manager.hpp"
#include "codex_mcp/tools/person_approvals.hpp"
#include "codex_mcp/tools/toolbox.hpp"

namespace codex_mcp::tools {

using Json = nlohmann::json;

/// `watch` (when set) is told of the session before its turn starts.
boost::asio::awaitable<mcp::ToolReply> start_session(session::SessionManager& manager,
                                                     Json arguments, mcp::ToolCallContext& context,
                                                     SessionWatcher watch = {});
boost::asio::awaitable<mcp::ToolReply> reply_session(session::SessionManager& manager,
                                                     Json arguments, mcp::ToolCallContext& context,
                                                     SessionWatcher watch = {});
boost::asio::awaitable<Json> manage_sessions(session::SessionManager& manager, Json arguments,
                                             mcp::ToolCallContext& context);
boost::asio::awaitable<mcp::ToolReply> check_session(session::SessionManager& manager,
                                                     Json arguments, mcp::ToolCallContext& context);
/// codex (`tool` "codex") or codex_reply without the wait: decodes the arguments, starts the
/// session (or its next turn) and returns it with its turn running (what a task follows).
/// Throws ToolError as those tools do.
boost::asio::awaitable<std::shared_ptr<session::Session>> start_turn(
    session::SessionManager& manager, std::string tool, Json arguments);
/// The answer codex with waitForResult gives once the turn is over (summary, result), in
/// reading order and within the default cap. The session's result is not marked delivered.
mcp::ToolReply finished_turn_reply(const session::Session& session);
/// codex_setup: the readiness report.
boost::asio::awaitable<Json> setup_report(const Toolbox& box, Json arguments,
                                          mcp::ToolCallContext& context);

}  // namespace codex_mcp::tools
