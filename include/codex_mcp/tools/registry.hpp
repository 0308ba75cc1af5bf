// The five tools as MCP ToolDefinitions: each descriptor paired with its handler. The
// session layer's errors leave every handler as the contract's error codes.
#pragma once

#include <vector>

#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/tools/toolbox.hpp"

namespace codex_mcp::tools {

/// `box` must outlive the definitions (the handlers hold it by reference).
std::vector<mcp::ToolDefinition> make_tools(const Toolbox& box);

}  // namespace codex_mcp::tools
