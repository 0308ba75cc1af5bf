// Starting a child process from a process with other threads (internal to src/process).
//
// fork() in a threaded process copies every lock as it was at that instant: a child that
// then allocates or locks (as Boost.Process's launcher does, via Asio's notify_fork) can
// deadlock on a lock another thread held, and a parent waiting for it to exec hangs with
// it. launch() does only async-signal-safe system calls between vfork and execve, so the
// child always reaches execve or _exit (see launcher.cpp for the choice of vfork).
#pragma once

namespace codex_mcp::process {

/// What to run. Every pointer stays valid for the duration of launch().
struct LaunchPlan {
  const char* executable = nullptr;   ///< a path for execve (no PATH search)
  const char* const* argv = nullptr;  ///< nullptr-terminated
  const char* const* envp = nullptr;  ///< nullptr-terminated
  const char* cwd = nullptr;          ///< nullptr: inherit ours
};

/// A started child (error == 0): its pid and the parent's ends of its stdio pipes, each
/// close-on-exec and owned by the caller. Or the errno value that kept it from starting
/// (error != 0), with nothing left behind: no descriptor open, no zombie.
struct LaunchResult {
  int pid = -1;
  int stdin_fd = -1;   ///< write end of the child's stdin
  int stdout_fd = -1;  ///< read end of the child's stdout
  int stderr_fd = -1;  ///< read end of the child's stderr
  int error = 0;
};

/// Starts `plan.executable` with its stdin, stdout and stderr on fresh pipes, in a process
/// group of its own, with SIGTERM as its parent-death signal, every other descriptor
/// closed, signal handlers reset and the caller's signal mask. Returns once the child has
/// exec'd or failed to: never waits on anything the child could hold up.
LaunchResult launch(const LaunchPlan& plan);

}  // namespace codex_mcp::process
