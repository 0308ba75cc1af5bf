// ChildProcess: one spawned child with piped stdio, in its own process group.
//
// Owns the child's pid, its three pipes and the coroutines that drain them: stdin is an
// ordered write queue (EPIPE tolerated), stdout is split into lines, stderr is logged at
// debug level and its last few KiB kept for error messages. on_exit fires once, after the
// child is reaped and its output pipes are drained. Started by process/launcher (vfork +
// execve, nothing but system calls in between: safe while other threads run). Threading:
// every member is used only on the executor given to spawn(); callbacks run there too.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace codex_mcp::process {

/// The child could not be started; the message names the executable.
class SpawnError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SpawnOptions {
  std::string executable;                  ///< a path, or a bare name searched on PATH
  std::vector<std::string> args;           ///< argv[1..]
  std::map<std::string, std::string> env;  ///< added to (or replacing) the inherited environment
  std::vector<std::string> unset_env;      ///< removed from the inherited environment
  std::string cwd;                         ///< empty: inherit ours
  std::size_t max_line_bytes = std::size_t{64} << 20;
  std::string log_prefix = "child";  ///< prefixes stderr lines in the debug log
};

struct ChildHandlers {
  std::function<void(std::string line)> on_line;       ///< one stdout line, without '\n'
  std::function<void(std::size_t size)> on_oversized;  ///< a stdout line over the cap, dropped
  /// Exit status (or 128 + signal), once reaped and stdout/stderr are closed.
  std::function<void(int exit_code)> on_exit;
};

class ChildProcess {
 public:
  /// Starts the child. Throws SpawnError when it cannot be executed.
  static std::shared_ptr<ChildProcess> spawn(boost::asio::any_io_executor executor,
                                             SpawnOptions options, ChildHandlers handlers);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// True for a child spawned here whose exit is not reaped yet (its wait owns it).
  static bool is_unreaped_child(int pid);

  int pid() const;
  /// Queues one line ('\n' appended) for the child's stdin; dropped once stdin is closed.
  void send_line(std::string line);
  /// Closes stdin once everything queued so far is written (EOF for the child).
  void close_stdin();
  /// True once on_exit has fired.
  bool finished() const;
  /// The last ~4 KiB the child wrote to stderr.
  std::string stderr_tail() const;

  /// Stops the child: closes stdin and waits up to `grace`, then SIGTERMs its process
  /// group and waits up to `grace` again, then SIGKILLs the group. Always reaps the child
  /// and finishes with a SIGKILL to whatever is left of the group, and to the child's
  /// descendants that had left it (a helper in a session of its own).
  boost::asio::awaitable<void> terminate_group(std::chrono::milliseconds grace);

  struct State;

 private:
  explicit ChildProcess(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace codex_mcp::process
