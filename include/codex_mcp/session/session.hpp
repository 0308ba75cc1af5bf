// Session: one Codex conversation — its thread, the turn in progress, the event ring, the
// approvals waiting for an answer, and the result. The codex it talks to comes from a
// backend::Provider as a backend::Channel (by default a child `codex app-server`); the
// session knows nothing of processes, and nothing of the MCP tools above it: it takes its
// own request types (session/settings) and fails with its own error kinds
// (session/errors). Every change is published on changes().
//
// State machine: starting → running ⇄ waiting_approval → idle (turn over) | error (turn
// failed, start failed, child died) | cancelled (stopped by the caller or the server).
// Every server→client request is answered: approvals and questions wait in actions[]
// until the caller responds, the approval timeout declines them, or an interrupt/cancel
// resolves them.
//
// The channel is not the session: it may be closed (idle too long, server shutdown) or
// gone (crash, a restart of the server) while the session, its thread and its events
// stay. A reply to a session without a channel opens a new one and resumes the thread
// (`thread/resume`, same CODEX_HOME), so the model keeps the history. With a
// journal, every event, the metadata and the result are also written to the state
// directory, and restore() brings a session back from it after a restart.
// Threading: the loop thread only; coroutines hold a shared_ptr to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/backend/provider.hpp"
#include "codex_mcp/codex/release.hpp"
#include "codex_mcp/session/change_feed.hpp"
#include "codex_mcp/session/errors.hpp"
#include "codex_mcp/session/event_ring.hpp"
#include "codex_mcp/session/model_catalog.hpp"
#include "codex_mcp/session/server_requests.hpp"
#include "codex_mcp/session/settings.hpp"
#include "codex_mcp/session/turn_tracker.hpp"

namespace codex_mcp::store {
class SessionJournal;
}

namespace codex_mcp::session {

enum class Status { starting, running, waiting_approval, idle, error, cancelled };
std::string to_string(Status status);
/// Nullopt for a name that is not a status.
std::optional<Status> status_from_string(const std::string& name);

/// How codex's refusal of a caller's value is put into words: the tool contract's
/// business (it names the argument and the values that work), so the layer above supplies
/// it. Unset: codex's own words.
struct RefusalWording {
  /// For a thread/start or turn/start error: the message when it refuses a value in
  /// `params` (the request sent), else nullopt.
  std::function<std::optional<std::string>(const Json& params, std::string_view error)> param;
  /// For a codex that exited at startup: the message when `stderr_text` refuses one of
  /// the caller's config overrides, else nullopt.
  std::function<std::optional<std::string>(const Json& overrides, std::string_view stderr_text)>
      config;
};

/// What every session of a manager shares.
struct SessionServices {
  boost::asio::any_io_executor executor;
  std::shared_ptr<backend::Provider> provider;
  RefusalWording wording{};
};

struct PendingAction {
  std::string request_id;
  ActionKind kind;
  Json details;
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0;
  std::int64_t event_id = -1;  ///< its approval_request event
  std::optional<Json> answer;  ///< set by the caller (or the timeout) to release the request
  std::shared_ptr<boost::asio::steady_timer> wake;
  bool held = false;  ///< shown to a person: no timeout until answered or released
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(SessionServices services, std::string id);
  ~Session();

  /// A session read back from the state directory: no channel, its events in the ring.
  /// `meta` must have passed store::load_meta.
  static std::shared_ptr<Session> restore(SessionServices services, const Json& meta,
                                          std::vector<Event> events, Json result,
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
  /// Its codex process is alive.
  bool has_child() const;
  /// Runs `codex exec` per turn (no app-server): no approvals, fork or background terminals.
  bool exec_mode() const;
  /// The codex release its channels run (known once one was opened, or probed).
  codex::Release codex_release() const { return services_.provider->release(); }
  const SessionSettings& settings() const { return settings_; }
  /// Everything that changes a session is published here.
  ChangeFeed& changes() { return changes_; }
  /// Restored from the state directory by this server (not started by it).
  bool recovered() const { return recovered_; }

  /// Opens a channel, starts the thread and the first turn. Failures leave the session in
  /// `error` with an error event and its channel closed, and are rethrown as SessionError.
  /// Not to be cancelled halfway (the session would stay `starting`): callers run it
  /// through util::await_detached.
  boost::asio::awaitable<void> start(StartSpec spec);
  /// Starts the child for a fork of `source` (thread/fork), idle, with its history.
  boost::asio::awaitable<void> start_fork(std::shared_ptr<const Session> source);
  /// Next turn on the thread; `busy` while a turn runs. Without a channel (stopped,
  /// crashed, or recovered after a restart) a new one resumes the thread first.
  boost::asio::awaitable<void> reply(std::string prompt, TurnSettings turn);
  /// How long `codex_session interrupt` waits for codex to accept the interrupt: codex
  /// answers at once when it is healthy; a hung child gets TIMEOUT, not a two-minute wait.
  static constexpr std::chrono::milliseconds kInterruptTimeout{5000};
  /// turn/interrupt; pending approvals are declined. `not_running` when idle;
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

  /// Answers a pending approval / question; throws SessionError (`not_found` for a
  /// request that is not pending, `invalid` for a decision its kind does not take).
  void respond_permission(const PermissionAnswer& answer);
  void respond_user_input(const UserInputAnswer& answer);

  /// The pending action is shown to a person: its approval timeout is suspended until it is
  /// answered (by the person or the caller), resolved (interrupt, cancel, turn over) or
  /// released. No-op for an unknown or answered request.
  void hold_for_person(const std::string& request_id);
  /// The person did not answer: the action is the caller's again, with a fresh
  /// approvalTimeoutMs. No-op for an unknown or answered request.
  void release_to_caller(const std::string& request_id);

  EventRing& events() { return ring_; }
  std::int64_t consumed_cursor() const { return consumed_cursor_; }
  void set_consumed_cursor(std::int64_t cursor) {
    consumed_cursor_ = std::max(consumed_cursor_, cursor);
  }
  /// Requests still waiting for the caller (answered ones leave on the next loop turn).
  std::size_t open_actions() const;
  /// True when a request still waiting for the caller was asked at event `cursor` or later
  /// (one a poller from `cursor` has not been shown yet). One held for a person is not.
  bool open_action_since(std::int64_t cursor) const;

  /// Waits until the session changes or `deadline` passes (changes().next()).
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
  /// Something changed: its time is now, and its subscribers hear of it.
  void touched(unsigned changes);
  void fail(const std::string& message, Json detail = nullptr);
  /// Releases every pending request: declined (interrupt, turn over) or cancelled.
  void resolve_pending(const std::string& decision, const std::string& why);
  void set_status(Status status);
  void refresh_status();
  void persist_meta();
  /// A pending request as actions_json() shows it.
  Json action_json(const PendingAction& pending) const;
  /// The start reached `stamp` (a member of timing_), when one is being timed.
  void start_reached(backend::StartTimings::Clock::time_point backend::StartTimings::*stamp);
  /// The start is over: its phases, logged at debug level.
  void log_start_phases();
  void finish_turn(const TurnOutcome& outcome);
  boost::asio::awaitable<void> resume_thread();
  /// Always awaited at once by start/reply, whose frames own the arguments.
  boost::asio::awaitable<void> begin_turn(const std::string& prompt, const TurnSettings& turn,
                                          const std::vector<std::string>& images);
  /// Opens a channel with the session's profile, config overrides, cwd and CODEX_HOME.
  boost::asio::awaitable<void> open_channel();
  /// Closes the channel (every stop path goes through here); its end is then not
  /// reported as an error.
  boost::asio::awaitable<void> shutdown_child(
      std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  SessionServices services_;
  std::string id_;
  std::shared_ptr<backend::Channel> channel_;
  Status status_ = Status::starting;
  std::string thread_id_;
  SessionSettings settings_;
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
  ChangeFeed changes_;
  bool cancelled_ = false;
  bool stopping_child_ = false;  ///< we are closing the channel: its end is no failure
  bool recovered_ = false;
  std::string interrupted_turn_id_;  ///< restored: the turn that was running at the crash
  std::string forked_from_;
  std::shared_ptr<store::SessionJournal> journal_;
  /// The phases of the start under way, while debug logging is on (else nothing is timed).
  std::optional<backend::StartTimings> timing_;
};

std::int64_t now_ms();

}  // namespace codex_mcp::session
