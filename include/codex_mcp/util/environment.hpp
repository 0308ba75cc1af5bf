// The process's own environment, read the same way everywhere.
#pragma once

#include <string>

namespace codex_mcp::util {

/// The variable's value, or "" when unset.
std::string env_or_empty(const char* name);
/// The server's working directory ("/" if it cannot be read).
std::string current_directory();

}  // namespace codex_mcp::util
