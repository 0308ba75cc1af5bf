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
  bool stopped = false;
  LineReaderHandlers handlers;
  boost::asio::any_io_executor executor;

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
}

FdLineReaderHandle start_fd_line_reader(int fd, std::size_t max_line_bytes,
                                        boost::asio::any_io_executor executor,
                                        LineReaderHandlers handlers) {
  auto state = std::make_shared<FdLineReaderHandle::State>();
  state->handlers = std::move(handlers);
  state->executor = std::move(executor);
  std::thread([fd, max_line_bytes, state] {
    LineSplitter splitter(
        max_line_bytes,
        [&](std::string line) {
          state->post([state, line = std::move(line)]() mutable {
            state->handlers.on_line(std::move(line));
          });
        },
        [&](std::size_t size) {
          state->post([state, size] { state->handlers.on_oversized(size); });
        });
    std::string buffer(64 * 1024, '\0');
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
