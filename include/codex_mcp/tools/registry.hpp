// The five tools as MCP ToolDefinitions: each descriptor paired with its handler.
#pragma once

#include <vector>

#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/tools/person_approvals.hpp"

namespace codex_mcp::session {
class SessionManager;
}

namespace codex_mcp::tools {

/// `watch` (when set) is told of every session codex or codex_reply starts a turn on
/// (PersonApprovals::watcher).
std::vector<mcp::ToolDefinition> make_tools(session::SessionManager& sessions,
                                            SessionWatcher watch = {});

}  // namespace codex_mcp::tools
