// ChildProcess implementation: Boost.Process v2 launch, pipe coroutines, group shutdown.
// Threading: all state lives in State and is touched only on the spawn executor; the
// coroutines hold a shared_ptr to it, so it outlives the ChildProcess handle if needed.
#include "codex_mcp/process/child_process.hpp"

#include <algorithm>
#include <array>
#include <csignal>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include "codex_mcp/process/identity.hpp"
#include "codex_mcp/process/platform.hpp"
#include "codex_mcp/transport/line_splitter.hpp"
#include "process/spawn_env.hpp"

namespace codex_mcp::process {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kStderrTailBytes = 4096;
constexpr std::size_t kStderrLogLineBytes = std::size_t{16} << 10;
// A grandchild may keep our pipes open after the child itself exited.
constexpr auto kPipeGraceAfterExit = 2s;

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
  std::optional<bp::process> proc;
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

asio::awaitable<void> wait_for_exit(std::shared_ptr<State> s) {
  error_code ec;
  co_await s->proc->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    spdlog::warn("[{}] waiting for pid {} failed: {}", s->options.log_prefix, s->pid, ec.message());
  } else {
    s->exit_code = decode_wait_status(s->proc->native_exit_code());
  }
  s->proc->detach();  // reaped: nothing left for its destructor to kill
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

/// Launcher initializer: our environment block, a process group of the child's own, and
/// SIGTERM for the child if we die first (so a SIGKILLed server leaves no orphan behind
/// that it could not stop; a child ignoring it is reaped by the next server's recovery).
struct ChildSetup {
  const char* const* env;
  const char* cwd;
  pid_t parent;

  template <typename Launcher, typename Path, typename Argv>
  error_code on_setup(Launcher& launcher, const Path&, const Argv&) {
    launcher.env = env;
    return {};
  }
  template <typename Launcher, typename Path, typename Argv>
  error_code on_exec_setup(Launcher&, const Path&, const Argv&) {
    // Runs in the forked child: only async-signal-safe calls here.
    if (::setpgid(0, 0) != 0) return {errno, boost::system::system_category()};
    if (const int error = platform::set_parent_death_signal(SIGTERM); error != 0) {
      return {error, boost::system::system_category()};
    }
    if (::getppid() != parent) ::_exit(127);  // we died before prctl took effect
    if (cwd != nullptr && ::chdir(cwd) != 0) return {errno, boost::system::system_category()};
    return {};
  }
};

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
  ChildSetup setup{env.pointers.data(), s->options.cwd.empty() ? nullptr : s->options.cwd.c_str(),
                   ::getpid()};
  error_code ec;
  auto proc = bp::default_process_launcher()(
      executor, ec, exe, s->options.args,
      bp::process_stdio{s->stdin_pipe, s->stdout_pipe, s->stderr_pipe}, setup);
  if (ec) throw SpawnError("cannot start '" + exe + "': " + ec.message());
  s->pid = proc.id();
  unreaped_children().insert(s->pid);
  s->proc.emplace(std::move(proc));
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
