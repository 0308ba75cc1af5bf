// The five tools as MCP ToolDefinitions: each descriptor paired with its handler.
#pragma once

#include <vector>

#include "codex_mcp/mcp/tool.hpp"

namespace codex_mcp::session {
class SessionManager;
}

namespace codex_mcp::tools {

std::vector<mcp::ToolDefinition> make_tools(session::SessionManager& sessions);

}  // namespace codex_mcp::tools
