// codex-mcp's read-only MCP resources, the contract's six: codex-mcp:///server-info and
// codex-mcp:///compat-report (JSON, made on each read) and the quickstart, config,
// gotchas and errors guides (Markdown, docs/resources/*.md compiled in).
#pragma once

#include <vector>

#include "codex_mcp/mcp/resource.hpp"

namespace codex_mcp::session {
class SessionManager;
}

namespace codex_mcp::tools {

std::vector<mcp::ResourceDefinition> make_resources(const session::SessionManager& sessions);

}  // namespace codex_mcp::tools
