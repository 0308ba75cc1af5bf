// SessionManager: every session of this server, by id, and their lifecycle.
//
// - Creation and lookup. Sessions persisted in the state directory are listed from
//   their metadata and loaded into memory on first use (find), so memory holds only the
//   sessions in use, however many the directory keeps.
// - Recovery at start-up, when this server owns the state directory: sessions of dead
//   servers are indexed, their leftover children reaped (only when pid and start time
//   still match), turns that were running marked as lost, and old sessions pruned.
// - The sweep: children idle too long are stopped (the session stays idle; a reply
//   resumes its thread), stuck turns are cancelled, and sessions without a child leave
//   memory after a while (they stay on disk). Retention limits are applied.
// - Drain on stdin EOF and shutdown: running turns get time to finish, then are
//   interrupted, then every child is stopped, in parallel; state is flushed.
// Threading: the loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "codex_mcp/app/options.hpp"
#include "codex_mcp/codex/locate.hpp"
#include "codex_mcp/codex/probe.hpp"
#include "codex_mcp/session/session.hpp"
#include "codex_mcp/store/retention.hpp"
#include "codex_mcp/store/state_dir.hpp"

namespace codex_mcp::session {

struct LifecyclePolicy {
  std::chrono::milliseconds idle_stop{30 * 60 * 1000};
  std::chrono::milliseconds stuck_cancel{4 * 60 * 60 * 1000};
  std::chrono::milliseconds unload_after{5 * 60 * 1000};
  std::chrono::milliseconds sweep_every{60 * 1000};
};

/// What SessionManager::remove did.
struct RemoveOutcome {
  bool removed = false;        ///< forgotten (from memory, and from disk if asked)
  bool files_deleted = false;  ///< its state directory was deleted
  std::string error;           ///< why the deletion failed (then nothing was removed)
};

/// A session as codex_session list/clean see it: loaded, or known from its metadata.
struct ListedSession {
  std::string id;
  Json meta;                         ///< Session::meta_json(), or meta.json on disk
  std::shared_ptr<Session> session;  ///< null while it is only on disk
};

class SessionManager {
 public:
  SessionManager(boost::asio::any_io_executor executor, const app::Options& options);
  ~SessionManager();

  /// Opens the state directory, recovers what a dead server left, starts the sweep.
  /// Blocks briefly when orphans must be reaped (before any request is served).
  void start();
  boost::asio::any_io_executor executor() const { return executor_; }
  const app::Options& options() const { return options_; }
  const store::StateDir& state() const { return state_; }
  /// The codex executable sessions run (re-resolved on each call: PATH may change).
  codex::ExecutableChoice executable() const;
  /// How sessions run codex now: app-server, exec (`--mode exec`, or a codex without
  /// app-server), none (no codex found), or auto (`--mode auto` and the codex is still
  /// being probed: this call starts the probe, it never waits for it).
  std::string client_mode() const;
  /// What codex executables are (version, app-server), probed once each off the loop.
  codex::CodexProbe& probe() const { return *probe_; }
  std::shared_ptr<codex::CodexProbe> shared_probe() const { return probe_; }
  /// The release of the codex sessions run (probed when it was not yet).
  boost::asio::awaitable<codex::Release> codex_release() const;
  /// A new session ready to start (codex probed first, when it was not yet); throws
  /// ToolError when no codex executable is usable (none, or older than the minimum) or
  /// the server is shutting down.
  boost::asio::awaitable<std::shared_ptr<Session>> create();
  /// Throws ToolError (CANCELLED) once the server stopped taking new work.
  void ensure_accepting_work() const;
  /// Loaded, or loaded now from the state directory; throws ToolError SESSION_NOT_FOUND.
  std::shared_ptr<Session> find(const std::string& id);
  /// Every session, loaded or on disk, oldest first.
  std::vector<ListedSession> list() const;
  /// Forgets the session; with `delete_files` its state directory goes too, and when
  /// that fails the session is kept (in memory and on disk, as it was).
  [[nodiscard]] RemoveOutcome remove(const std::string& id, bool delete_files);
  std::size_t loaded_count() const { return sessions_.size(); }
  /// Loaded and persisted sessions (what list() would return, without building it).
  std::size_t session_count() const { return sessions_.size() + on_disk_.size(); }

  /// stdin EOF: stops taking new work and waits until no turn runs, or the deadline.
  boost::asio::awaitable<void> drain(std::chrono::steady_clock::time_point deadline);
  /// Ends everything by `deadline`, all sessions in parallel: interrupts running turns
  /// (codex gets half the time to end them), records what still runs as interrupted,
  /// stops every child, flushes the state.
  boost::asio::awaitable<void> shutdown(std::chrono::steady_clock::time_point deadline);
  /// The fast path (a second signal, or a shutdown out of time): every running turn is
  /// recorded as interrupted at once, without waiting for any child.
  void end_turns_now();
  /// Writes every loaded session's buffered events.
  void flush_all();

  /// One pass of the lifecycle rules (also run by the sweep timer).
  void sweep();

 private:
  struct DiskSession {
    Json meta;
    std::uintmax_t bytes = 0;
  };

  /// The launch as far as known now (without probing: for restored sessions, which
  /// probe when they start a child).
  Launch make_launch() const;
  /// The launch with the codex probed.
  boost::asio::awaitable<Launch> probed_launch() const;
  std::string new_unique_id() const;
  void recover();
  std::shared_ptr<Session> load(const std::string& id);
  void unload(const std::shared_ptr<Session>& session);
  void prune();
  boost::asio::awaitable<void> sweep_loop();

  boost::asio::any_io_executor executor_;
  app::Options options_;
  LifecyclePolicy policy_;
  store::RetentionPolicy retention_;
  store::StateDir state_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;  // loaded
  std::map<std::string, DiskSession> on_disk_;                // persisted, not loaded
  std::shared_ptr<codex::CodexProbe> probe_;
  boost::asio::steady_timer sweep_timer_;
  bool stopping_ = false;
};

}  // namespace codex_mcp::session
