#include "codex_mcp/session/session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/appserver/refusals.hpp"
#include "codex_mcp/appserver/requests.hpp"
#include "codex_mcp/appserver/stream_delta.hpp"
#include "codex_mcp/store/session_journal.hpp"

namespace asio = boost::asio;

namespace codex_mcp::session {

using backend::Channel;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string to_string(Status status) {
  switch (status) {
    case Status::starting:
      return "starting";
    case Status::running:
      return "running";
    case Status::waiting_approval:
      return "waiting_approval";
    case Status::idle:
      return "idle";
    case Status::error:
      return "error";
    case Status::cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::optional<Status> status_from_string(const std::string& name) {
  for (const auto status : {Status::starting, Status::running, Status::waiting_approval,
                            Status::idle, Status::error, Status::cancelled}) {
    if (to_string(status) == name) return status;
  }
  return std::nullopt;
}

namespace {

/// Which value the caller chose that codex refused in its answer to thread/start: a
/// param, or one of the `config` overrides ("failed to load configuration: … in `key`",
/// the words codex uses for a value it refuses at startup). (Outside the coroutine: GCC
/// 12 warns about a coroutine frame holding the temporaries.)
std::optional<std::string> refused_value(const RefusalWording& wording, const Json& params,
                                         const Json& config, std::string_view error) {
  if (wording.param) {
    if (auto why = wording.param(params, error)) return why;
  }
  if (wording.config) return wording.config(config, "Error: " + std::string(error));
  return std::nullopt;
}

std::optional<std::string> config_refusal(const RefusalWording& wording, const Json& config,
                                          std::string_view stderr_text) {
  return wording.config ? wording.config(config, stderr_text) : std::nullopt;
}

// (Outside the coroutine, as the one below.)
appserver::ThreadStartParams thread_start_params(const SessionSettings& settings) {
  return {.settings = settings.thread_settings(), .ephemeral = settings.ephemeral};
}

/// thread/start with the session's settings. (Not a coroutine: nothing of the params is
/// kept in the caller's frame, which GCC 12 miscompiles around these aggregates.)
asio::awaitable<Json> start_thread(const std::shared_ptr<Channel>& channel,
                                   const SessionSettings& settings) {
  return channel->thread_start(thread_start_params(settings));
}

/// thread/resume of `thread_id` with the session's settings (not a coroutine, as above).
asio::awaitable<Json> resume_thread_of(const std::shared_ptr<Channel>& channel,
                                       const std::string& thread_id,
                                       const SessionSettings& settings) {
  return channel->thread_resume({.thread_id = thread_id, .settings = settings.thread_settings()});
}

/// What a turn/start that codex refused (or never answered) is to the caller.
SessionError turn_start_failure(const RefusalWording& wording,
                                const appserver::TurnStartParams& turn, int code,
                                const std::string& error) {
  if (code == jsonrpc::code::kRequestTimeout || code == jsonrpc::code::kConnectionClosed) {
    return {ErrorKind::internal, "codex did not start the turn: " + error};
  }
  const auto why = wording.param ? wording.param(turn.to_json(), error) : std::nullopt;
  return {ErrorKind::invalid, why ? *why : "codex refused the turn: " + error};
}

// The effort is sent on every turn: a reply without one keeps the session's, and a
// resumed thread in a new process gets it too. (Built outside the coroutine: GCC 12
// miscompiles the frame's deallocation around a designated initializer in one.)
appserver::TurnStartParams turn_start_params(const std::string& thread_id,
                                             const std::string& prompt,
                                             const std::vector<std::string>& images,
                                             const std::string& effort, const TurnSettings& turn) {
  return {.thread_id = thread_id,
          .prompt = prompt,
          .images = images,
          .effort = effort,
          .summary = turn.summary,
          .model = turn.model,
          .approval_policy = turn.approval_policy,
          .cwd = turn.cwd,
          .personality = turn.personality,
          .sandbox = turn.sandbox,
          .output_schema = turn.output_schema};
}

}  // namespace

Session::Session(SessionServices services, std::string id)
    : services_(std::move(services)), id_(std::move(id)) {
  created_ms_ = updated_ms_ = now_ms();
  settings_.codex_home = services_.provider->codex_home();
}

Session::~Session() = default;

void Session::attach_journal(std::shared_ptr<store::SessionJournal> journal) {
  journal_ = std::move(journal);
  persist_meta();
}

void Session::flush_journal() {
  if (journal_) journal_->flush();
}

bool Session::has_child() const {
  return channel_ && channel_->running();
}

bool Session::exec_mode() const {
  return channel_ ? channel_->exec_mode() : services_.provider->exec_mode();
}

void Session::set_status(Status status) {
  const bool changed = status != status_;
  status_ = status;
  updated_ms_ = now_ms();
  persist_meta();
  if (changed) changes_.publish(change::kStatus);
}

void Session::persist_meta() {
  if (!journal_) return;
  if (!timing_) return journal_->save_meta(meta_json());
  const auto begin = backend::StartTimings::Clock::now();
  journal_->save_meta(meta_json());
  timing_->persist += backend::StartTimings::Clock::now() - begin;
  ++timing_->persist_writes;
}

void Session::start_reached(
    backend::StartTimings::Clock::time_point backend::StartTimings::*stamp) {
  if (timing_) (*timing_).*stamp = backend::StartTimings::Clock::now();
}

void Session::log_start_phases() {
  if (!timing_) return;
  if (channel_) {
    // The process side, as the provider stamped it.
    const auto& process = channel_->timings();
    timing_->opened = process.opened;
    timing_->spawned = process.spawned;
    timing_->initialized = process.initialized;
    timing_->adopted = process.adopted;
  }
  spdlog::debug("[session {}] start phases: {}", id_, backend::describe(*timing_));
  timing_.reset();
}

void Session::refresh_status() {
  // Answered requests count as done at once, though codex hears the answer a moment later:
  // the caller's next step is polling, not answering again.
  const bool waiting = open_actions() > 0;
  if (status_ == Status::running && waiting) set_status(Status::waiting_approval);
  if (status_ == Status::waiting_approval && !waiting) set_status(Status::running);
  // (Called wherever an action is asked or resolved.)
  changes_.publish(change::kActions);
}

void Session::record(Event event) {
  event.time_ms = now_ms();
  if (journal_) {
    // Logged before the ring takes it: a merge needs only the new text, a new event its id.
    if (ring_.would_coalesce(event)) {
      journal_->append_delta(ring_.next_id() - 1,
                             event.data["delta"].get_ref<const std::string&>());
    } else {
      event.id = ring_.next_id();
      journal_->append_event(event);
    }
  }
  ring_.append(std::move(event));
  touched(change::kEvents);
}

void Session::touched(unsigned changes) {
  updated_ms_ = now_ms();
  changes_.publish(changes);
}

void Session::fail(const std::string& raw_message, Json detail) {
  // What codex says about a config value it refuses echoes the value: kept and logged
  // without it (the caller's own answer names it).
  const auto message = appserver::redact_config_values(raw_message, settings_.config_overrides);
  last_error_ = message;
  Event event{.type = "error", .data = {{"message", message}}, .pinned = true};
  if (!detail.is_null()) event.data["detail"] = std::move(detail);
  resolve_pending("decline", message);
  if (status_ != Status::cancelled) set_status(Status::error);
  record(std::move(event));
}

asio::awaitable<void> Session::wait_for_change(std::chrono::steady_clock::time_point deadline) {
  const auto self = shared_from_this();  // the feed is ours: keep it while the wait runs
  co_await changes_.next(services_.executor, deadline);
}

asio::awaitable<void> Session::open_channel() {
  appserver::AppServerHandlers handlers;
  // The channel drops its handlers once closed, so only the current channel's process
  // reaches the session; the weak pointer covers a session that is gone.
  std::weak_ptr<Session> weak = weak_from_this();
  handlers.on_notification = [weak](const std::string& method, const Json& params) {
    if (auto self = weak.lock()) self->on_notification(method, params);
  };
  handlers.on_stream_delta = [weak](const appserver::StreamDelta& delta) {
    if (auto self = weak.lock()) self->on_stream_delta(delta.method, delta.item_id, delta.delta);
  };
  handlers.on_server_request = [weak](std::string method, Json params) -> asio::awaitable<Json> {
    auto self = weak.lock();
    if (!self) throw jsonrpc::RpcError(-32000, "this session is gone");
    co_return co_await self->on_server_request(std::move(method), std::move(params));
  };
  handlers.on_exit = [weak](int code, const std::string& tail) {
    if (auto self = weak.lock()) self->on_exit(code, tail);
  };
  stopping_child_ = false;
  cancelled_ = false;
  backend::ChannelRequest request{.session_id = id_,
                                  .cwd = settings_.cwd,
                                  .codex_home = settings_.codex_home,
                                  .profile = settings_.profile,
                                  .config_overrides = settings_.config_overrides};
  std::optional<SessionError> refused;  // (no throw of a new exception inside a catch)
  try {
    channel_ = co_await services_.provider->open(std::move(request), std::move(handlers));
  } catch (const backend::CodexUnavailable& e) {
    refused.emplace(ErrorKind::codex_unavailable, e.what());
  } catch (const backend::BadSetting& e) {
    refused.emplace(ErrorKind::invalid, e.what());
  }
  if (refused) throw *refused;
  // Held while it starts, so that a cancel can stop it halfway.
  const auto channel = channel_;
  co_await channel->start();
  persist_meta();  // with the process's identity: a server restarting after a crash ends it
}

// GCC 12 reports the frame of this coroutine as freed by a mismatched operator delete:
// Boost.Asio allocates coroutine frames with aligned_new and frees them with the frame's
// own operator delete, which pair up, but GCC loses track of that through its inlining in
// a frame this size. A false positive, silenced for this function only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
asio::awaitable<void> Session::start(StartSpec spec) {
  if (spdlog::should_log(spdlog::level::debug)) {
    timing_.emplace();
    start_reached(&backend::StartTimings::begin);
  }
  const auto provider_home = settings_.codex_home;
  settings_ = std::move(spec.settings);
  if (settings_.codex_home.empty()) settings_.codex_home = provider_home;
  settings_.take(spec.turn);
  persist_meta();
  const Json params = thread_start_params(settings_).to_json();  // what codex may refuse
  std::string failure;  // set when the start failed (co_await is not allowed in a catch)
  // What the caller is told, when it is more than "could not start": a value it chose
  // that codex refused, or no codex to run.
  std::optional<SessionError> refused;
  try {
    co_await open_channel();
    const auto started = co_await start_thread(channel_, settings_);
    start_reached(&backend::StartTimings::thread_started);
    thread_id_ = started.value("thread", Json::object()).value("id", std::string());
    if (settings_.cwd.empty()) settings_.cwd = started.value("cwd", std::string());
    if (settings_.model.empty()) {
      settings_.model = started.value("model", std::string());  // config.toml's
    }
    persist_meta();
    if (!thread_id_.empty()) {  // exec mode names its thread with the first turn
      record(
          {.type = "progress", .data = {{"method", "thread/started"}, {"threadId", thread_id_}}});
    }
    co_await begin_turn(spec.prompt, spec.turn, spec.images);
    start_reached(&backend::StartTimings::turn_started);
  } catch (const SessionError& e) {
    // The first turn was refused, or no codex could be run: the session never ran.
    refused = e;
    failure = e.what();
  } catch (const backend::OpenFailed& e) {
    failure = e.what();
    if (e.exit_code() >= 0) {
      // It exited before answering: perhaps over an advanced.config value.
      const auto why =
          config_refusal(services_.wording, settings_.config_overrides, e.stderr_tail());
      if (why) refused.emplace(ErrorKind::invalid, *why);
    }
  } catch (const jsonrpc::RpcError& e) {
    failure = std::string("could not start codex: ") + e.what();
    const auto why = refused_value(services_.wording, params, settings_.config_overrides, e.what());
    if (why) refused.emplace(ErrorKind::invalid, *why);
  } catch (const std::exception& e) {
    failure = std::string("could not start codex: ") + e.what();
  }
  if (failure.empty()) {
    log_start_phases();
    co_return;
  }
  timing_.reset();
  if (cancelled_) {
    // codex_session cancel stopped the child under the start: not a failure of codex.
    throw SessionError(ErrorKind::cancelled, "session " + id_ + " was cancelled while starting");
  }
  if (!refused && channel_ && channel_->exit_code() >= 0) {
    // It exited during thread/start: perhaps over an advanced.config value.
    const auto why =
        config_refusal(services_.wording, settings_.config_overrides, channel_->stderr_tail());
    if (why) refused.emplace(ErrorKind::invalid, *why);
  }
  fail(refused ? refused->what() : failure);
  // A session that could not start is over: stop its child now (a hung one would
  // otherwise live on until the session leaves memory).
  co_await shutdown_child();
  throw refused ? *refused : SessionError(ErrorKind::internal, last_error_);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

asio::awaitable<void> Session::start_fork(std::shared_ptr<const Session> source) {
  settings_ = source->settings_;  // all of them: the fork continues the same conversation
  forked_from_ = source->id_;
  std::string failure;
  std::optional<SessionError> unavailable;
  try {
    co_await open_channel();
    // The fork runs in a process of its own: the source thread is loaded from the shared
    // rollout storage (CODEX_HOME), then forked with its whole history.
    const appserver::ThreadForkParams fork{.thread_id = source->thread_id_};
    const auto forked = co_await channel_->thread_fork(fork);
    thread_id_ = forked.value("thread", Json::object()).value("id", std::string());
    set_status(Status::idle);
    record({.type = "progress",
            .data = {{"method", "thread/forked"},
                     {"threadId", thread_id_},
                     {"forkedFromSessionId", source->id_}}});
    co_return;
  } catch (const SessionError& e) {
    if (e.kind() == ErrorKind::codex_unavailable) unavailable = e;
    failure = std::string("could not fork: ") + e.what();
  } catch (const std::exception& e) {
    failure = std::string("could not fork: ") + e.what();
  }
  fail(failure);
  co_await shutdown_child();  // as for a failed start
  if (unavailable) throw *unavailable;
  throw SessionError(ErrorKind::internal, last_error_);
}

asio::awaitable<void> Session::begin_turn(const std::string& prompt, const TurnSettings& turn,
                                          const std::vector<std::string>& images) {
  if (turn.effort) {
    // Refused before anything changes: the session stays as it was.
    if (!models_) models_ = co_await fetch_model_catalog(channel_->codex());
    const auto refusal =
        effort_refusal(*models_, turn.model.value_or(settings_.model), *turn.effort);
    if (refusal) throw SessionError(ErrorKind::invalid, *refusal);
  }
  settings_.take(turn);
  output_schema_ = turn.output_schema;
  const auto turn_start = turn_start_params(thread_id_, prompt, images, settings_.effort, turn);
  tracker_.begin_turn(output_schema_.has_value(), settings_.cwd);
  set_status(Status::running);
  Json started;
  std::string refusal;  // codex's, when it refused (no co_await or throw in the catch)
  int refusal_code = 0;
  try {
    started = co_await channel_->turn_start(turn_start);
  } catch (const jsonrpc::RpcError& e) {
    refusal = e.what();
    refusal_code = e.code();
  }
  if (!refusal.empty()) {
    // No turn started: the session is as it was (a failed start records the error).
    if (status_ == Status::running) set_status(Status::idle);
    throw turn_start_failure(services_.wording, turn_start, refusal_code, refusal);
  }
  if (thread_id_.empty()) {
    // exec mode: the thread is named by its first turn.
    thread_id_ = started.value("threadId", std::string());
    persist_meta();
    record({.type = "progress", .data = {{"method", "thread/started"}, {"threadId", thread_id_}}});
  }
}

asio::awaitable<void> Session::reply(std::string prompt, TurnSettings turn) {
  if (turn_running()) {
    throw SessionError(ErrorKind::busy, "session " + id_ +
                                            " is still working on a turn; poll with codex_check, "
                                            "or interrupt it with codex_session");
  }
  // A child being stopped (idle sweep) is as good as gone: resume in a new one.
  if (!has_child() || stopping_child_) co_await resume_thread();
  const std::vector<std::string> no_images;
  co_await begin_turn(prompt, turn, no_images);
}

asio::awaitable<void> Session::resume_thread() {
  if (thread_id_.empty()) {
    throw SessionError(ErrorKind::not_running, "session " + id_ +
                                                   " never got a Codex thread to continue; start "
                                                   "a new one");
  }
  if (settings_.ephemeral) {
    throw SessionError(ErrorKind::not_running, "session " + id_ +
                                                   " was ephemeral: codex kept no copy of its "
                                                   "thread to resume; start a new session");
  }
  co_await shutdown_child();  // a crashed child: make sure its group is gone too
  const auto previous = status_;
  set_status(Status::starting);
  std::string failure;
  std::optional<SessionError> unavailable;
  try {
    co_await open_channel();
    co_await resume_thread_of(channel_, thread_id_, settings_);
  } catch (const SessionError& e) {
    if (e.kind() == ErrorKind::codex_unavailable) unavailable = e;
    failure = std::string("could not resume thread ") + thread_id_ + ": " + e.what();
  } catch (const std::exception& e) {
    failure = std::string("could not resume thread ") + thread_id_ + ": " + e.what();
  }
  if (!failure.empty()) {  // (no co_await inside a catch block)
    failure = appserver::redact_config_values(failure, settings_.config_overrides);
    spdlog::warn("session {}: {}", id_, failure);
    co_await shutdown_child();
    last_error_ = failure;
    set_status(previous);
    record({.type = "error", .data = {{"message", failure}}, .pinned = true});
    if (unavailable) throw *unavailable;
    throw SessionError(ErrorKind::not_running, failure);
  }
  record({.type = "progress", .data = {{"method", "thread/resumed"}, {"threadId", thread_id_}}});
}

asio::awaitable<void> Session::interrupt(std::chrono::milliseconds timeout) {
  if (!turn_running() || !channel_) {
    throw SessionError(
        ErrorKind::not_running,
        "session " + id_ + " has no turn in progress (status " + to_string(status_) + ")");
  }
  resolve_pending("decline", "interrupted");
  const auto channel = channel_;  // a reply may replace channel_ while this waits
  co_await channel->turn_interrupt(thread_id_, tracker_.turn_id(), timeout);
}

asio::awaitable<void> Session::clean_background_terminals() {
  if (exec_mode()) {
    throw SessionError(ErrorKind::unsupported,
                       "clean_background_terminals is not available in exec mode (codex exec)");
  }
  if (const auto why = codex::background_terminals_refusal(codex_release())) {
    throw SessionError(ErrorKind::codex_error, *why);
  }
  if (!has_child()) {
    throw SessionError(ErrorKind::not_running, "session " + id_ + " has no running codex process");
  }
  const auto channel = channel_;
  const std::string method = "thread/backgroundTerminals/clean";
  const Json params = {{"threadId", thread_id_}};
  co_await channel->call(method, params, std::chrono::seconds(30));
}

asio::awaitable<void> Session::shutdown_child(std::chrono::milliseconds grace) {
  stopping_child_ = true;  // its exit is ours, not news (the closed channel reports none)
  if (!channel_) co_return;
  const auto channel = channel_;  // kept alive across the stop
  co_await channel->close(grace);
  persist_meta();  // without the process, which is gone
}

asio::awaitable<void> Session::cancel(std::string reason) {
  if (cancelled_) co_return;
  cancelled_ = true;
  stopping_child_ = true;
  resolve_pending("cancel", reason);
  set_status(Status::cancelled);
  record({.type = "progress", .data = {{"method", "codex-mcp/cancelled"}, {"reason", reason}}});
  co_await shutdown_child();
}

asio::awaitable<void> Session::stop_child(std::string reason, std::chrono::milliseconds grace) {
  if (!channel_ || stopping_child_) co_return;
  resolve_pending("cancel", reason);
  if (turn_running()) {
    fail(reason);
  } else {
    record({.type = "progress", .data = {{"method", "codex-mcp/stopped"}, {"reason", reason}}});
  }
  co_await shutdown_child(grace);
  persist_meta();
}

void Session::mark_interrupted_by_restart() {
  if (!turn_running()) return;
  const std::string message =
      "codex-mcp restarted while this turn was running: its outcome is unknown and its "
      "codex process was stopped. codex_reply continues the thread.";
  Json result = {{"turnId", interrupted_turn_id_},
                 {"status", "failed"},
                 {"text", ""},
                 {"error", {{"message", message}, {"code", "SERVER_RESTARTED"}}},
                 {"completedAt", now_ms()}};
  result_ = std::move(result);
  result_delivered_ = false;
  if (journal_) journal_->save_result(result_);
  fail(message, {{"code", "SERVER_RESTARTED"}});
}

void Session::end_turn_at_shutdown(const std::string& reason) {
  if (status_ == Status::starting) {
    fail(reason + " while the session was starting");
  } else if (turn_running()) {
    resolve_pending("cancel", reason);
    // As codex reports an interrupted turn: the same event, result and status.
    const Json params = {{"threadId", thread_id_},
                         {"turn",
                          {{"id", tracker_.turn_id()},
                           {"status", "interrupted"},
                           {"items", Json::array()},
                           {"error", nullptr}}}};
    on_notification("turn/completed", params);
    record({.type = "progress",
            .data = {{"method", "codex-mcp/interrupted"}, {"reason", reason}},
            .pinned = true});
  }
  flush_journal();
}

void Session::on_notification(const std::string& method, const Json& params) {
  if (appserver::is_stream_delta_method(method)) {
    const auto item_id = params.value("itemId", Json());
    const auto delta = params.value("delta", Json());
    on_stream_delta(method, item_id.is_string() ? item_id.get_ref<const std::string&>() : "",
                    delta.is_string() ? delta.get_ref<const std::string&>() : "");
    return;
  }
  auto event = tracker_.on_notification(method, params);
  if (tracker_.outcome() && !tracker_.turn_running() && turn_running()) {
    finish_turn(*tracker_.outcome());
  }
  if (event) record(std::move(*event));
}

void Session::on_stream_delta(std::string_view method, std::string_view item_id,
                              std::string_view delta) {
  tracker_.on_delta(method, delta);
  if (const auto key = TurnTracker::delta_key(method, item_id); ring_.can_merge(key)) {
    // Logged before the ring takes it, as in record().
    if (journal_) journal_->append_delta(ring_.next_id() - 1, delta);
    ring_.merge(delta);
    touched(change::kEvents);
    return;
  }
  Event event = TurnTracker::delta_event(method, item_id, delta);
  record(std::move(event));
}

void Session::finish_turn(const TurnOutcome& outcome) {
  result_ = {{"turnId", outcome.turn_id},
             {"status", outcome.status},
             {"text", outcome.text},
             {"completedAt", now_ms()}};
  if (outcome.structured_output) result_["structuredOutput"] = *outcome.structured_output;
  if (!outcome.usage.is_null()) result_["usage"] = outcome.usage;
  if (!outcome.error.is_null()) result_["error"] = outcome.error;
  if (!outcome.output.is_null()) result_["output"] = outcome.output;
  if (outcome.duration_ms > 0) result_["durationMs"] = outcome.duration_ms;
  if (!outcome.files.is_null()) result_["files"] = outcome.files;
  if (!outcome.diff.empty()) result_["diff"] = outcome.diff;
  result_delivered_ = false;
  // On disk before anyone can be told the turn is over.
  if (journal_) journal_->save_result(result_);
  resolve_pending("decline", "turn ended");
  if (outcome.status == "failed") {
    last_error_ = outcome.error.value("message", std::string("turn failed"));
  }
  set_status(outcome.status == "failed" ? Status::error : Status::idle);
  changes_.publish(change::kResult);
}

asio::awaitable<Json> Session::on_server_request(std::string method, Json params) {
  auto action = caller_action(method, params);
  if (!action) co_return automatic_answer(method, params, now_ms());
  if (action->kind == ActionKind::command_approval)
    tracker_.complete_command_approval(action->details);
  if (action->kind == ActionKind::file_change_approval)
    tracker_.complete_file_change_approval(action->details);
  const auto self = shared_from_this();  // keep the session alive while the request waits
  const auto request_id = "req_" + std::to_string(++next_request_);
  auto& pending = pending_[request_id];
  pending.request_id = request_id;
  pending.kind = action->kind;
  pending.details = action->details;
  pending.created_ms = now_ms();
  pending.expires_ms = pending.created_ms + settings_.approval_timeout_ms;
  pending.wake = std::make_shared<asio::steady_timer>(
      services_.executor, std::chrono::milliseconds(settings_.approval_timeout_ms));
  auto wake = pending.wake;
  Json data = {{"requestId", request_id}, {"kind", to_string(action->kind)}, {"method", method}};
  data.update(action->details);
  record({.type = "approval_request", .data = data, .pinned = true});
  pending.event_id = ring_.next_id() - 1;  // (pinned: never merged into another event)
  // Published once the action is whole (its event recorded): a subscriber may act on it
  // at once (hold it for a person).
  refresh_status();

  // Woken by an answer, the timeout, or a change of deadline (hold_for_person,
  // release_to_caller): only the first two end the wait.
  for (;;) {
    boost::system::error_code ec;
    co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const auto waiting = pending_.find(request_id);
    if (waiting == pending_.end() || waiting->second.answer) break;
    if (!waiting->second.held && wake->expiry() <= std::chrono::steady_clock::now()) break;
  }
  auto it = pending_.find(request_id);
  Json answer = decline_answer(action->kind);
  std::string how = "timeout";
  if (it != pending_.end()) {
    if (it->second.answer) {
      answer = *it->second.answer;
      how = "answered";
    }
    pending_.erase(it);
  }
  refresh_status();
  if (how == "timeout") {
    record({.type = "approval_result",
            .data = {{"requestId", request_id},
                     {"decision", "decline"},
                     {"reason", "no answer within approvalTimeoutMs (" +
                                    std::to_string(settings_.approval_timeout_ms) + " ms)"}},
            .pinned = true});
  }
  co_return answer;
}

void Session::resolve_pending(const std::string& decision, const std::string& why) {
  for (auto& [request_id, pending] : pending_) {
    if (pending.answer) continue;
    pending.answer = pending.kind == ActionKind::user_input ? decline_answer(pending.kind)
                                                            : Json{{"decision", decision}};
    record({.type = "approval_result",
            .data = {{"requestId", request_id}, {"decision", decision}, {"reason", why}},
            .pinned = true});
    pending.wake->cancel();
  }
  refresh_status();
}

void Session::hold_for_person(const std::string& request_id) {
  const auto it = pending_.find(request_id);
  if (it == pending_.end() || it->second.answer || it->second.held) return;
  it->second.held = true;
  it->second.wake->expires_at(std::chrono::steady_clock::time_point::max());
  changes_.publish(change::kActions);  // its deadline is gone: news for a poller
}

void Session::release_to_caller(const std::string& request_id) {
  const auto it = pending_.find(request_id);
  if (it == pending_.end() || it->second.answer) return;
  it->second.held = false;
  it->second.expires_ms = now_ms() + settings_.approval_timeout_ms;
  it->second.wake->expires_after(std::chrono::milliseconds(settings_.approval_timeout_ms));
  touched(change::kActions);  // its new deadline is news for a poller
}

void Session::respond_permission(const PermissionAnswer& answer) {
  auto it = pending_.find(answer.request_id);
  if (it == pending_.end() || it->second.answer) {
    throw SessionError(ErrorKind::request_not_found,
                       "no pending request " + answer.request_id + " in session " + id_ +
                           " (already answered, timed out, or never asked)");
  }
  auto& pending = it->second;
  pending.answer = permission_answer(pending.kind, answer.decision, answer.execpolicy_amendment,
                                     answer.network_policy_amendment);
  Json data = {{"requestId", pending.request_id}, {"decision", answer.decision}};
  if (answer.deny_message) data["denyMessage"] = *answer.deny_message;
  if (answer.answered_by) data["by"] = *answer.answered_by;
  record({.type = "approval_result", .data = data, .pinned = true});
  pending.wake->cancel();
  refresh_status();
}

void Session::respond_user_input(const UserInputAnswer& answer) {
  auto it = pending_.find(answer.request_id);
  if (it == pending_.end() || it->second.answer) {
    throw SessionError(ErrorKind::request_not_found,
                       "no pending request " + answer.request_id + " in session " + id_);
  }
  auto& pending = it->second;
  if (pending.kind != ActionKind::user_input) {
    throw SessionError(
        ErrorKind::invalid,
        "request " + pending.request_id + " is an approval: answer it with respond_permission");
  }
  pending.answer = user_input_answer(answer.answers);
  Json data = {{"requestId", pending.request_id}, {"answers", answer.answers}};
  if (answer.answered_by) data["by"] = *answer.answered_by;
  record({.type = "approval_result", .data = std::move(data), .pinned = true});
  pending.wake->cancel();
  refresh_status();
}

void Session::on_exit(int exit_code, const std::string& stderr_tail) {
  if (cancelled_ || stopping_child_) {
    persist_meta();
    return;
  }
  const bool was_working = turn_running();
  std::string message = "codex app-server exited with code " + std::to_string(exit_code);
  if (was_working) message += " during the turn";
  if (!stderr_tail.empty())
    message +=
        "; stderr: " + stderr_tail.substr(stderr_tail.size() > 600 ? stderr_tail.size() - 600 : 0);
  spdlog::warn("session {}: {}", id_,
               appserver::redact_config_values(message, settings_.config_overrides));
  // A start or resume in progress fails with its own, fuller message: one error, not two.
  if (status_ == Status::starting) return;
  fail(message);
}

}  // namespace codex_mcp::session
