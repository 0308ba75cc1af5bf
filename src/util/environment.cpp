#include "codex_mcp/util/environment.hpp"

#include <cstdlib>

#include <unistd.h>

namespace codex_mcp::util {

std::string env_or_empty(const char* name) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in the server modifies its environment
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string codex_home() {
  auto home = env_or_empty("CODEX_HOME");
  if (!home.empty()) return home;
  home = env_or_empty("HOME");
  return (home.empty() ? std::string("/tmp") : home) + "/.codex";
}

std::string current_directory() {
  char buffer[4096];
  return ::getcwd(buffer, sizeof buffer) ? buffer : "/";
}

}  // namespace codex_mcp::util
