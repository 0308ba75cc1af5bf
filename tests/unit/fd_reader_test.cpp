// The stdin reader's back-pressure: a client that sends faster than the loop takes its
// lines waits in the pipe, not in our memory.
#include "codex_mcp/transport/fd_stream.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace {

TEST(FdLineReader, StopsReadingWhileTheLoopHasNotTakenWhatItWasGiven) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
  boost::asio::io_context io;  // not run yet: the loop is busy
  std::vector<std::size_t> lines;
  bool eof = false;
  auto busy = boost::asio::make_work_guard(io);  // until EOF: the reader posts from its thread
  constexpr std::size_t kMaxLine = 1 << 20;
  auto reader = codex_mcp::transport::start_fd_line_reader(
      fds[0], kMaxLine, io.get_executor(),
      {.on_line = [&](std::string line) { lines.push_back(line.size()); },
       .on_oversized = [](std::size_t) {},
       .on_eof =
           [&] {
             eof = true;
             busy.reset();
           }});
  // Write 64 MiB of lines of 64 KiB until the pipe stays full: the reader has stopped.
  const std::string line(64 * 1024 - 1, 'x');
  const std::string chunk = line + "\n";
  std::size_t written = 0, offset = 0;
  while (written < (std::size_t{64} << 20)) {
    const auto n = ::write(fds[1], chunk.data() + offset, chunk.size() - offset);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      offset = (offset + static_cast<std::size_t>(n)) % chunk.size();
      continue;
    }
    ASSERT_EQ(errno, EAGAIN);
    pollfd writable{.fd = fds[1], .events = POLLOUT, .revents = 0};
    if (::poll(&writable, 1, 2000) == 0) break;  // nobody reads any more
  }
  // Queued for the loop: about one max line; in the pipe and the reader's buffers: a
  // little more. Without back-pressure the reader would have taken all 64 MiB.
  EXPECT_LT(written, std::size_t{8} << 20) << "the reader kept reading";
  ::close(fds[1]);
  io.run();  // the loop catches up: every line arrives, in order, then EOF
  std::size_t received = 0;
  for (const auto size : lines) received += size;
  EXPECT_EQ(received, written - written / chunk.size());  // all but the newlines
  EXPECT_TRUE(eof);
  reader.stop();
  ::close(fds[0]);
}

}  // namespace
