// Session: one Codex conversation — a child `codex app-server`, its thread, the turn in
// progress, the event ring, and the approvals waiting for the caller.
//
// State machine: starting → running ⇄ waiting_approval → idle (turn over) | error (turn
// failed, start failed, child died) | cancelled (stopped by the caller or the server).
// Every server→client request is answered: approvals and questions wait in actions[]
// until the caller responds, the approval timeout declines them, or an interrupt/cancel
// resolves them. Threading: the loop thread only; coroutines hold a shared_ptr to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/appserver/client.hpp"
#include "codex_mcp/session/event_ring.hpp"
#include "codex_mcp/session/model_catalog.hpp"
#include "codex_mcp/session/server_requests.hpp"
#include "codex_mcp/session/turn_tracker.hpp"
#include "codex_mcp/tools/requests.hpp"

namespace codex_mcp::session {

enum class Status { starting, running, waiting_approval, idle, error, cancelled };
std::string to_string(Status status);

/// How to start children; shared by all sessions.
struct Launch {
  appserver::CodexCommand command;
  std::map<std::string, std::string> env;
  std::vector<std::string> unset_env;
  std::chrono::milliseconds startup_timeout{30000};  ///< for the initialize answer
};

struct PendingAction {
  std::string request_id;
  ActionKind kind;
  Json details;
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0;
  std::optional<Json> answer;  ///< set by the caller (or the timeout) to release the request
  std::shared_ptr<boost::asio::steady_timer> wake;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::any_io_executor executor, std::string id, Launch launch);
  ~Session();

  const std::string& id() const { return id_; }
  Status status() const { return status_; }
  const std::string& thread_id() const { return thread_id_; }
  std::int64_t created_ms() const { return created_ms_; }
  std::int64_t updated_ms() const { return updated_ms_; }
  bool turn_running() const {
    return status_ == Status::running || status_ == Status::waiting_approval ||
           status_ == Status::starting;
  }

  /// Spawns the app-server, starts the thread and the first turn. Failures leave the
  /// session in `error` with an error event and its child stopped, and are rethrown as
  /// ToolError. Not to be cancelled halfway (the session would stay `starting`): callers
  /// run it through util::await_detached.
  boost::asio::awaitable<void> start(tools::StartRequest request);
  /// Starts the child for a fork of `source` (thread/fork), idle, with its history.
  boost::asio::awaitable<void> start_fork(const Session& source);
  /// Next turn on the thread. SESSION_BUSY while a turn runs.
  boost::asio::awaitable<void> reply(tools::ReplyRequest request);
  /// turn/interrupt; pending approvals are declined. SESSION_NOT_RUNNING when idle.
  boost::asio::awaitable<void> interrupt();
  /// thread/backgroundTerminals/clean on this session's thread.
  boost::asio::awaitable<void> clean_background_terminals();
  /// Stops the child (idempotent); pending approvals are cancelled.
  boost::asio::awaitable<void> cancel(const std::string& reason);

  /// Answers a pending approval / question; throws ToolError (REQUEST_NOT_FOUND, …).
  void respond_permission(const tools::CheckRequest& request);
  void respond_user_input(const tools::CheckRequest& request);

  EventRing& events() { return ring_; }
  std::int64_t consumed_cursor() const { return consumed_cursor_; }
  void set_consumed_cursor(std::int64_t cursor) {
    consumed_cursor_ = std::max(consumed_cursor_, cursor);
  }
  /// Requests still waiting for the caller (answered ones leave on the next loop turn).
  std::size_t open_actions() const;

  /// Waits until a new event arrives or `deadline` passes.
  boost::asio::awaitable<void> wait_for_change(std::chrono::steady_clock::time_point deadline);

  /// The finished turn's result for poll/reply answers (null while none).
  Json result_json() const;
  Json progress_json() const;
  Json actions_json() const;
  /// working | waiting_input | finished, and the caller's next move.
  std::string interaction_state() const;
  std::string recommended_next_action() const;
  /// codex_session list/get view; sensitive adds cwd, profile, config, threadId.
  Json info_json(bool sensitive) const;

 private:
  void on_notification(const std::string& method, const Json& params);
  boost::asio::awaitable<Json> on_server_request(std::string method, Json params);
  void on_exit(int exit_code, const std::string& stderr_tail);
  void record(Event event);
  void fail(const std::string& message, Json detail = nullptr);
  /// Releases every pending request: declined (interrupt, turn over) or cancelled.
  void resolve_pending(const std::string& decision, const std::string& why);
  void set_status(Status status);
  void refresh_status();
  boost::asio::awaitable<void> begin_turn(const std::string& prompt,
                                          const tools::TurnSettings& turn,
                                          const std::vector<std::string>& images);
  boost::asio::awaitable<void> spawn(const Json& config_overrides, const std::string& profile);
  /// Stops the child after a failed start; its exit is then not reported as an error.
  boost::asio::awaitable<void> stop_child();

  boost::asio::any_io_executor executor_;
  std::string id_;
  Launch launch_;
  std::shared_ptr<appserver::AppServerClient> client_;
  Status status_ = Status::starting;
  std::string thread_id_;
  std::string cwd_, model_, profile_, approval_policy_, sandbox_;
  Json config_overrides_ = Json::object();
  std::int64_t approval_timeout_ms_ = 60000;
  std::optional<Json> output_schema_;
  std::int64_t created_ms_ = 0, updated_ms_ = 0;
  std::string last_error_;
  EventRing ring_;
  TurnTracker tracker_;
  std::optional<TurnOutcome> last_outcome_;
  std::optional<ModelCatalog> models_;  ///< read on the first turn that names an effort
  std::int64_t last_completed_ms_ = 0;
  std::int64_t consumed_cursor_ = 0;
  std::map<std::string, PendingAction> pending_;
  std::int64_t next_request_ = 0;
  std::list<boost::asio::steady_timer*> waiters_;
  bool cancelled_ = false;
  bool child_stopped_ = false;
  std::string forked_from_;
};

std::int64_t now_ms();

}  // namespace codex_mcp::session
