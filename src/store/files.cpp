#include "codex_mcp/store/files.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace codex_mcp::store {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void throw_errno(const std::string& what, const fs::path& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

/// Closes the descriptor on every path out of the function.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

void write_all(int fd, std::string_view content, const fs::path& path) {
  while (!content.empty()) {
    const auto n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot write", path);
    content.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

int open_state_file(const fs::path& path, int flags, unsigned mode) {
  return ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
}

std::string open_error(int error) {
  if (error == ELOOP) return "it is a symbolic link (refused: state files are never followed)";
  return std::generic_category().message(error);
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  const fs::path temp = path.string() + ".tmp" + std::to_string(::getpid());
  {
    // A leftover of ours (same pid, a crash) or anything planted there goes first; the
    // file is then created anew, never opened through whatever was there.
    ::unlink(temp.c_str());
    const int fd = open_state_file(temp, O_WRONLY | O_CREAT | O_EXCL);
    if (fd < 0) {
      throw std::system_error(errno, std::generic_category(),
                              "cannot create " + temp.string() + ": " + open_error(errno));
    }
    FdCloser closer{fd};
    try {
      write_all(fd, content, temp);
      if (::fsync(fd) != 0) throw_errno("cannot fsync", temp);
    } catch (...) {
      ::unlink(temp.c_str());
      throw;
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    throw_errno("cannot rename onto", path);
  }
  // The rename itself is durable only once the directory entry is on disk.
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

std::optional<std::string> read_small_file(const fs::path& path, std::size_t max_bytes) {
  const int fd = open_state_file(path, O_RDONLY);
  if (fd < 0) return std::nullopt;
  FdCloser closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) ||
      static_cast<std::uintmax_t>(info.st_size) > max_bytes) {
    return std::nullopt;
  }
  std::string content(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::read(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  content.resize(done);
  return content;
}

void create_private_directory(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw std::system_error(ec, "cannot create directory " + path.string());
  if (::chmod(path.c_str(), 0700) != 0) throw_errno("cannot chmod", path);
}

std::uintmax_t directory_bytes(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::error_code size_ec;
    if (entry.is_regular_file(size_ec)) {
      const auto size = entry.file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

}  // namespace codex_mcp::store
