// SessionManager: every session of this server, by id, and their lifecycle. Its sessions
// get their codex from the backend::Provider it is given (SessionServices).
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

struct ManagerOptions {
  std::string state_dir;  ///< where sessions are persisted (empty: memory only)
  LifecyclePolicy lifecycle;
  store::RetentionPolicy retention;
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
  SessionManager(SessionServices services, ManagerOptions options);
  ~SessionManager();

  /// Opens the state directory, recovers what a dead server left, starts the sweep.
  /// Blocks briefly when orphans must be reaped (before any request is served).
  void start();
  boost::asio::any_io_executor executor() const { return services_.executor; }
  backend::Provider& provider() const { return *services_.provider; }
  const store::StateDir& state() const { return state_; }
  /// The release of the codex sessions run (probed when it was not yet; a current one
  /// when no codex can be found).
  boost::asio::awaitable<codex::Release> codex_release() const;
  /// A new session ready to start (codex probed first, when it was not yet); throws
  /// SessionError when no codex executable is usable (`codex_unavailable`: none, or older
  /// than the minimum) or the server is shutting down (`cancelled`).
  boost::asio::awaitable<std::shared_ptr<Session>> create();
  /// Throws SessionError (`cancelled`) once the server stopped taking new work.
  void ensure_accepting_work() const;
  /// Loaded, or loaded now from the state directory; throws SessionError (`not_found`).
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

  std::string new_unique_id() const;
  /// Until any loaded session changes, or `deadline`.
  boost::asio::awaitable<void> any_change(std::chrono::steady_clock::time_point deadline);
  void recover();
  std::shared_ptr<Session> load(const std::string& id);
  void unload(const std::shared_ptr<Session>& session);
  void prune();
  boost::asio::awaitable<void> sweep_loop();

  SessionServices services_;
  ManagerOptions options_;
  store::StateDir state_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;  // loaded
  std::map<std::string, DiskSession> on_disk_;                // persisted, not loaded
  boost::asio::steady_timer sweep_timer_;
  bool stopping_ = false;
};

}  // namespace codex_mcp::session
