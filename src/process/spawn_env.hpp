// Environment and executable lookup for spawning a child (internal to src/process).
// Pure functions over the current environment; call them on the spawning thread.
#pragma once

#include <string>
#include <vector>

#include "codex_mcp/process/child_process.hpp"

namespace codex_mcp::process {

/// The child's environment: ours minus `unset_env` and the keys of `env`, plus `env`.
struct EnvBlock {
  std::vector<std::string> entries;
  std::vector<const char*> pointers;  ///< into entries, nullptr-terminated (execve's envp)
  std::string path;                   ///< the PATH the child will see
};

EnvBlock build_env(const SpawnOptions& options);

/// `name` itself when it contains '/', else the first executable `dir/name` on `path`.
/// Throws SpawnError when there is none.
std::string resolve_executable(const std::string& name, const std::string& path);

}  // namespace codex_mcp::process
