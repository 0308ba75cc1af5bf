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
/// codex_setup: the readiness report.
boost::asio::awaitable<Json> setup_report(const Toolbox& box, Json arguments,
                                          mcp::ToolCallContext& context);

}  // namespace codex_mcp::tools
