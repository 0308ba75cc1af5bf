// The Linux implementation of process/platform: /proc for process facts and the boot id,
// prctl(PR_SET_PDEATHSIG) for the parent-death signal and PR_SET_CHILD_SUBREAPER, pipe2,
// close_range and pidfd_open for launching and awaiting children. The only file
// that includes a Linux-only header (tests/portability_check.sh keeps it so).
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

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

int make_cloexec_pipe(int (&fds)[2]) {
  return ::pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
}

int close_descriptor_range(unsigned first, unsigned last) {
#ifdef SYS_close_range
  // The raw system call (Linux 5.9): glibc's wrapper is newer than some build hosts' libc.
  return ::syscall(SYS_close_range, first, last, 0U) == 0 ? 0 : errno;
#else
  (void)first;
  (void)last;
  return ENOSYS;
#endif
}

int open_exit_descriptor(int pid) {
#ifdef SYS_pidfd_open
  // Linux 5.3; the descriptor is always close-on-exec.
  const long fd = ::syscall(SYS_pidfd_open, pid, 0U);
  return fd >= 0 ? static_cast<int>(fd) : -errno;
#else
  (void)pid;
  return -ENOSYS;
#endif
}

int become_child_subreaper() {
  return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 ? 0 : errno;
}

}  // namespace codex_mcp::process::platform
