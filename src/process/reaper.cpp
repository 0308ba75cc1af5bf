#include "codex_mcp/process/reaper.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "codex_mcp/process/identity.hpp"
#include "codex_mcp/process/platform.hpp"

namespace codex_mcp::process {

bool become_subreaper() {
  const int error = platform::become_child_subreaper();
  if (error == 0) return true;
  spdlog::warn(
      "cannot become a child subreaper ({}): helpers codex starts in a session of "
      "their own may outlive codex-mcp",
      std::generic_category().message(error));
  return false;
}

std::size_t reap_adopted(const std::function<bool(int pid)>& is_ours) {
  std::size_t reaped = 0;
  for (const int pid : zombie_children_of(::getpid())) {
    if (is_ours(pid)) continue;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) ++reaped;
  }
  return reaped;
}

std::size_t end_all_descendants(std::chrono::milliseconds grace) {
  const auto all = descendants_of(::getpid());
  if (all.empty()) return 0;
  const auto report = reap(all, grace);
  // The adopted ones are our children now: wait for them (the others were waited for by
  // their own parents, or are zombies of a parent that is itself gone by now).
  for (const int pid : zombie_children_of(::getpid())) {
    int status = 0;
    ::waitpid(pid, &status, WNOHANG);
  }
  if (!report.killed.empty() || !report.terminated.empty()) {
    spdlog::info("ended {} leftover process(es) descended from codex-mcp",
                 report.killed.size() + report.terminated.size());
  }
  return all.size();
}

}  // namespace codex_mcp::process
