// SessionManager's side of the state directory: recovery at start-up, loading a
// persisted session on first use, unloading idle ones, removal and retention.
#include <filesystem>

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "codex_mcp/process/identity.hpp"
#include "codex_mcp/session/session_manager.hpp"
#include "codex_mcp/store/files.hpp"
#include "codex_mcp/store/session_journal.hpp"
#include "codex_mcp/store/session_loader.hpp"

namespace codex_mcp::session {

namespace fs = std::filesystem;

namespace {

constexpr auto kOrphanGrace = std::chrono::milliseconds(3000);

bool is_running_status(const Json& meta) {
  const auto status = status_from_string(meta.value("status", std::string()));
  return status == Status::starting || status == Status::running ||
         status == Status::waiting_approval;
}

std::string join(const std::vector<int>& pids) {
  std::string out;
  for (const int pid : pids) out += (out.empty() ? "" : ", ") + std::to_string(pid);
  return out;
}

}  // namespace

void SessionManager::recover() {
  auto scan = store::scan_sessions(state_.sessions_path());
  for (const auto& warning : scan.warnings) spdlog::warn("state: {}", warning);

  const auto self = process::identify(::getpid());
  std::vector<process::ProcessIdentity> orphans;
  std::vector<std::string> lost_turns;
  std::size_t foreign_live = 0;
  for (auto& stored : scan.sessions) {
    if (sessions_.contains(stored.id) || on_disk_.contains(stored.id)) continue;  // ours
    try {
      // A session of another live server (one sharing the directory) is its business.
      const auto server = process::identity_from_json(stored.meta.value("server", Json()));
      if (server && server != self && process::is_alive(*server)) {
        ++foreign_live;
        continue;
      }
      if (const auto child = process::identity_from_json(stored.meta.value("child", Json()))) {
        orphans.push_back(*child);
      }
      if (is_running_status(stored.meta)) lost_turns.push_back(stored.id);
      on_disk_[stored.id] = {.meta = std::move(stored.meta), .bytes = stored.bytes};
    } catch (const std::exception& e) {  // a well-formed meta.json with odd field types
      spdlog::warn("state: skipping session {}: {}", stored.id, e.what());
    }
  }
  if (foreign_live > 0) {
    spdlog::info("state: {} session(s) belong to another running codex-mcp: left alone",
                 foreign_live);
  }
  if (!orphans.empty()) {
    const auto report = process::reap(orphans, kOrphanGrace);
    if (!report.terminated.empty() || !report.killed.empty()) {
      spdlog::warn("state: ended leftover codex processes of a previous server: [{}]{}",
                   join(report.terminated),
                   report.killed.empty() ? "" : " and killed [" + join(report.killed) + "]");
    }
  }
  for (const auto& id : lost_turns) {
    if (auto session = load(id)) session->mark_interrupted_by_restart();
  }
  prune();
  spdlog::info("state: {} session(s) recovered from {}", on_disk_.size() + sessions_.size(),
               state_.path().string());
}

std::shared_ptr<Session> SessionManager::load(const std::string& id) {
  const auto dir = state_.sessions_path() / id;
  try {
    std::string problem;
    const auto meta = store::load_meta(dir, problem);
    if (!meta) {
      spdlog::warn("state: cannot load session {}: {}", id, problem);
      return nullptr;
    }
    std::vector<std::string> warnings;
    auto events = store::load_events(dir, warnings);
    auto result = store::load_result(dir, warnings);
    for (const auto& warning : warnings) spdlog::warn("state: session {}: {}", id, warning);
    auto journal =
        state_.writable() ? store::SessionJournal::open(services_.executor, dir) : nullptr;
    auto session = Session::restore(services_, *meta, std::move(events), std::move(result),
                                    std::move(journal));
    on_disk_.erase(id);
    sessions_[id] = session;
    return session;
  } catch (const std::exception& e) {
    spdlog::warn("state: cannot load session {}: {}", id, e.what());
    return nullptr;
  }
}

void SessionManager::unload(const std::shared_ptr<Session>& session) {
  const auto& journal = session->journal();
  if (!journal || !journal->last_error().empty()) {
    // Not (completely) on disk: only sessions that are over may be dropped.
    if (session->status() == Status::error || session->status() == Status::cancelled) {
      sessions_.erase(session->id());
    }
    return;
  }
  journal->flush();
  on_disk_[session->id()] = {.meta = session->meta_json(),
                             .bytes = store::directory_bytes(journal->dir())};
  sessions_.erase(session->id());
}

RemoveOutcome SessionManager::remove(const std::string& id, bool delete_files) {
  RemoveOutcome outcome;
  if (delete_files && state_.writable()) {
    // The files first: a session whose files stay (a failed deletion) stays too, listed
    // as it was, rather than coming back from the disk after the next restart.
    std::error_code ec;
    const auto removed = fs::remove_all(state_.sessions_path() / id, ec);
    if (ec) {  // remove_all then returns (uintmax_t)-1, which is no count of files
      outcome.error = ec.message();
      spdlog::warn("state: cannot delete session {}: {}", id, outcome.error);
      return outcome;
    }
    outcome.files_deleted = removed > 0;
  }
  if (const auto it = sessions_.find(id); it != sessions_.end()) {
    if (delete_files && it->second->journal()) it->second->journal()->discard();
    sessions_.erase(it);
  }
  if (delete_files && state_.writable()) on_disk_.erase(id);
  outcome.removed = true;
  return outcome;
}

void SessionManager::prune() {
  std::vector<store::RetentionEntry> entries;
  for (const auto& [id, disk] : on_disk_) {
    entries.push_back({.id = id,
                       .updated_ms = disk.meta.value("updatedAt", std::int64_t{0}),
                       .bytes = disk.bytes,
                       .prunable = true});
  }
  for (const auto& [id, session] : sessions_) {
    const auto& journal = session->journal();
    entries.push_back({.id = id,
                       .updated_ms = session->updated_ms(),
                       .bytes = journal ? store::directory_bytes(journal->dir()) : 0,
                       .prunable = false});
  }
  const auto doomed = store::sessions_to_prune(std::move(entries), options_.retention, now_ms());
  for (const auto& id : doomed) static_cast<void>(remove(id, true));
  if (!doomed.empty()) {
    spdlog::info("state: pruned {} old session(s) (retention: {} days, {} sessions, {} MB)",
                 doomed.size(), options_.retention.max_age.count() / 86400000,
                 options_.retention.max_sessions, options_.retention.max_bytes >> 20);
  }
}

}  // namespace codex_mcp::session
