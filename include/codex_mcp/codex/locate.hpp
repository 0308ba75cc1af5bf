// Finding codex on this machine: which executable to run (and why that one), and which
// config.toml files a session started in a given directory will see. Filesystem only:
// nothing here runs a process. Used by codex_setup and by session start.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace codex_mcp::codex {

struct ExecutableChoice {
  std::string path;  ///< absolute path of the executable (empty when none was found)
  std::string
      source;  ///< "--codex-path", "CODEX_MCP_PATH", "--codex-command", "CODEX_MCP_COMMAND", "PATH"
  std::string error;  ///< why nothing usable was found
  std::vector<std::string> warnings;
};

struct LocateInputs {
  std::string option_path{};     ///< --codex-path (or CODEX_MCP_PATH through CLI11)
  std::string option_command{};  ///< --codex-command (or CODEX_MCP_COMMAND)
  std::string path_variable{};   ///< $PATH
  std::string cwd{};             ///< base for a relative CODEX_MCP_PATH
};

/// Resolution order: an explicit path, then a command name on PATH, then `codex` and
/// `codex-internal` on PATH.
ExecutableChoice locate_codex(const LocateInputs& inputs);

/// `name` looked up on a PATH-style list; a name with a '/' is taken as a path.
std::optional<std::string> find_on_path(const std::string& name, const std::string& path_variable,
                                        const std::string& cwd);

struct ConfigFile {
  std::string path;
  std::string scope;  ///< "user" ($CODEX_HOME or ~/.codex) or "project" (.codex/ in cwd or above)
};

/// config.toml files visible to a session whose cwd is `cwd`, user first.
std::vector<ConfigFile> visible_config_files(const std::string& cwd, const std::string& codex_home,
                                             const std::string& home);

}  // namespace codex_mcp::codex
