#include "codex_mcp/codex/locate.hpp"

#include <filesystem>
#include <sstream>
#include <system_error>

#include <unistd.h>

namespace codex_mcp::codex {

namespace fs = std::filesystem;

namespace {

bool is_executable_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

std::string absolute(const fs::path& path, const std::string& cwd) {
  return (path.is_absolute() ? path : fs::path(cwd) / path).lexically_normal().string();
}

}  // namespace

std::optional<std::string> find_on_path(const std::string& name, const std::string& path_variable,
                                        const std::string& cwd) {
  if (name.find('/') != std::string::npos) {
    const auto path = absolute(name, cwd);
    return is_executable_file(path) ? std::optional(path) : std::nullopt;
  }
  std::stringstream dirs(path_variable);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    const auto candidate = fs::path(dir) / name;
    if (is_executable_file(candidate)) return absolute(candidate, cwd);
  }
  return std::nullopt;
}

ExecutableChoice locate_codex(const LocateInputs& inputs) {
  ExecutableChoice choice;
  if (!inputs.option_path.empty()) {
    choice.source = "CODEX_MCP_PATH / --codex-path";
    const auto path = absolute(inputs.option_path, inputs.cwd);
    if (is_executable_file(path)) {
      choice.path = path;
    } else {
      choice.error =
          "CODEX_MCP_PATH / --codex-path names " + path + ", which is not an executable file";
    }
    return choice;
  }
  if (!inputs.option_command.empty()) {
    choice.source = "CODEX_MCP_COMMAND / --codex-command";
    if (auto found = find_on_path(inputs.option_command, inputs.path_variable, inputs.cwd)) {
      choice.path = *found;
    } else {
      choice.error = "CODEX_MCP_COMMAND / --codex-command is \"" + inputs.option_command +
                     "\", which is not on PATH (" + inputs.path_variable + ")";
    }
    return choice;
  }
  choice.source = "PATH";
  for (const auto* name : {"codex", "codex-internal"}) {
    if (auto found = find_on_path(name, inputs.path_variable, inputs.cwd)) {
      choice.path = *found;
      return choice;
    }
  }
  choice.error =
      "neither codex nor codex-internal is on PATH; install it (npm install -g @openai/codex) or "
      "set CODEX_MCP_PATH to its absolute path (GUI clients start servers with a minimal PATH)";
  return choice;
}

std::vector<ConfigFile> visible_config_files(const std::string& cwd, const std::string& codex_home,
                                             const std::string& home) {
  std::vector<ConfigFile> found;
  std::error_code ec;
  const fs::path user_dir = !codex_home.empty() ? fs::path(codex_home) : fs::path(home) / ".codex";
  if (const auto user = user_dir / "config.toml"; fs::is_regular_file(user, ec)) {
    found.push_back({user.string(), "user"});
  }
  // Project configs: .codex/config.toml in cwd and every ancestor (nearest first), skipping
  // the user's own ~/.codex, which is already listed.
  for (auto dir = fs::path(cwd).lexically_normal();; dir = dir.parent_path()) {
    const auto candidate = dir / ".codex" / "config.toml";
    if (fs::is_regular_file(candidate, ec) &&
        !fs::equivalent(candidate.parent_path(), user_dir, ec)) {
      found.push_back({candidate.string(), "project"});
    }
    if (dir == dir.parent_path() || dir.empty()) break;
  }
  return found;
}

}  // namespace codex_mcp::codex
