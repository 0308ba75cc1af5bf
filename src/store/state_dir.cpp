#include "codex_mcp/store/state_dir.hpp"

#include <cerrno>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "codex_mcp/store/files.hpp"

namespace codex_mcp::store {

namespace fs = std::filesystem;

std::string to_string(StateAccess access) {
  switch (access) {
    case StateAccess::owner:
      return "owner";
    case StateAccess::shared:
      return "shared";
    case StateAccess::unavailable:
      return "unavailable";
  }
  return "unknown";
}

StateDir StateDir::open(const fs::path& path) {
  StateDir dir;
  dir.path_ = path;
  try {
    create_private_directory(path);
    create_private_directory(dir.sessions_path());
  } catch (const std::system_error& e) {
    dir.problem_ = e.what();
    return dir;
  }
  const auto lock_path = path / "server.lock";
  const int fd = open_state_file(lock_path, O_RDWR | O_CREAT);
  if (fd < 0) {
    dir.problem_ = "cannot open " + lock_path.string() + ": " + open_error(errno);
    return dir;
  }
  dir.lock_fd_ = fd;
  if (!dir.try_take_ownership()) {
    // Another server owns the directory: say which, so the user can find it.
    const auto holder = read_small_file(lock_path, 64).value_or("");
    dir.access_ = StateAccess::shared;
    dir.problem_ = "state directory " + path.string() + " is in use by another codex-mcp" +
                   (holder.empty() ? std::string() : " (pid " + holder + ")") +
                   "; this server keeps its own sessions there but leaves the others alone "
                   "(no recovery, orphan reaping or pruning)";
    return dir;
  }
  return dir;
}

bool StateDir::try_take_ownership() {
  if (access_ == StateAccess::owner) return true;
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) return false;
  // Our pid in the lock file tells a second server (and the user) who owns the directory.
  const auto pid = std::to_string(::getpid());
  if (::ftruncate(lock_fd_, 0) == 0) {
    [[maybe_unused]] const auto written = ::pwrite(lock_fd_, pid.data(), pid.size(), 0);
  }
  access_ = StateAccess::owner;
  problem_.clear();
  return true;
}

StateDir::~StateDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

StateDir::StateDir(StateDir&& other) noexcept
    : path_(std::move(other.path_)),
      access_(other.access_),
      problem_(std::move(other.problem_)),
      lock_fd_(std::exchange(other.lock_fd_, -1)) {}

StateDir& StateDir::operator=(StateDir&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    path_ = std::move(other.path_);
    access_ = other.access_;
    problem_ = std::move(other.problem_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

}  // namespace codex_mcp::store
