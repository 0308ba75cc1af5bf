#include "codex_mcp/process/identity.hpp"

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <dirent.h>

namespace codex_mcp::process {

namespace {

/// Fields of /proc/<pid>/stat after the command name (which may hold spaces and
/// parentheses, so it is skipped up to its last ')'). fields[0] is the state (field 3).
std::optional<std::vector<std::string>> stat_fields(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  if (fields.size() < 20) return std::nullopt;
  return fields;
}

// Offsets into stat_fields(): field N of proc(5) is fields[N - 3].
constexpr std::size_t kState = 0, kParent = 1, kGroup = 2, kStartTime = 19;

const std::string& boot_id() {
  static const std::string id = [] {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string value;
    std::getline(in, value);
    return value;
  }();
  return id;
}

bool is_zombie(const std::vector<std::string>& fields) {
  return fields[kState] == "Z" || fields[kState] == "X";
}

/// Every live process whose parent chain leads to `root` (not `root` itself).
std::vector<ProcessIdentity> descendants_of(int root) {
  std::multimap<int, int> children;  // parent → child
  if (DIR* dir = ::opendir("/proc")) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): this DIR is ours alone (readdir_r is deprecated)
    while (const dirent* entry = ::readdir(dir)) {
      const int pid = std::atoi(entry->d_name);
      if (pid <= 0) continue;
      if (const auto fields = stat_fields(pid))
        children.emplace(std::stoi((*fields)[kParent]), pid);
    }
    ::closedir(dir);
  }
  std::vector<ProcessIdentity> out;
  std::vector<int> frontier{root};
  while (!frontier.empty()) {
    const int parent = frontier.back();
    frontier.pop_back();
    const auto [begin, end] = children.equal_range(parent);
    for (auto it = begin; it != end; ++it) {
      if (const auto identity = identify(it->second)) {
        out.push_back(*identity);
        frontier.push_back(it->second);
      }
    }
  }
  return out;
}

void signal_process_and_group(const ProcessIdentity& identity, int signal) {
  // Re-checked right before signalling: the identity may have died meanwhile and its pid
  // been taken by someone else.
  if (!is_alive(identity)) return;
  if (process_group_of(identity.pid) == identity.pid) ::kill(-identity.pid, signal);
  ::kill(identity.pid, signal);
}

}  // namespace

std::optional<ProcessIdentity> identify(int pid) {
  if (pid <= 0) return std::nullopt;
  const auto fields = stat_fields(pid);
  if (!fields || is_zombie(*fields)) return std::nullopt;
  return ProcessIdentity{
      .pid = pid, .start_ticks = std::stoull((*fields)[kStartTime]), .boot_id = boot_id()};
}

bool is_alive(const ProcessIdentity& identity) {
  const auto now = identify(identity.pid);
  return now && *now == identity;
}

int process_group_of(int pid) {
  const auto fields = stat_fields(pid);
  return fields ? std::stoi((*fields)[kGroup]) : -1;
}

nlohmann::json to_json(const ProcessIdentity& identity) {
  return {
      {"pid", identity.pid}, {"startTicks", identity.start_ticks}, {"bootId", identity.boot_id}};
}

std::optional<ProcessIdentity> identity_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return std::nullopt;
  const auto pid = json.find("pid");
  const auto ticks = json.find("startTicks");
  const auto boot = json.find("bootId");
  if (pid == json.end() || !pid->is_number_integer() || ticks == json.end() ||
      !ticks->is_number_unsigned() || boot == json.end() || !boot->is_string()) {
    return std::nullopt;
  }
  return ProcessIdentity{.pid = pid->get<int>(),
                         .start_ticks = ticks->get<std::uint64_t>(),
                         .boot_id = boot->get<std::string>()};
}

ReapReport reap(const std::vector<ProcessIdentity>& orphans, std::chrono::milliseconds grace) {
  ReapReport report;
  std::vector<ProcessIdentity> targets;  // the orphans and their descendants
  for (const auto& orphan : orphans) {
    if (!is_alive(orphan)) {
      report.skipped.push_back(orphan.pid);
      continue;
    }
    targets.push_back(orphan);
    for (const auto& child : descendants_of(orphan.pid)) targets.push_back(child);
  }
  for (const auto& target : targets) signal_process_and_group(target, SIGTERM);

  const auto deadline = std::chrono::steady_clock::now() + grace;
  auto any_alive = [&] {
    for (const auto& target : targets) {
      if (is_alive(target)) return true;
    }
    return false;
  };
  while (any_alive() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (const auto& target : targets) {
    if (is_alive(target)) {
      signal_process_and_group(target, SIGKILL);
      report.killed.push_back(target.pid);
    } else {
      report.terminated.push_back(target.pid);
    }
  }
  // SIGKILL is delivered asynchronously: return once they are really gone (or a moment
  // passed), so that "reaped" means gone to whoever runs next.
  const auto kill_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (any_alive() && std::chrono::steady_clock::now() < kill_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return report;
}

}  // namespace codex_mcp::process
