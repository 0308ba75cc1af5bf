// codex-mcp's read-only MCP resources, the contract's six: codex-mcp:///server-info and
// codex-mcp:///compat-report (JSON, made on each read) and the quickstart, config,
// gotchas and errors guides (Markdown, docs/resources/*.md compiled in); and one template,
// codex-mcp://sessions/{sessionId}/result: a session's last result in full (the text and
// diff that replies trim to their cap).
#pragma once

#include <vector>

#include "codex_mcp/mcp/resource.hpp"

namespace codex_mcp::session {
class SessionManager;
}

namespace codex_mcp::tools {

std::vector<mcp::ResourceDefinition> make_resources(const session::SessionManager& sessions);
std::vector<mcp::ResourceTemplateDefinition> make_resource_templates(
    session::SessionManager& sessions);

}  // namespace codex_mcp::tools
