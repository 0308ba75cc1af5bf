// resolve_native_codex (see codex_binary.hpp).
#include "codex_mcp/appserver/codex_binary.hpp"

#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include "codex_mcp/util/environment.hpp"

namespace codex_mcp::appserver {

namespace fs = std::filesystem;

namespace {

#if defined(__aarch64__)
constexpr const char* kPlatformPackage = "codex-linux-arm64";
constexpr const char* kTargetTriple = "aarch64-unknown-linux-musl";
#else
constexpr const char* kPlatformPackage = "codex-linux-x64";
constexpr const char* kTargetTriple = "x86_64-unknown-linux-musl";
#endif

bool is_executable_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

/// A bare name is looked up on PATH, as exec would.
fs::path locate(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const auto path = util::env_or_empty("PATH");
  std::string_view dirs = path;
  while (true) {
    const auto colon = dirs.find(':');
    const auto dir = dirs.substr(0, colon);
    const auto candidate = fs::path(dir.empty() ? "." : std::string(dir)) / name;
    if (is_executable_file(candidate)) return candidate;
    if (colon == std::string_view::npos) return name;
    dirs.remove_prefix(colon + 1);
  }
}

}  // namespace

std::string resolve_native_codex(const std::string& codex_path) {
  std::error_code ec;
  const auto launcher = fs::canonical(locate(codex_path), ec);
  if (ec || launcher.filename() != "codex.js" || launcher.parent_path().filename() != "bin") {
    return codex_path;
  }
  const auto package_dir = launcher.parent_path().parent_path();  // .../@openai/codex
  const auto relative = fs::path(kPlatformPackage) / "vendor" / kTargetTriple / "bin" / "codex";
  const fs::path candidates[] = {
      package_dir.parent_path() / relative,                 // hoisted: .../@openai/codex-linux-*
      package_dir / "node_modules" / "@openai" / relative,  // nested under @openai/codex
  };
  for (const auto& candidate : candidates) {
    if (is_executable_file(candidate)) return candidate.string();
  }
  return codex_path;
}

}  // namespace codex_mcp::appserver
