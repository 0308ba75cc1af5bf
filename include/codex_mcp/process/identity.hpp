// ProcessIdentity: a pid that cannot be confused with a later process reusing it.
//
// A pid alone is not an identity: after a crash and a reboot or a long uptime the same
// number may belong to an unrelated process. The kernel's start time of the process
// (process/platform: on Linux, clock ticks since boot from /proc/<pid>/stat) with the boot id
// identifies it for good, so recorded children are only ever signalled when all three
// still match.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex_mcp::process {

struct ProcessIdentity {
  int pid = -1;
  std::uint64_t start_ticks = 0;
  std::string boot_id{};

  bool operator==(const ProcessIdentity&) const = default;
};

/// The identity of a live (non-zombie) process, or nullopt when it is gone.
std::optional<ProcessIdentity> identify(int pid);
/// True when a live process has exactly this identity (never for a reused pid).
bool is_alive(const ProcessIdentity& identity);
/// The process group of a live process, or -1.
int process_group_of(int pid);

/// Every live process whose parent chain leads to `root` (not `root` itself), whatever
/// its process group or session.
std::vector<ProcessIdentity> descendants_of(int root);
/// The zombies whose parent is `parent` (exited, not yet waited for).
std::vector<int> zombie_children_of(int parent);

nlohmann::json to_json(const ProcessIdentity& identity);
/// Nullopt when `json` is not a recorded identity (missing or wrong-typed fields).
std::optional<ProcessIdentity> identity_from_json(const nlohmann::json& json);

struct ReapReport {
  std::vector<int> terminated;  ///< ended by SIGTERM
  std::vector<int> killed;      ///< needed SIGKILL
  std::vector<int> skipped;     ///< gone already, or the pid now belongs to another process
};

/// Ends leftover children of a dead server: each identity that is still alive gets
/// SIGTERM (its process group, if it leads one, and itself), then SIGKILL after `grace`,
/// and returns once they are gone. Blocks for at most about `grace` plus a second.
ReapReport reap(const std::vector<ProcessIdentity>& orphans, std::chrono::milliseconds grace);

}  // namespace codex_mcp::process
