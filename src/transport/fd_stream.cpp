#include "codex_mcp/transport/fd_stream.hpp"

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "codex_mcp/transport/line_splitter.hpp"

namespace codex_mcp::transport {

struct FdLineReaderHandle::State {
  std::mutex mutex;
  std::condition_variable room;  // queued lines were handled, or stop()
  bool stopped = false;
  LineReaderHandlers handlers;
  boost::asio::any_io_executor executor;
  std::size_t queued_bytes = 0;  // lines posted to the loop and not handled yet
  std::size_t max_queued_bytes = 0;

  /// Hands a line to the loop, first waiting (in the reader thread) until the loop has
  /// handled enough of the earlier ones: what a client sends faster than the loop takes
  /// it waits in the pipe, not in memory. One line is always let through.
  static void post_line(const std::shared_ptr<State>& self, std::string line) {
    const auto size = line.size() + 1;
    std::unique_lock lock(self->mutex);
    self->room.wait(lock, [&] {
      return self->stopped || self->queued_bytes == 0 ||
             self->queued_bytes + size <= self->max_queued_bytes;
    });
    if (self->stopped) return;
    self->queued_bytes += size;
    boost::asio::post(self->executor, [self, line = std::move(line), size]() mutable {
      struct Handled {  // counted as handled even when the handler throws
        State* state;
        std::size_t size;
        ~Handled() {
          std::lock_guard lock(state->mutex);
          state->queued_bytes -= size;
          state->room.notify_all();
        }
      } handled{self.get(), size};
      self->handlers.on_line(std::move(line));
    });
  }

  /// Posts `fn` to the loop unless the owner has stopped listening (its io_context may
  /// be gone). Holding the mutex while posting closes the race with stop().
  template <typename Fn>
  void post(Fn&& fn) {
    std::lock_guard lock(mutex);
    if (!stopped) boost::asio::post(executor, std::forward<Fn>(fn));
  }
};

void FdLineReaderHandle::stop() {
  if (!state_) return;
  std::lock_guard lock(state_->mutex);
  state_->stopped = true;
  state_->room.notify_all();
}

FdLineReaderHandle start_fd_line_reader(int fd, std::size_t max_line_bytes,
                                        boost::asio::any_io_executor executor,
                                        LineReaderHandlers handlers) {
  auto state = std::make_shared<FdLineReaderHandle::State>();
  state->handlers = std::move(handlers);
  state->executor = std::move(executor);
  state->max_queued_bytes = max_line_bytes;
  std::thread([fd, max_line_bytes, state] {
    LineSplitter splitter(
        max_line_bytes,
        [&](std::string line) { FdLineReaderHandle::State::post_line(state, std::move(line)); },
        [&](std::size_t size) {
          state->post([state, size] { state->handlers.on_oversized(size); });
        });
    std::string buffer(std::size_t{64} << 10, '\0');
    for (;;) {
      const auto n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      splitter.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
    splitter.finish();
    state->post([state] { state->handlers.on_eof(); });
  }).detach();
  return FdLineReaderHandle(std::move(state));
}

struct FdLineWriter::State {
  int fd;
  std::mutex mutex;
  std::condition_variable wake;     // new data or stop
  std::condition_variable drained;  // queue emptied
  std::deque<std::string> queue;
  bool writing = false;
  bool stop = false;
  bool broken = false;
};

namespace {

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

FdLineWriter::FdLineWriter(int fd) : state_(std::make_shared<State>()) {
  state_->fd = fd;
  std::thread([state = state_] {
    std::unique_lock lock(state->mutex);
    for (;;) {
      state->wake.wait(lock, [&] { return state->stop || !state->queue.empty(); });
      if (state->queue.empty()) return;  // stop requested and nothing left
      // Batch everything queued into one write: fewer syscalls under bursts.
      std::string batch;
      while (!state->queue.empty()) {
        batch += state->queue.front();
        state->queue.pop_front();
      }
      state->writing = true;
      lock.unlock();
      const bool ok = write_all(state->fd, batch);
      lock.lock();
      state->writing = false;
      if (!ok && !state->broken) {
        state->broken = true;
        spdlog::warn("output stream closed (errno {}); dropping further messages", errno);
      }
      if (state->queue.empty()) state->drained.notify_all();
    }
  }).detach();
}

FdLineWriter::~FdLineWriter() {
  std::lock_guard lock(state_->mutex);
  state_->stop = true;
  state_->wake.notify_all();
}

void FdLineWriter::write_line(std::string line) {
  line.push_back('\n');
  std::lock_guard lock(state_->mutex);
  if (state_->broken) return;
  state_->queue.push_back(std::move(line));
  state_->wake.notify_all();
}

bool FdLineWriter::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->drained.wait_for(
      lock, timeout, [&] { return state_->broken || (state_->queue.empty() && !state_->writing); });
}

bool FdLineWriter::broken() const {
  std::lock_guard lock(state_->mutex);
  return state_->broken;
}

}  // namespace codex_mcp::transport
