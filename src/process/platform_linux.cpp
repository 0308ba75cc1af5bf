// The Linux implementation of process/platform: /proc for process facts and the boot id,
// prctl(PR_SET_PDEATHSIG) for the parent-death signal and PR_SET_CHILD_SUBREAPER. The only file
// that includes a Linux-only header (tests/portability_check.sh keeps it so).
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <dirent.h>
#include <sys/prctl.h>

#include "codex_mcp/process/platform.hpp"

namespace codex_mcp::process::platform {

std::optional<ProcessFacts> process_facts(int pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: skip to its last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;  // fields[N - 3] is field N of proc(5)
  for (std::string field; rest >> field;) fields.push_back(field);
  if (fields.size() < 20) return std::nullopt;
  try {
    return ProcessFacts{.parent = std::stoi(fields[1]),
                        .group = std::stoi(fields[2]),
                        .start_time = std::stoull(fields[19]),
                        .zombie = fields[0] == "Z" || fields[0] == "X"};
  } catch (const std::exception&) {
    return std::nullopt;  // not the format proc(5) documents
  }
}

const std::string& boot_id() {
  static const std::string id = [] {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string value;
    std::getline(in, value);
    return value;
  }();
  return id;
}

std::vector<int> all_pids() {
  std::vector<int> pids;
  if (DIR* dir = ::opendir("/proc")) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): this DIR is ours alone (readdir_r is deprecated)
    while (const dirent* entry = ::readdir(dir)) {
      const int pid = std::atoi(entry->d_name);
      if (pid > 0) pids.push_back(pid);
    }
    ::closedir(dir);
  }
  return pids;
}

int set_parent_death_signal(int signal) {
  return ::prctl(PR_SET_PDEATHSIG, signal) == 0 ? 0 : errno;
}

int become_child_subreaper() {
  return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 ? 0 : errno;
}

}  // namespace codex_mcp::process::platform
