// codex-mcp's read-only MCP resources, the contract's six: codex-mcp:///server-info and
// codex-mcp:///compat-report (JSON, made on each read) and the quickstart, config,
// gotchas and errors guides (Markdown, docs/resources/*.md compiled in); and one template,
// codex-mcp://sessions/{sessionId}/result: a session's last result in full (the text and
// diff that replies trim to their cap).
#pragma once

#include <vector>

#include "codex_mcp/mcp/resource.hpp"
#include "codex_mcp/tools/toolbox.hpp"

namespace codex_mcp::tools {

/// `box` must outlive the definitions (their readers hold it by reference).
std::vector<mcp::ResourceDefinition> make_resources(const Toolbox& box);
std::vector<mcp::ResourceTemplateDefinition> make_resource_templates(const Toolbox& box);

}  // namespace codex_mcp::tools
