// The process's own environment, read the same way everywhere.
#pragma once

#include <string>

namespace codex_mcp::util {

/// The variable's value, or "" when unset.
std::string env_or_empty(const char* name);
/// Codex's home: $CODEX_HOME, else ~/.codex (where codex keeps threads and config).
std::string codex_home();
/// The server's working directory ("/" if it cannot be read).
std::string current_directory();

}  // namespace codex_mcp::util
