// ChildProcess implementation: launch (process/launcher), pipe coroutines, exit wait, group
// shutdown.
// Threading: all state lives in State and is touched only on the spawn executor; the
// coroutines hold a shared_ptr to it, so it outlives the ChildProcess handle if needed.
#include "codex_mcp/process/child_process.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <deque>
#include <mutex>
#include <set>
#include <string_view>
#include <system_error>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/write.hpp>

#include "codex_mcp/process/identity.hpp"
#include "codex_mcp/process/platform.hpp"
#include "codex_mcp/transport/line_splitter.hpp"
#include "process/launcher.hpp"
#include "process/spawn_env.hpp"

namespace codex_mcp::process {

namespace asio = boost::asio;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kStderrTailBytes = 4096;
constexpr std::size_t kStderrLogLineBytes = std::size_t{16} << 10;
// A grandchild may keep our pipes open after the child itself exited.
constexpr auto kPipeGraceAfterExit = 2s;
// How often an exit is checked for where there is no exit descriptor (no pidfd).
constexpr auto kExitPollInterval = 20ms;

}  // namespace

struct ChildProcess::State {
  explicit State(asio::any_io_executor ex)
      : executor(ex),
        stdin_pipe(ex),
        stdout_pipe(ex),
        stderr_pipe(ex),
        done_event(ex, asio::steady_timer::time_point::max()),
        pipe_grace(ex) {}

  asio::any_io_executor executor;
  SpawnOptions options;
  ChildHandlers handlers;
  int pid = -1;
  asio::writable_pipe stdin_pipe;
  asio::readable_pipe stdout_pipe;
  asio::readable_pipe stderr_pipe;
  std::deque<std::string> write_queue;
  bool writing = false;
  bool close_stdin_requested = false;
  bool stdout_open = true;
  bool stderr_open = true;
  bool reaped = false;
  bool finished = false;
  bool owner_gone = false;  // the ChildProcess handle died: stop calling handlers
  int exit_code = -1;
  std::string stderr_tail;
  asio::steady_timer done_event;  // cancelled once finished
  asio::steady_timer pipe_grace;
};

namespace {

using State = ChildProcess::State;

void log_failure(const char* what, std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("child process {} failed: {}", what, e.what());
  }
}

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

/// The pids of children spawned here and not reaped yet: their exits are waited for by
/// wait_for_exit, so the subreaper's reaping must leave them alone. Loop thread only.
std::set<int>& unreaped_children() {
  static std::set<int> pids;
  return pids;
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

void close_stdin_now(State& s) {
  s.write_queue.clear();
  error_code ignored;
  s.stdin_pipe.close(ignored);
}

void maybe_finish(const std::shared_ptr<State>& s) {
  if (s->finished || !s->reaped || s->stdout_open || s->stderr_open) return;
  s->finished = true;
  s->pipe_grace.cancel();
  s->done_event.cancel();
  close_stdin_now(*s);
  if (s->owner_gone || !s->handlers.on_exit) return;
  auto on_exit = s->handlers.on_exit;  // the callback may destroy the handle
  on_exit(s->exit_code);
}

asio::awaitable<void> read_stdout(std::shared_ptr<State> s) {
  transport::LineSplitter splitter(
      s->options.max_line_bytes,
      [&](std::string line) {
        if (s->owner_gone || !s->handlers.on_line) return;
        try {
          s->handlers.on_line(std::move(line));
        } catch (const std::exception& e) {  // never let a handler stop the reader
          spdlog::error("[{}] stdout line handler failed: {}", s->options.log_prefix, e.what());
        }
      },
      [&](std::size_t size) {
        if (!s->owner_gone && s->handlers.on_oversized) s->handlers.on_oversized(size);
      });
  std::vector<char> buffer(std::size_t{64} << 10);
  for (;;) {
    error_code ec;
    const auto n = co_await s->stdout_pipe.async_read_some(
        asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    if (n > 0) splitter.feed(std::string_view(buffer.data(), n));
    if (ec) break;
  }
  splitter.finish();
  s->stdout_open = false;
  maybe_finish(s);
}

asio::awaitable<void> read_stderr(std::shared_ptr<State> s) {
  transport::LineSplitter splitter(
      kStderrLogLineBytes,
      [&](std::string line) { spdlog::debug("[{}] {}", s->options.log_prefix, line); },
      [&](std::size_t size) {
        spdlog::debug("[{}] <{} bytes of stderr not logged>", s->options.log_prefix, size);
      });
  std::vector<char> buffer(std::size_t{16} << 10);
  for (;;) {
    error_code ec;
    const auto n = co_await s->stderr_pipe.async_read_some(
        asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    if (n > 0) {
      const std::string_view chunk(buffer.data(), n);
      splitter.feed(chunk);
      s->stderr_tail.append(chunk);
      if (s->stderr_tail.size() > kStderrTailBytes) {
        s->stderr_tail.erase(0, s->stderr_tail.size() - kStderrTailBytes);
      }
    }
    if (ec) break;
  }
  splitter.finish();
  s->stderr_open = false;
  maybe_finish(s);
}

/// Reaps the child if it has exited: true once done (exit_code set, or left at -1 with a
/// warning when waitpid fails), false while it runs.
bool try_reap(State& s) {
  int status = 0;
  pid_t result = -1;
  do {
    result = ::waitpid(s.pid, &status, WNOHANG);
  } while (result < 0 && errno == EINTR);
  if (result == 0) return false;
  if (result == s.pid) {
    s.exit_code = decode_wait_status(status);
  } else {
    spdlog::warn("[{}] waiting for pid {} failed: {}", s.options.log_prefix, s.pid,
                 std::generic_category().message(errno));
  }
  return true;
}

/// Waits until the child has exited and reaps it. An exit descriptor (Linux: pidfd)
/// becomes readable at the exit; without one (an old kernel, a seccomp filter refusing
/// pidfd_open) the exit is polled, SIGCHLD being left alone.
asio::awaitable<void> reap_when_exited(std::shared_ptr<State> s) {
  asio::posix::stream_descriptor exit_descriptor(s->executor);
  if (const int fd = platform::open_exit_descriptor(s->pid); fd >= 0) {
    error_code assigned;
    exit_descriptor.assign(fd, assigned);
    if (assigned) ::close(fd);
  }
  while (exit_descriptor.is_open()) {
    error_code ec;
    co_await exit_descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                                        asio::redirect_error(asio::use_awaitable, ec));
    if (try_reap(*s)) co_return;
    if (ec) break;  // not expected: poll instead
  }
  asio::steady_timer poll(s->executor);
  while (!try_reap(*s)) {
    poll.expires_after(kExitPollInterval);
    error_code ignored;
    co_await poll.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

asio::awaitable<void> wait_for_exit(std::shared_ptr<State> s) {
  co_await reap_when_exited(s);
  s->reaped = true;
  unreaped_children().erase(s->pid);
  spdlog::debug("[{}] pid {} exited with {}", s->options.log_prefix, s->pid, s->exit_code);
  if (s->stdout_open || s->stderr_open) {
    s->pipe_grace.expires_after(kPipeGraceAfterExit);
    error_code ignored;
    co_await s->pipe_grace.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (!s->finished) {
      // Closing cancels the readers, which then finish and call maybe_finish.
      s->stdout_pipe.close(ignored);
      s->stderr_pipe.close(ignored);
    }
  }
  maybe_finish(s);
}

asio::awaitable<void> write_stdin(std::shared_ptr<State> s) {
  while (!s->write_queue.empty() && s->stdin_pipe.is_open()) {
    std::string batch;
    while (!s->write_queue.empty()) {
      batch += s->write_queue.front();
      s->write_queue.pop_front();
    }
    error_code ec;
    co_await asio::async_write(s->stdin_pipe, asio::buffer(batch),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      // EPIPE: the child stopped reading (it is exiting); later lines are dropped.
      if (ec != asio::error::broken_pipe && ec != asio::error::operation_aborted) {
        spdlog::warn("[{}] writing to stdin failed: {}", s->options.log_prefix, ec.message());
      }
      close_stdin_now(*s);
      break;
    }
  }
  s->writing = false;
  if (s->close_stdin_requested) close_stdin_now(*s);
}

/// True once finished; false when `timeout` passed first.
asio::awaitable<bool> wait_finished(std::shared_ptr<State> s, std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  if (s->finished) co_return true;
  asio::steady_timer timer(s->executor, timeout);
  error_code ec1;
  error_code ec2;
  co_await (s->done_event.async_wait(asio::redirect_error(asio::use_awaitable, ec1)) ||
            timer.async_wait(asio::redirect_error(asio::use_awaitable, ec2)));
  co_return s->finished;
}

void signal_group(const State& s, int signal) {
  if (s.pid > 0) ::kill(-s.pid, signal);  // ESRCH once the whole group is gone
}

asio::awaitable<void> terminate(std::shared_ptr<State> s, std::chrono::milliseconds grace,
                                std::vector<ProcessIdentity> outside_group) {
  // Already gone: its pid may be reused by now, so never signal the group again.
  if (s->finished) co_return;
  // GCC 12: keep co_await out of conditions; its frames mishandle them.
  bool done = co_await wait_finished(s, grace);
  if (!done) {
    spdlog::debug("[{}] pid {} still running after stdin EOF: SIGTERM", s->options.log_prefix,
                  s->pid);
    signal_group(*s, SIGTERM);
    done = co_await wait_finished(s, grace);
  }
  if (!done) {
    spdlog::debug("[{}] pid {} ignored SIGTERM: SIGKILL", s->options.log_prefix, s->pid);
    signal_group(*s, SIGKILL);
    const std::chrono::milliseconds retry(1000);
    for (;;) {
      done = co_await wait_finished(s, retry);
      if (done) break;
      signal_group(*s, SIGKILL);
    }
  }
  // Stragglers left in the group (e.g. a native binary under a launcher) go too. The
  // leader was reaped just now, so the group id is still ours (Linux does not reuse a pid
  // while a group of that id exists).
  signal_group(*s, SIGKILL);
  for (const auto& helper : outside_group) {
    if (is_alive(helper)) ::kill(helper.pid, SIGKILL);
  }
}

/// Takes the parent's pipe ends into `s`. False (each descriptor closed) when Asio cannot
/// register one.
bool adopt_pipes(State& s, const LaunchResult& launched) {
  error_code ec;
  s.stdin_pipe.assign(launched.stdin_fd, ec);
  if (ec) ::close(launched.stdin_fd);
  error_code ec_out;
  s.stdout_pipe.assign(launched.stdout_fd, ec_out);
  if (ec_out) ::close(launched.stdout_fd);
  error_code ec_err;
  s.stderr_pipe.assign(launched.stderr_fd, ec_err);
  if (ec_err) ::close(launched.stderr_fd);
  return !ec && !ec_out && !ec_err;
}

}  // namespace

std::shared_ptr<ChildProcess> ChildProcess::spawn(asio::any_io_executor executor,
                                                  SpawnOptions options, ChildHandlers handlers) {
  ignore_sigpipe_once();
  auto s = std::make_shared<State>(executor);
  s->options = std::move(options);
  s->handlers = std::move(handlers);
  const auto env = build_env(s->options);
  const auto exe = resolve_executable(s->options.executable, env.path);
  if (!s->options.cwd.empty()) {
    struct stat info {};
    if (::stat(s->options.cwd.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      throw SpawnError("cannot start '" + exe + "': working directory '" + s->options.cwd +
                       "' does not exist");
    }
  }
  std::vector<const char*> argv;
  argv.reserve(s->options.args.size() + 2);
  argv.push_back(exe.c_str());  // argv[0]: the path, as Boost.Process gave it
  for (const auto& arg : s->options.args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  const auto launched = launch({.executable = exe.c_str(),
                                .argv = argv.data(),
                                .envp = env.pointers.data(),
                                .cwd = s->options.cwd.empty() ? nullptr : s->options.cwd.c_str()});
  if (launched.error != 0) {
    throw SpawnError("cannot start '" + exe +
                     "': " + std::generic_category().message(launched.error));
  }
  s->pid = launched.pid;
  if (!adopt_pipes(*s, launched)) {
    // It runs with nobody to talk to: end it and reap it now (SIGKILL: a bounded wait).
    signal_group(*s, SIGKILL);
    int status = 0;
    while (::waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw SpawnError("cannot start '" + exe + "': its pipes cannot be watched");
  }
  unreaped_children().insert(s->pid);
  spdlog::debug("[{}] started {} as pid {}", s->options.log_prefix, exe, s->pid);

  asio::co_spawn(executor, read_stdout(s), [](std::exception_ptr e) { log_failure("stdout", e); });
  asio::co_spawn(executor, read_stderr(s), [](std::exception_ptr e) { log_failure("stderr", e); });
  asio::co_spawn(executor, wait_for_exit(s), [](std::exception_ptr e) { log_failure("wait", e); });
  return std::shared_ptr<ChildProcess>(new ChildProcess(std::move(s)));
}

ChildProcess::ChildProcess(std::shared_ptr<State> state) : state_(std::move(state)) {}

bool ChildProcess::is_unreaped_child(int pid) {
  return unreaped_children().contains(pid);
}

ChildProcess::~ChildProcess() {
  state_->owner_gone = true;
  // Dropped without terminate_group(): do not leave the group running. The wait
  // coroutine still reaps the child.
  if (!state_->reaped) signal_group(*state_, SIGKILL);
}

int ChildProcess::pid() const {
  return state_->pid;
}

void ChildProcess::send_line(std::string line) {
  auto& s = *state_;
  if (s.close_stdin_requested || !s.stdin_pipe.is_open()) return;
  line += '\n';
  s.write_queue.push_back(std::move(line));
  if (s.writing) return;
  s.writing = true;
  asio::co_spawn(s.executor, write_stdin(state_),
                 [](std::exception_ptr e) { log_failure("stdin", e); });
}

void ChildProcess::close_stdin() {
  state_->close_stdin_requested = true;
  if (!state_->writing) close_stdin_now(*state_);
}

bool ChildProcess::finished() const {
  return state_->finished;
}

std::string ChildProcess::stderr_tail() const {
  return state_->stderr_tail;
}

asio::awaitable<void> ChildProcess::terminate_group(std::chrono::milliseconds grace) {
  // Helpers that left the child's process group (a new session) are not reached by the
  // group's signals: noted now, while the child lives and they are still its descendants.
  auto outside_group =
      state_->finished ? std::vector<ProcessIdentity>{} : descendants_of(state_->pid);
  close_stdin();
  return terminate(state_, grace, std::move(outside_group));
}

}  // namespace codex_mcp::process
