// Codex profiles, as codex 0.169 keeps them: `<CODEX_HOME>/<name>.config.toml`, layered
// over config.toml. `codex exec --profile` reads that file, but `codex app-server` takes no
// profile at all, so codex-mcp applies one itself: the file's settings become
// config overrides (dotted keys) under the caller's own advanced.config.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace codex_mcp::codex {

/// The profile cannot be used; the message names the file and what is wrong.
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::filesystem::path profile_path(const std::string& codex_home, const std::string& name);

/// The profile's settings as dotted config paths → values (nested tables flattened, so
/// they merge with config.toml's instead of replacing whole tables). Throws ProfileError
/// for a bad name, a missing file or a file that is not valid TOML.
nlohmann::json load_profile_overrides(const std::string& codex_home, const std::string& name);

}  // namespace codex_mcp::codex
