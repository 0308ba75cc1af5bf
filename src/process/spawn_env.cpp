// build_env and resolve_executable (see spawn_env.hpp). Reads environ; spawning thread only.
#include "process/spawn_env.hpp"

#include <algorithm>
#include <string_view>

#include <sys/stat.h>
#include <unistd.h>

namespace codex_mcp::process {

EnvBlock build_env(const SpawnOptions& options) {
  EnvBlock block;
  const auto dropped = [&](std::string_view key) {
    return options.env.contains(std::string(key)) ||
           std::find(options.unset_env.begin(), options.unset_env.end(), key) !=
               options.unset_env.end();
  };
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view kv(*entry);
    const auto key = kv.substr(0, kv.find('='));
    if (dropped(key)) continue;
    if (key == "PATH") block.path = std::string(kv.substr(key.size() + 1));
    block.entries.emplace_back(kv);
  }
  for (const auto& [key, value] : options.env) {
    if (key == "PATH") block.path = value;
    block.entries.push_back(key + "=" + value);
  }
  for (const auto& entry : block.entries) block.pointers.push_back(entry.c_str());
  block.pointers.push_back(nullptr);
  return block;
}

std::string resolve_executable(const std::string& name, const std::string& path) {
  if (name.empty()) throw SpawnError("cannot start a child process: no executable given");
  if (name.find('/') != std::string::npos) return name;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    auto end = path.find(':', begin);
    if (end == std::string::npos) end = path.size();
    const std::string dir = end > begin ? path.substr(begin, end - begin) : ".";
    const std::string candidate = dir + "/" + name;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    begin = end + 1;
  }
  throw SpawnError("cannot start '" + name + "': not found on PATH");
}

}  // namespace codex_mcp::process
