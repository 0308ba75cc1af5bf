// McpProcess: the built codex-mcp binary as a child over pipes, driven synchronously.
// Used by the integration tests and the benchmark. Reads are bounded by a deadline so a
// broken server fails a test instead of hanging it (the deadlines are generous: they are
// hang guards, not performance assertions).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include <nlohmann/json.hpp>

namespace codex_mcp::testing {

using Json = nlohmann::json;
using namespace std::chrono_literals;

class McpProcess {
 public:
  /// Starts `binary args...` with extra environment entries ("KEY=VALUE").
  McpProcess(const std::string& binary, std::vector<std::string> args = {},
             std::vector<std::string> env = {});
  ~McpProcess();
  McpProcess(const McpProcess&) = delete;
  McpProcess& operator=(const McpProcess&) = delete;

  pid_t pid() const { return pid_; }
  void send_raw(const std::string& bytes);
  void send(const Json& message) { send_raw(message.dump() + "\n"); }
  /// Next complete stdout line, or nullopt at EOF/deadline.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 20s);
  /// Next stdout line parsed as JSON (the test fails on a non-JSON line).
  std::optional<Json> read_message(std::chrono::milliseconds timeout = 20s);
  /// Reads messages until one has this id (notifications before it are kept in `skipped`).
  std::optional<Json> read_response(const Json& id, std::chrono::milliseconds timeout = 20s);
  /// initialize + notifications/initialized; returns the initialize result.
  Json initialize(const std::string& protocol_version = "2025-11-25");
  /// tools/call with a fresh id; returns the JSON-RPC response.
  Json call_tool(const std::string& name, const Json& arguments);

  void close_stdin();
  /// Waits for exit; returns the exit code (128+signal when killed) or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 20s);
  void kill_now(int signal);
  std::string stderr_text() const;

  std::vector<Json> skipped;       ///< messages read_response passed over
  std::string last_response_text;  ///< the line read_response returned, as sent (key order)

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string stderr_path_;
  std::string buffer_;
  std::optional<int> exit_code_;
  int next_id_ = 1000;
};

/// Resident set size of a process in KiB (from /proc), or -1.
long rss_kib(pid_t pid);
/// CPU time (user + system) a process has used so far, in seconds (from /proc), or -1.
double cpu_seconds(pid_t pid);
/// The processes whose parent is `parent` (from /proc), zombies included: a child that
/// exited but was never reaped is still a leak.
std::vector<pid_t> child_pids(pid_t parent);

}  // namespace codex_mcp::testing
