// Session: one Codex conversation — a child `codex app-server` (or, in exec mode, a
// `codex exec` process per turn: appserver::ExecClient), its thread, the turn in progress,
// the event ring, and the approvals waiting for the caller.
//
// State machine: starting → running ⇄ waiting_approval → idle (turn over) | error (turn
// failed, start failed, child died) | cancelled (stopped by the caller or the server).
// Every server→client request is answered: approvals and questions wait in actions[]
// until the caller responds, the approval timeout declines them, or an interrupt/cancel
// resolves them.
//
// The child is not the session: it may be stopped (idle too long, server shutdown) or
// gone (crash, a restart of the server) while the session, its thread and its events
// stay. A reply to a session without a child starts a new app-server and resumes the
// thread (`thread/resume`, same CODEX_HOME), so the model keeps the history. With a
// journal, every event, the metadata and the result are also written to the state
// directory, and restore() brings a session back from it after a restart.
// Threading: the loop thread only; coroutines hold a shared_ptr to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/appserver/client.hpp"
#include "codex_mcp/codex/probe.hpp"
#include "codex_mcp/process/identity.hpp"
#include "codex_mcp/session/event_ring.hpp"
#include "codex_mcp/session/model_catalog.hpp"
#include "codex_mcp/session/server_requests.hpp"
#include "codex_mcp/session/turn_tracker.hpp"
#include "codex_mcp/tools/requests.hpp"

namespace codex_mcp::store {
class SessionJournal;
}

namespace codex_mcp::session {

enum class Status { starting, running, waiting_approval, idle, error, cancelled };
std::string to_string(Status status);
/// Nullopt for a name that is not a status.
std::optional<Status> status_from_string(const std::string& name);

/// How to start children; shared by all sessions.
struct Launch {
  appserver::CodexCommand command;
  std::map<std::string, std::string> env;
  std::vector<std::string> unset_env;
  std::string unavailable_reason{};                  ///< why command.executable is empty, if it is
  std::chrono::milliseconds startup_timeout{30000};  ///< for the initialize answer
  std::string mode = "app-server";                   ///< --mode: app-server, exec, or auto
  bool exec_mode = false;  ///< `codex exec` per turn instead of app-server (ExecClient)
  std::optional<codex::CodexFacts> codex;    ///< what the executable is, once probed
  std::shared_ptr<codex::CodexProbe> probe;  ///< asks it (null: taken as a current codex)

  /// Takes the probe's answer: the release, and in auto mode whether to run exec.
  void adopt(codex::CodexFacts facts);
  /// The release (unknown until probed: taken as a current one).
  codex::Release release() const { return codex ? codex->release : codex::Release{}; }
};

struct PendingAction {
  std::string request_id;
  ActionKind kind;
  Json details;
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0;
  std::int64_t event_id = -1;  ///< its approval_request event
  std::optional<Json> answer;  ///< set by the caller (or the timeout) to release the request
  bool held = false;           ///< shown to a person: no approval timeout (hold_for_person)
  std::shared_ptr<boost::asio::steady_timer> wake;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::any_io_executor executor, std::string id, Launch launch);
  ~Session();

  /// A session read back from the state directory: no child, its events in the ring.
  /// `meta` must have passed store::load_meta.
  static std::shared_ptr<Session> restore(boost::asio::any_io_executor executor, Launch launch,
                                          const Json& meta, std::vector<Event> events, Json result,
                                          std::shared_ptr<store::SessionJournal> journal);
  /// From now on every event, the metadata and results are written through `journal`.
  void attach_journal(std::shared_ptr<store::SessionJournal> journal);
  const std::shared_ptr<store::SessionJournal>& journal() const { return journal_; }
  /// Writes buffered events now (before a tool call reports them).
  void flush_journal();

  const std::string& id() const { return id_; }
  Status status() const { return status_; }
  const std::string& thread_id() const { return thread_id_; }
  std::int64_t created_ms() const { return created_ms_; }
  std::int64_t updated_ms() const { return updated_ms_; }
  bool turn_running() const {
    return status_ == Status::running || status_ == Status::waiting_approval ||
           status_ == Status::starting;
  }
  /// Its app-server child is alive.
  bool has_child() const;
  /// Runs `codex exec` per turn (no app-server): no approvals, fork or background terminals.
  bool exec_mode() const { return launch_.exec_mode; }
  /// The codex release its children run (known once one was started, or probed).
  codex::Release codex_release() const { return launch_.release(); }
  /// Restored from the state directory by this server (not started by it).
  bool recovered() const { return recovered_; }

  /// Spawns the app-server, starts the thread and the first turn. Failures leave the
  /// session in `error` with an error event and its child stopped, and are rethrown as
  /// ToolError. Not to be cancelled halfway (the session would stay `starting`): callers
  /// run it through util::await_detached.
  boost::asio::awaitable<void> start(tools::StartRequest request);
  /// Starts the child for a fork of `source` (thread/fork), idle, with its history.
  boost::asio::awaitable<void> start_fork(std::shared_ptr<const Session> source);
  /// Next turn on the thread. SESSION_BUSY while a turn runs. Without a child (stopped,
  /// crashed, or recovered after a restart) a new app-server resumes the thread first.
  boost::asio::awaitable<void> reply(tools::ReplyRequest request);
  /// How long `codex_session interrupt` waits for codex to accept the interrupt: codex
  /// answers at once when it is healthy; a hung child gets TIMEOUT, not a two-minute wait.
  static constexpr std::chrono::milliseconds kInterruptTimeout{5000};
  /// turn/interrupt; pending approvals are declined. SESSION_NOT_RUNNING when idle;
  /// jsonrpc::RpcError (timeout) when codex does not answer within `timeout`.
  boost::asio::awaitable<void> interrupt(std::chrono::milliseconds timeout = kInterruptTimeout);
  /// thread/backgroundTerminals/clean on this session's thread.
  boost::asio::awaitable<void> clean_background_terminals();
  /// Stops the child (idempotent); pending approvals are cancelled.
  boost::asio::awaitable<void> cancel(std::string reason);
  /// Stops the child but keeps the session as it is (idle stays idle): for the idle
  /// sweep and server shutdown. A turn still running becomes an error saying `reason`.
  boost::asio::awaitable<void> stop_child(std::string reason, std::chrono::milliseconds grace);
  /// After a restart: the turn that was running when the server died is lost.
  void mark_interrupted_by_restart();
  /// The server is shutting down and codex did not end the turn in time: the turn is
  /// recorded as interrupted (its result and events written now), a session still
  /// starting fails with `reason`. Synchronous: nothing of it waits on the child.
  void end_turn_at_shutdown(const std::string& reason);

  /// Answers a pending approval / question; throws ToolError (REQUEST_NOT_FOUND, …).
  void respond_permission(const tools::CheckRequest& request);
  void respond_user_input(const tools::CheckRequest& request);
  /// The pending action `request_id` is being shown to a person (a dialog): its approval
  /// timeout is cancelled, and it waits until answered (by the person or the caller) or
  /// resolved by an interrupt, a cancel or the end of the turn (the stuck-turn rule
  /// included). No-op for an unknown or answered request.
  void hold_for_person(const std::string& request_id);

  EventRing& events() { return ring_; }
  std::int64_t consumed_cursor() const { return consumed_cursor_; }
  void set_consumed_cursor(std::int64_t cursor) {
    consumed_cursor_ = std::max(consumed_cursor_, cursor);
  }
  /// Requests still waiting for the caller (answered ones leave on the next loop turn).
  std::size_t open_actions() const;
  /// True when a request still waiting for the caller was asked at event `cursor` or later
  /// (one a poller from `cursor` has not been shown yet).
  bool open_action_since(std::int64_t cursor) const;

  /// Waits until a new event arrives or `deadline` passes.
  boost::asio::awaitable<void> wait_for_change(std::chrono::steady_clock::time_point deadline);

  /// The finished turn's result for poll/reply answers (null while none): turnId, status,
  /// text, and when codex changed files, `files` and the turn's `diff`.
  Json result_json() const;
  /// The caller has been given the whole of the current result: a default poll leaves it out.
  void mark_result_delivered() { result_delivered_ = true; }
  bool result_delivered() const { return result_delivered_; }
  /// What the turn in progress is doing (phase, last command and file).
  const TurnTracker& tracker() const { return tracker_; }
  Json progress_json() const;
  Json actions_json() const;
  /// working | waiting_input | finished, and the caller's next move.
  std::string interaction_state() const;
  std::string recommended_next_action() const;
  /// codex_session list/get view; sensitive adds cwd, profile, config, threadId.
  Json info_json(bool sensitive) const;
  /// Everything persisted in meta.json (a superset of the sensitive info view).
  Json meta_json() const;
  /// The list/get view of a meta.json (what info_json(sensitive) gives once restored).
  static Json info_from_meta(const Json& meta, bool sensitive);

 private:
  void on_notification(const std::string& method, const Json& params);
  /// A streaming delta, from either parse path: merged into the newest event when it
  /// continues it (no event built), else recorded as a new one.
  void on_stream_delta(std::string_view method, std::string_view item_id, std::string_view delta);
  boost::asio::awaitable<Json> on_server_request(std::string method, Json params);
  void on_exit(int exit_code, const std::string& stderr_tail);
  void record(Event event);
  /// Something new was recorded: wake long-polls and waitForResult.
  void touched();
  void fail(const std::string& message, Json detail = nullptr);
  /// Releases every pending request: declined (interrupt, turn over) or cancelled.
  void resolve_pending(const std::string& decision, const std::string& why);
  void set_status(Status status);
  void refresh_status();
  void persist_meta();
  void finish_turn(const TurnOutcome& outcome);
  boost::asio::awaitable<void> resume_thread();
  /// Always awaited at once by start/reply, whose frames own the arguments.
  boost::asio::awaitable<void> begin_turn(const std::string& prompt,
                                          const tools::TurnSettings& turn,
                                          const std::vector<std::string>& images);
  /// Starts a child with the session's profile, config overrides, cwd and CODEX_HOME.
  boost::asio::awaitable<void> spawn();
  /// Stops the child (every stop path goes through here); its exit is then not reported
  /// as an error.
  boost::asio::awaitable<void> shutdown_child(
      std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  boost::asio::any_io_executor executor_;
  std::string id_;
  Launch launch_;
  std::shared_ptr<appserver::CodexBackend> client_;
  Status status_ = Status::starting;
  std::string thread_id_;
  std::string cwd_, model_, profile_, approval_policy_, sandbox_;
  std::string base_instructions_, developer_instructions_, personality_;
  std::string effort_ = "low";  ///< the reasoning effort of the last turn, kept for the next
  bool ephemeral_ = false;
  std::string codex_home_;  ///< where the thread's rollout lives: resume needs the same one
  Json config_overrides_ = Json::object();
  std::int64_t approval_timeout_ms_ = 60000;
  std::optional<Json> output_schema_;
  std::int64_t created_ms_ = 0, updated_ms_ = 0;
  std::string last_error_;
  EventRing ring_;
  TurnTracker tracker_;
  Json result_;                         ///< the last finished turn's result (null before the first)
  bool result_delivered_ = false;       ///< result_ went out whole in a reply
  std::optional<ModelCatalog> models_;  ///< read on the first turn that names an effort
  std::int64_t consumed_cursor_ = 0;
  std::map<std::string, PendingAction> pending_;
  std::int64_t next_request_ = 0;
  std::list<boost::asio::steady_timer*> waiters_;
  bool cancelled_ = false;
  bool stopping_child_ = false;         ///< we are stopping the child: its exit is no failure
  std::uint64_t child_generation_ = 0;  ///< which child's callbacks are current
  bool recovered_ = false;
  std::string interrupted_turn_id_;  ///< restored: the turn that was running at the crash
  std::optional<process::ProcessIdentity> child_identity_;
  std::string forked_from_;
  std::shared_ptr<store::SessionJournal> journal_;
};

std::int64_t now_ms();

}  // namespace codex_mcp::session
