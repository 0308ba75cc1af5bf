// StateDir: the server's state directory and the lock that says who may tidy it.
//
// Layout:  <dir>/server.lock            flock()ed by the server that owns recovery
//          <dir>/sessions/<sessionId>/   one directory per session (see session_journal)
//
// Any number of servers may write their own sessions into one directory; only the lock
// holder recovers the sessions of dead servers, reaps their orphans and prunes old
// sessions, so two servers never tidy the same files. The lock is an flock(): the kernel
// drops it when its holder dies, however it dies. An unusable directory is not fatal: the
// server keeps its sessions in memory and says why.
#pragma once

#include <filesystem>
#include <string>

namespace codex_mcp::store {

enum class StateAccess {
  owner,        ///< writable, and ours to recover, reap and prune
  shared,       ///< writable, but another live server holds the lock
  unavailable,  ///< cannot be used: sessions live in memory only
};

std::string to_string(StateAccess access);

class StateDir {
 public:
  /// Creates the directory (0700) and tries the lock; never throws.
  static StateDir open(const std::filesystem::path& path);
  /// A state dir that is not used at all (sessions in memory only).
  StateDir() = default;
  ~StateDir();
  StateDir(StateDir&& other) noexcept;
  StateDir& operator=(StateDir&& other) noexcept;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path sessions_path() const { return path_ / "sessions"; }
  StateAccess access() const { return access_; }
  bool writable() const { return access_ != StateAccess::unavailable; }
  bool owner() const { return access_ == StateAccess::owner; }
  /// Shared: tries the lock again (its holder may have exited); true once we own it.
  bool try_take_ownership();
  /// Why the access is less than `owner` (empty when it is the owner).
  const std::string& problem() const { return problem_; }

 private:
  std::filesystem::path path_;
  StateAccess access_ = StateAccess::unavailable;
  std::string problem_ = "no state directory";
  int lock_fd_ = -1;
};

}  // namespace codex_mcp::store
