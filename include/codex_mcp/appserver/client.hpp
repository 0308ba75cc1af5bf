// AppServerClient: one `codex app-server` child and the JSON-RPC peer that talks to it.
//
// Owns the ChildProcess and the jsonrpc::Peer on its pipes; does the initialize handshake
// and offers typed calls (thread/start, turn/start, ...). Forwards notifications and
// server→client requests to its owner (answering every request, with the owner's
// RpcError when it throws one), and reports the child's exit, which also fails every
// pending call at once. Malformed lines from the child are counted and logged, never
// fatal. Threading: every member is used only on the executor given to create();
// handlers run there too.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "codex_mcp/appserver/stream_delta.hpp"
#include "codex_mcp/jsonrpc/errors.hpp"

namespace codex_mcp::jsonrpc {
class Peer;
}
namespace codex_mcp::process {
class ChildProcess;
}

namespace codex_mcp::appserver {

using Json = jsonrpc::Json;

/// The child did not answer initialize within AppServerSettings::initialize_timeout.
class StartupTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The last non-empty line of a child's stderr, for one-line error messages.
std::string last_line(const std::string& text);

/// How to run codex: `<executable> <args...> app-server ...`.
struct CodexCommand {
  std::string executable = "codex";
  std::vector<std::string> args;  ///< before "app-server", e.g. a script for `node`
};

struct AppServerSettings {
  /// key (a dotted config path) → value. Sent as the `config` of thread/start,
  /// thread/resume and thread/fork, never on the command line, where every local user
  /// can read it in /proc/<pid>/cmdline (ExecClient has no such request: `-c` there).
  Json config_overrides = Json::object();
  std::map<std::string, std::string> env;  ///< extra environment for the child
  std::vector<std::string> unset_env;      ///< variables removed from the child's environment
  std::string cwd;                         ///< the child's working directory; empty: ours
  std::string name = "app-server";         ///< for logs
  std::chrono::milliseconds initialize_timeout{30000};
  std::chrono::milliseconds request_timeout{120000};  ///< default for the typed calls
  std::size_t max_line_bytes = std::size_t{64} << 20;
};

struct AppServerHandlers {
  std::function<void(const std::string& method, const Json& params)> on_notification;
  /// Streaming deltas, read without a JSON document (see stream_delta.hpp). Unset: they
  /// come through on_notification like every other notification.
  std::function<void(const StreamDelta& delta)> on_stream_delta;
  /// Answers a server→client request; throw jsonrpc::RpcError to answer with an error.
  /// Unset: every request is answered with -32601.
  std::function<boost::asio::awaitable<Json>(std::string method, Json params)> on_server_request;
  /// The child exited (exit code or 128 + signal) and its pipes are closed.
  std::function<void(int exit_code, const std::string& stderr_tail)> on_exit;
};

/// A v1 `codex/event/*` notification, which codex 0.80 to 0.100 send next to the v2 ones
/// (twice the events for the same turn): the client drops them before anyone sees them.
bool is_legacy_notification(std::string_view method);

/// The argv after the executable: `<args...> app-server` (the config overrides go with
/// the thread requests; codex 0.169's app-server takes no profile: codex/profile turns
/// one into overrides).
std::vector<std::string> app_server_args(const CodexCommand& command,
                                         const AppServerSettings& settings);

/// What a session drives: a codex that holds a thread and runs turns on it. Two kinds:
/// AppServerClient (one `codex app-server` child, the full protocol) and ExecClient
/// (`codex exec --json` per turn, for a codex without app-server; exec_client.hpp).
class CodexBackend {
 public:
  virtual ~CodexBackend() = default;
  virtual boost::asio::awaitable<Json> start(CodexCommand command, AppServerSettings settings) = 0;
  virtual boost::asio::awaitable<Json> call(std::string method, Json params,
                                            std::chrono::milliseconds timeout) = 0;
  virtual boost::asio::awaitable<Json> thread_start(Json params) = 0;
  virtual boost::asio::awaitable<Json> thread_resume(Json params) = 0;
  virtual boost::asio::awaitable<Json> thread_fork(Json params) = 0;
  virtual boost::asio::awaitable<Json> turn_start(Json params) = 0;
  /// Asks codex to stop the turn; waits for its answer at most `timeout`.
  virtual boost::asio::awaitable<Json> turn_interrupt(std::string thread_id, std::string turn_id,
                                                      std::chrono::milliseconds timeout) = 0;
  virtual boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace) = 0;
  virtual int pid() const = 0;       ///< -1 while no process runs
  virtual bool running() const = 0;  ///< started and not stopped or exited
  virtual std::string stderr_tail() const = 0;
  virtual int exit_code() const = 0;  ///< -1 unless its process exited before it was done
  /// When start() had the process running (fork/exec returned); unset when it has none.
  virtual std::chrono::steady_clock::time_point spawned_at() const { return {}; }
};

class AppServerClient : public CodexBackend, public std::enable_shared_from_this<AppServerClient> {
 public:
  static std::shared_ptr<AppServerClient> create(boost::asio::any_io_executor executor,
                                                 AppServerHandlers handlers);
  ~AppServerClient() override;
  AppServerClient(const AppServerClient&) = delete;
  AppServerClient& operator=(const AppServerClient&) = delete;

  /// Spawns the child and does the initialize handshake; returns the initialize result.
  /// Throws process::SpawnError, StartupTimeout, or std::runtime_error when the handshake
  /// fails otherwise (the child exited or answered with an error). After a failure the
  /// child may still run: call shutdown().
  boost::asio::awaitable<Json> start(CodexCommand command, AppServerSettings settings) override;

  /// Any request; throws jsonrpc::RpcError (the server's error, a timeout, or closed).
  boost::asio::awaitable<Json> call(std::string method, Json params,
                                    std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<Json> thread_start(Json params) override;
  boost::asio::awaitable<Json> thread_resume(Json params) override;
  boost::asio::awaitable<Json> thread_fork(Json params) override;
  boost::asio::awaitable<Json> turn_start(Json params) override;
  boost::asio::awaitable<Json> turn_interrupt(std::string thread_id, std::string turn_id,
                                              std::chrono::milliseconds timeout) override;
  void notify(const std::string& method, Json params);

  /// Stops the child (stdin EOF, then SIGTERM, then SIGKILL to its group, `grace` apart)
  /// and fails pending calls. Safe to call more than once, or before start().
  boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace) override;

  int pid() const override;       ///< -1 before start
  bool running() const override;  ///< started and not yet exited
  std::string stderr_tail() const override;
  std::size_t garbage_lines() const { return garbage_lines_; }
  int exit_code() const override { return exit_code_; }  ///< -1 until the child exited
  std::chrono::steady_clock::time_point spawned_at() const override { return spawned_at_; }
  /// The config overrides the thread requests carry from now on: a client started before
  /// its session was known (a spare) gets the session's when it is adopted.
  void set_config_overrides(Json overrides) { settings_.config_overrides = std::move(overrides); }

 private:
  AppServerClient(boost::asio::any_io_executor executor, AppServerHandlers handlers);
  void handle_exit(int exit_code);
  /// A thread request's params with the config overrides as their `config`.
  Json with_config(Json params) const;

  boost::asio::any_io_executor executor_;
  AppServerHandlers handlers_;
  AppServerSettings settings_;
  std::shared_ptr<process::ChildProcess> child_;
  std::shared_ptr<jsonrpc::Peer> peer_;
  std::size_t garbage_lines_ = 0;
  bool exited_ = false;
  int exit_code_ = -1;
  std::chrono::steady_clock::time_point spawned_at_{};

  static boost::asio::awaitable<Json> forward_server_request(std::weak_ptr<AppServerClient> weak,
                                                             std::string method, Json params);
};

}  // namespace codex_mcp::appserver
