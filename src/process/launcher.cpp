// launch() (see launcher.hpp): vfork + execve, with only async-signal-safe system calls
// between the two.
//
// Why vfork: the child must not allocate, lock or run any of our code that could (Asio's
// notify_fork, the allocator, a logger), so it must be prepared entirely by the parent and
// reduced to system calls; vfork then also makes the parent's wait exactly as long as
// those calls (it resumes at the child's execve or _exit), and skips copying our page
// tables. Not posix_spawn: it is as safe (glibc runs it on clone(CLONE_VM|CLONE_VFORK)),
// but it cannot set the parent-death signal that takes a SIGKILLed server's children with
// it, nor check that the parent is still there. Not clone() with a stack of our own: that
// is Linux-only, and ASan knows nothing of such a stack, whereas it intercepts vfork (and
// unpoisons the stack the child used once the parent resumes).
//
// The rules of a vfork child, kept here: it shares our memory until execve or _exit, so it
// only reads what launch() prepared (argv, envp, cwd, descriptors, the signal mask), makes
// system calls, and never returns from the function that called vfork.
#include "process/launcher.hpp"

#include <cerrno>
#include <climits>
#include <csignal>
#include <utility>

#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "codex_mcp/process/platform.hpp"

namespace codex_mcp::process {
namespace {

/// An owned descriptor, closed when dropped.
class OwnedFd {
 public:
  OwnedFd() = default;
  ~OwnedFd() { reset(); }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  OwnedFd(OwnedFd&&) = delete;
  OwnedFd& operator=(OwnedFd&&) = delete;

  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  OwnedFd read_end;
  OwnedFd write_end;
};

int make_pipe(Pipe& pipe) {
  int fds[2] = {-1, -1};
  if (const int error = platform::make_cloexec_pipe(fds); error != 0) return error;
  pipe.read_end.reset(fds[0]);
  pipe.write_end.reset(fds[1]);
  return 0;
}

/// Moves a child's pipe end above stderr (close-on-exec kept) when it got 0, 1 or 2 (ours
/// were closed): then the child's dup2 onto 0, 1 and 2 never overwrites another of its
/// ends, and is never dup2(fd, fd), which would leave close-on-exec set.
int move_above_stdio(OwnedFd& fd) {
  if (fd.get() > STDERR_FILENO) return 0;
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0) return errno;
  fd.reset(moved);
  return 0;
}

/// Everything the child uses, prepared before vfork: the child only reads it.
struct ChildPlan {
  const LaunchPlan* plan = nullptr;
  int stdin_fd = -1;  ///< the child's end of each pipe, for its 0, 1 and 2
  int stdout_fd = -1;
  int stderr_fd = -1;
  int error_fd = -1;  ///< write end of the error pipe, close-on-exec: closed by execve
  pid_t parent = -1;
  int highest_fd = 0;  ///< where closing one by one stops, without close_range
  sigset_t mask{};     ///< the spawning thread's signal mask, the child's from execve on
};

[[noreturn]] void fail_in_child(const ChildPlan& child, int error) {
  // Four bytes into an empty pipe never block; the parent reads them once we are gone.
  [[maybe_unused]] const auto written = ::write(child.error_fd, &error, sizeof error);
  ::_exit(127);
}

/// Closes every descriptor above stderr but the error pipe, as Boost.Process did: nothing
/// of ours that lacks close-on-exec (a descriptor another library opened) reaches codex.
void close_other_descriptors(const ChildPlan& child) {
  const unsigned first = STDERR_FILENO + 1;
  const auto keep = static_cast<unsigned>(child.error_fd);
  int error = keep > first ? platform::close_descriptor_range(first, keep - 1) : 0;
  if (error == 0) error = platform::close_descriptor_range(keep + 1, UINT_MAX);
  if (error == 0) return;
  for (int fd = static_cast<int>(first); fd <= child.highest_fd; ++fd) {
    if (fd != child.error_fd) ::close(fd);
  }
}

/// The child, between vfork and execve: system calls only.
[[noreturn]] void run_child(const ChildPlan& child) {
  // Our signal handlers must never run in here, on the parent's memory: every signal is
  // blocked (by launch) until just before execve, and each handled one goes back to its
  // default now, as execve would do anyway. Ignored ones (SIGPIPE) stay ignored, as they
  // did across fork + execve with Boost.Process.
  for (int signal = 1; signal < NSIG; ++signal) {
    struct sigaction current {};
    if (::sigaction(signal, nullptr, &current) != 0) continue;  // one glibc reserves
    if (current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN) continue;
    struct sigaction to_default {};
    to_default.sa_handler = SIG_DFL;
    ::sigaction(signal, &to_default, nullptr);
  }
  if (::setpgid(0, 0) != 0) fail_in_child(child, errno);
  if (const int error = platform::set_parent_death_signal(SIGTERM); error != 0) {
    fail_in_child(child, error);
  }
  if (::getppid() != child.parent) ::_exit(127);  // we died before the death signal was set
  if (child.plan->cwd != nullptr && ::chdir(child.plan->cwd) != 0) fail_in_child(child, errno);
  // Each end is above stderr (move_above_stdio): dup2 gives a copy without close-on-exec.
  if (::dup2(child.stdin_fd, STDIN_FILENO) < 0 || ::dup2(child.stdout_fd, STDOUT_FILENO) < 0 ||
      ::dup2(child.stderr_fd, STDERR_FILENO) < 0) {
    fail_in_child(child, errno);
  }
  close_other_descriptors(child);
  ::pthread_sigmask(SIG_SETMASK, &child.mask, nullptr);
  ::execve(child.plan->executable, const_cast<char* const*>(child.plan->argv),
           const_cast<char* const*>(child.plan->envp));
  fail_in_child(child, errno);
}

/// The frame that calls vfork: the child never returns from it (run_child ends in execve
/// or _exit), and it holds nothing the child could change under the parent's feet.
[[gnu::noinline]] pid_t start_child(const ChildPlan& child) {
  // The parent waits only for the system calls of run_child (see the top of this file).
  // NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.vfork)
  const pid_t pid = ::vfork();
  // run_child makes only system calls before execve or _exit, which is what the rule wants.
  // NOLINTNEXTLINE(clang-analyzer-unix.Vfork)
  if (pid == 0) run_child(child);
  return pid;
}

int highest_descriptor() {
  const long limit = ::sysconf(_SC_OPEN_MAX);
  if (limit <= 0) return 1023;
  return limit > INT_MAX ? INT_MAX : static_cast<int>(limit - 1);
}

/// Waits for a child known to have exited already (it _exit'ed before vfork returned).
void reap_failed_child(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

LaunchResult failed(int error) {
  return LaunchResult{.error = error};
}

}  // namespace

LaunchResult launch(const LaunchPlan& plan) {
  Pipe stdin_pipe;
  Pipe stdout_pipe;
  Pipe stderr_pipe;
  Pipe error_pipe;  // the child's errno, when it cannot exec
  for (Pipe* pipe : {&stdin_pipe, &stdout_pipe, &stderr_pipe, &error_pipe}) {
    if (const int error = make_pipe(*pipe); error != 0) return failed(error);
  }
  for (OwnedFd* end : {&stdin_pipe.read_end, &stdout_pipe.write_end, &stderr_pipe.write_end}) {
    if (const int error = move_above_stdio(*end); error != 0) return failed(error);
  }
  // Non-blocking, so that the read below can never wait, whoever else holds the write end.
  if (::fcntl(error_pipe.read_end.get(), F_SETFL, O_NONBLOCK) != 0) return failed(errno);

  ChildPlan child;
  child.plan = &plan;
  child.stdin_fd = stdin_pipe.read_end.get();
  child.stdout_fd = stdout_pipe.write_end.get();
  child.stderr_fd = stderr_pipe.write_end.get();
  child.error_fd = error_pipe.write_end.get();
  child.parent = ::getpid();
  child.highest_fd = highest_descriptor();
  sigset_t all{};
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &child.mask);
  const pid_t pid = start_child(child);
  const int vfork_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &child.mask, nullptr);
  if (pid < 0) return failed(vfork_error);

  // vfork returns here only once the child has exec'd or _exit'ed, so whatever it had to
  // say is in the pipe already, and the read cannot wait for it: 4 bytes are the errno of
  // a failed setup or execve; EOF or EAGAIN (an execve still closing its close-on-exec
  // descriptors, or another process holding the write end) mean the child is running.
  error_pipe.write_end.reset();
  stdin_pipe.read_end.reset();
  stdout_pipe.write_end.reset();
  stderr_pipe.write_end.reset();
  int child_error = 0;
  ssize_t count = -1;
  do {
    count = ::read(error_pipe.read_end.get(), &child_error, sizeof child_error);
  } while (count < 0 && errno == EINTR);
  if (count == static_cast<ssize_t>(sizeof child_error)) {
    reap_failed_child(pid);
    return failed(child_error != 0 ? child_error : EINVAL);
  }
  return LaunchResult{.pid = pid,
                      .stdin_fd = stdin_pipe.write_end.release(),
                      .stdout_fd = stdout_pipe.read_end.release(),
                      .stderr_fd = stderr_pipe.read_end.release()};
}

}  // namespace codex_mcp::process
