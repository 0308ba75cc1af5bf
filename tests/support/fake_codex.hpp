// A codex in process for tests: FakeProvider hands sessions channels to FakeCodex, a
// scripted CodexBackend. Calls are answered at once with plausible app-server results
// (or a failure the test set up), and the test plays codex's side: notifications,
// streaming deltas, approval requests, a crash. No process, node or model is involved.
// Threading: the io_context the test runs, single-threaded.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/backend/provider.hpp"
#include "codex_mcp/jsonrpc/errors.hpp"

namespace codex_mcp::testing {

using Json = nlohmann::json;

/// One call a session made.
struct FakeCall {
  std::string method;
  Json params;
};

/// An approval or question the fake asked; `answer` is set once the session answered.
struct FakeRequest {
  std::string method{};
  Json params{};
  std::optional<Json> answer{};
  std::optional<std::string> error{};  ///< the session answered with an error
};

class FakeCodex : public appserver::CodexBackend {
 public:
  FakeCodex(boost::asio::any_io_executor executor, appserver::AppServerHandlers handlers, int pid);

  boost::asio::awaitable<Json> start(appserver::CodexCommand command,
                                     appserver::AppServerSettings settings) override;
  boost::asio::awaitable<Json> call(std::string method, Json params,
                                    std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<Json> thread_start(Json params) override;
  boost::asio::awaitable<Json> thread_resume(Json params) override;
  boost::asio::awaitable<Json> thread_fork(Json params) override;
  boost::asio::awaitable<Json> turn_start(Json params) override;
  boost::asio::awaitable<Json> turn_interrupt(std::string thread_id, std::string turn_id,
                                              std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace) override;
  int pid() const override { return running_ ? pid_ : -1; }
  bool running() const override { return running_; }
  std::string stderr_tail() const override { return stderr_tail_; }
  int exit_code() const override { return exit_code_; }

  // --- the test's side -------------------------------------------------------------
  /// The next call of `method` fails with this error (once).
  void fail_next(const std::string& method, jsonrpc::RpcError error);
  /// A notification from codex.
  void notify(const std::string& method, Json params);
  /// A streaming delta (agent message text) for `item_id`.
  void delta(const std::string& item_id, const std::string& text);
  /// turn/started for the turn the last turn/start opened.
  void turn_started();
  /// An agent message and turn/completed with `status` (completed, interrupted, failed).
  void complete_turn(const std::string& text, const std::string& status = "completed");
  /// A server→client request (an approval, a question); the session's answer lands in the
  /// returned record.
  std::shared_ptr<FakeRequest> ask(const std::string& method, Json params);
  /// The process dies on its own.
  void crash(int exit_code, const std::string& stderr_tail);

  const std::vector<FakeCall>& calls() const { return calls_; }
  /// The params of the last call of `method` (null when there was none).
  Json last_params(const std::string& method) const;
  const std::string& thread_id() const { return thread_id_; }
  const std::string& turn_id() const { return turn_id_; }
  bool shut_down() const { return shut_down_; }

 private:
  /// Records the call; throws the failure set for it, if any.
  void take(const std::string& method, const Json& params);

  boost::asio::any_io_executor executor_;
  appserver::AppServerHandlers handlers_;
  int pid_;
  bool running_ = false;
  bool shut_down_ = false;
  int exit_code_ = -1;
  std::string stderr_tail_;
  std::vector<FakeCall> calls_;
  std::map<std::string, std::deque<jsonrpc::RpcError>> failures_;
  std::string thread_id_;
  std::string turn_id_;
  int turns_ = 0;
};

class FakeProvider : public backend::Provider {
 public:
  explicit FakeProvider(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

  boost::asio::awaitable<void> ensure_available() override;
  codex::Release release() const override { return release_; }
  bool exec_mode() const override { return false; }
  std::string codex_home() const override { return "/fake/codex-home"; }
  boost::asio::awaitable<std::shared_ptr<backend::Channel>> open(
      backend::ChannelRequest request, appserver::AppServerHandlers handlers) override;

  // --- the test's side -------------------------------------------------------------
  /// No codex can be run: ensure_available and open throw CodexUnavailable.
  std::string unavailable;
  /// The next open fails as a process that exited at startup with this stderr.
  std::optional<std::string> fail_next_open;
  /// Failures armed on the next codex opened (method, error), before its first call.
  std::vector<std::pair<std::string, jsonrpc::RpcError>> arm_next;
  codex::Release release_;
  /// Every codex opened, oldest first, and what each was asked to be.
  std::vector<std::shared_ptr<FakeCodex>> opened;
  std::vector<backend::ChannelRequest> requests;
  FakeCodex& last() { return *opened.back(); }

 private:
  boost::asio::any_io_executor executor_;
};

}  // namespace codex_mcp::testing
