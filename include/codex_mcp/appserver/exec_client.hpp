// ExecClient: a session's codex when it runs `codex exec --json` instead of app-server
// (the contract's exec mode, for a codex without app-server, or CODEX_MCP_MODE=exec).
//
// Each turn is one process: `codex exec --json … <prompt>` for the first, `codex exec
// resume --json <thread> <prompt>` after it (exec keeps the history in the thread, so a
// session resumes across processes and restarts). Its events reach the session as
// app-server notifications (exec_events.hpp). What exec cannot do is refused: no
// approvals or questions (it runs with approval_policy "never"), no fork, no background
// terminals; a reply cannot change the sandbox or the cwd (exec resume takes no such
// flags; every turn runs in the session's cwd).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "codex_mcp/appserver/client.hpp"

namespace codex_mcp::appserver {

/// The `codex exec` arguments of a turn (pure, unit-tested). `thread_id` empty: the
/// first turn. `turn` holds turn/start's params (input, model, effort, outputSchema…),
/// `thread` thread/start's (sandbox, cwd, model, ephemeral).
std::vector<std::string> exec_args(const CodexCommand& command, const AppServerSettings& settings,
                                   const Json& thread, const std::string& thread_id,
                                   const Json& turn, const std::string& schema_file);

class ExecClient : public CodexBackend, public std::enable_shared_from_this<ExecClient> {
 public:
  static std::shared_ptr<ExecClient> create(boost::asio::any_io_executor executor,
                                            AppServerHandlers handlers);
  ~ExecClient() override;

  boost::asio::awaitable<Json> start(CodexCommand command, AppServerSettings settings) override;
  /// Nothing else exists in exec mode: every other method is refused.
  boost::asio::awaitable<Json> call(std::string method, Json params,
                                    std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<Json> thread_start(Json params) override;
  boost::asio::awaitable<Json> thread_resume(Json params) override;
  boost::asio::awaitable<Json> thread_fork(Json params) override;
  /// Runs the turn's process and returns once it named its thread ({turn, threadId}).
  boost::asio::awaitable<Json> turn_start(Json params) override;
  /// SIGINT to the turn's process; the turn then ends `interrupted`.
  boost::asio::awaitable<Json> turn_interrupt(std::string thread_id, std::string turn_id,
                                              std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace) override;
  int pid() const override;
  bool running() const override { return started_ && !stopped_; }
  std::string stderr_tail() const override;
  int exit_code() const override { return exit_code_; }

 private:
  ExecClient(boost::asio::any_io_executor executor, AppServerHandlers handlers);
  void on_line(const std::string& line);
  void on_turn_exit(int exit_code);
  void notify(const std::string& method, const Json& params);

  boost::asio::any_io_executor executor_;
  AppServerHandlers handlers_;
  CodexCommand command_;
  AppServerSettings settings_;
  Json thread_params_ = Json::object();
  std::string thread_id_;
  std::shared_ptr<process::ChildProcess> child_;  ///< the running turn's process
  std::string turn_id_;
  int turns_ = 0;
  bool turn_over_ = false;
  bool interrupted_ = false;
  bool started_ = false;
  bool stopped_ = false;
  int exit_code_ = -1;
  std::string last_stderr_;
  std::optional<std::filesystem::path> schema_file_;
  std::unique_ptr<boost::asio::steady_timer> named_;  ///< woken when the thread is named
};

}  // namespace codex_mcp::appserver
