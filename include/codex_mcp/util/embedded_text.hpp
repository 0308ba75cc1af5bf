// Texts compiled into the binary (docs/resources/*.md, by cmake/EmbedTexts.cmake): what
// the MCP resources serve, with no files to find at run time.
#pragma once

#include <string_view>

namespace codex_mcp::util {

/// The embedded text of this name (its file's name without the extension), or empty.
std::string_view embedded_text(std::string_view name);

}  // namespace codex_mcp::util
