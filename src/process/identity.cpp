#include "codex_mcp/process/identity.hpp"

#include <csignal>
#include <map>
#include <thread>

#include "codex_mcp/process/platform.hpp"

namespace codex_mcp::process {

std::vector<ProcessIdentity> descendants_of(int root) {
  std::multimap<int, int> children;  // parent → child
  for (const int pid : platform::all_pids()) {
    if (const auto facts = platform::process_facts(pid)) children.emplace(facts->parent, pid);
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

namespace {

void signal_process_and_group(const ProcessIdentity& identity, int signal) {
  // Re-checked right before signalling: the identity may have died meanwhile and its pid
  // been taken by someone else.
  if (!is_alive(identity)) return;
  if (process_group_of(identity.pid) == identity.pid) ::kill(-identity.pid, signal);
  ::kill(identity.pid, signal);
}

}  // namespace

std::optional<ProcessIdentity> identify(int pid) {
  const auto facts = platform::process_facts(pid);
  if (!facts || facts->zombie) return std::nullopt;
  return ProcessIdentity{
      .pid = pid, .start_ticks = facts->start_time, .boot_id = platform::boot_id()};
}

bool is_alive(const ProcessIdentity& identity) {
  const auto now = identify(identity.pid);
  return now && *now == identity;
}

int process_group_of(int pid) {
  const auto facts = platform::process_facts(pid);
  return facts ? facts->group : -1;
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

std::vector<int> zombie_children_of(int parent) {
  std::vector<int> out;
  for (const int pid : platform::all_pids()) {
    const auto facts = platform::process_facts(pid);
    if (facts && facts->zombie && facts->parent == parent) out.push_back(pid);
  }
  return out;
}

}  // namespace codex_mcp::process
