// Blocking-fd line I/O on helper threads, handing lines to the event loop.
//
// stdin and stdout may be pipes, ttys or regular files (e.g. `codex-mcp < requests.jsonl`);
// epoll rejects regular files, so each direction gets a small thread doing plain blocking
// read()/write(). The threads only move bytes: every callback runs on the loop's executor,
// so all protocol state stays single-threaded.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

namespace codex_mcp::transport {

struct LineReaderHandlers {
  std::function<void(std::string line)> on_line;
  std::function<void(std::size_t size)> on_oversized;
  std::function<void()> on_eof;
};

/// Stops a reader from posting anything more to its executor. The reader thread may stay
/// blocked in read() until the process exits; call stop() before the executor's
/// io_context is destroyed.
class FdLineReaderHandle {
 public:
  struct State;
  explicit FdLineReaderHandle(std::shared_ptr<State> state) : state_(std::move(state)) {}
  ~FdLineReaderHandle() { stop(); }
  FdLineReaderHandle(const FdLineReaderHandle&) = delete;
  FdLineReaderHandle& operator=(const FdLineReaderHandle&) = delete;
  void stop();

 private:
  std::shared_ptr<State> state_;
};

/// Starts a detached reader thread on `fd`; handlers are posted to `executor`.
/// The thread ends at EOF or on a read error (reported as EOF). Back-pressure: lines
/// posted and not yet handled hold at most about `max_line_bytes` (one line always
/// passes); past that the thread stops reading until the loop catches up.
[[nodiscard]] FdLineReaderHandle start_fd_line_reader(int fd, std::size_t max_line_bytes,
                                                      boost::asio::any_io_executor executor,
                                                      LineReaderHandlers handlers);

/// Writes whole lines to `fd` from a dedicated thread, in order, one '\n' appended to each.
/// Safe to call from any thread. After EPIPE or another write error, further lines are
/// dropped (the reader is gone) and `broken()` turns true.
class FdLineWriter {
 public:
  explicit FdLineWriter(int fd);
  ~FdLineWriter();
  FdLineWriter(const FdLineWriter&) = delete;
  FdLineWriter& operator=(const FdLineWriter&) = delete;

  void write_line(std::string line);
  /// Waits until everything queued so far is written (or the fd broke), up to `timeout`.
  bool flush(std::chrono::milliseconds timeout);
  bool broken() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace codex_mcp::transport
