#include "codex_mcp/session/session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/appserver/exec_client.hpp"
#include "codex_mcp/appserver/refusals.hpp"
#include "codex_mcp/appserver/requests.hpp"
#include "codex_mcp/appserver/stream_delta.hpp"
#include "codex_mcp/codex/profile.hpp"
#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/store/session_journal.hpp"
#include "codex_mcp/tools/refusals.hpp"
#include "codex_mcp/util/environment.hpp"

namespace asio = boost::asio;

namespace codex_mcp::session {

using mcp::ToolError;

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

std::string startup_timeout_failure(const std::string& what, const std::string& executable) {
  return "could not start codex: " + what + ". Check that `" + executable +
         " app-server` starts from a shell with this environment and that its config.toml "
         "loads (the codex-mcp log has the child's stderr); if codex is only slow to start "
         "here, raise --startup-timeout-ms / CODEX_MCP_STARTUP_TIMEOUT_MS.";
}

/// Which value the caller chose that codex refused in its answer to thread/start: a
/// param, or one of the `config` overrides ("failed to load configuration: … in `key`",
/// the words codex uses for a value it refuses at startup). (Outside the coroutine: GCC
/// 12 warns about a coroutine frame holding the temporaries.)
std::optional<std::string> refused_value(const Json& params, const Json& config,
                                         std::string_view error) {
  if (auto why = tools::describe_param_refusal(params, error)) return why;
  return tools::describe_config_refusal(config, "Error: " + std::string(error));
}

std::optional<std::string> unless_empty(const std::string& value) {
  return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

// (Built outside the coroutine: GCC 12 warns about a coroutine frame holding it.)
appserver::ThreadStartParams thread_start_params(const tools::StartRequest& request,
                                                 const std::string& cwd, const std::string& model) {
  return {.settings = {.approval_policy = request.turn.approval_policy,
                       .sandbox = request.turn.sandbox,
                       .cwd = unless_empty(cwd),
                       .model = unless_empty(model),
                       .base_instructions = request.base_instructions,
                       .developer_instructions = request.developer_instructions,
                       .personality = request.turn.personality},
          .ephemeral = request.ephemeral};
}

}  // namespace

Session::Session(asio::any_io_executor executor, std::string id, Launch launch)
    : executor_(std::move(executor)), id_(std::move(id)), launch_(std::move(launch)) {
  created_ms_ = updated_ms_ = now_ms();
  const auto env_home = launch_.env.find("CODEX_HOME");
  codex_home_ = env_home != launch_.env.end() ? env_home->second : util::codex_home();
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
  return client_ && client_->running();
}

void Session::set_status(Status status) {
  status_ = status;
  updated_ms_ = now_ms();
  persist_meta();
}

void Session::persist_meta() {
  if (journal_) journal_->save_meta(meta_json());
}

void Session::refresh_status() {
  // Answered requests count as done at once, though codex hears the answer a moment later:
  // the caller's next step is polling, not answering again.
  const bool waiting = open_actions() > 0;
  if (status_ == Status::running && waiting) set_status(Status::waiting_approval);
  if (status_ == Status::waiting_approval && !waiting) set_status(Status::running);
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
  touched();
}

void Session::touched() {
  updated_ms_ = now_ms();
  for (auto* waiter : waiters_) waiter->cancel();
}

void Session::fail(const std::string& raw_message, Json detail) {
  // What codex says about a config value it refuses echoes the value: kept and logged
  // without it (the caller's own answer names it).
  const auto message = appserver::redact_config_values(raw_message, config_overrides_);
  last_error_ = message;
  Event event{.type = "error", .data = {{"message", message}}, .pinned = true};
  if (!detail.is_null()) event.data["detail"] = std::move(detail);
  resolve_pending("decline", message);
  if (status_ != Status::cancelled) set_status(Status::error);
  record(std::move(event));
}

asio::awaitable<void> Session::wait_for_change(std::chrono::steady_clock::time_point deadline) {
  asio::steady_timer timer(executor_, deadline);
  waiters_.push_back(&timer);
  const auto self = shared_from_this();
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiters_.remove(&timer);
  if (ec && ec != asio::error::operation_aborted) throw boost::system::system_error(ec);
  // A cancellation of the caller's own request surfaces here too: let it propagate.
  const auto state = co_await asio::this_coro::cancellation_state;
  if (state.cancelled() != asio::cancellation_type::none) {
    throw boost::system::system_error(asio::error::operation_aborted);
  }
}

asio::awaitable<void> Session::spawn() {
  if (launch_.command.executable.empty()) {
    throw ToolError("CODEX_NOT_FOUND", launch_.unavailable_reason.empty()
                                           ? std::string("no codex executable found")
                                           : launch_.unavailable_reason);
  }
  if (!launch_.codex && launch_.probe) {  // a session restored before codex was probed
    launch_.adopt(co_await launch_.probe->facts(launch_.command.executable));
  }
  if (const auto why = codex::unsupported_reason(launch_.release())) {
    throw ToolError("CODEX_NOT_FOUND", *why);
  }
  std::weak_ptr<Session> weak = weak_from_this();
  // A session may outlive several children (a reply resumes the thread in a new one): what
  // an earlier child still says while it is being stopped must not touch the current one.
  const auto generation = ++child_generation_;
  const auto current = [weak, generation]() -> std::shared_ptr<Session> {
    auto self = weak.lock();
    return self && self->child_generation_ == generation ? self : nullptr;
  };
  appserver::AppServerHandlers handlers;
  handlers.on_notification = [current](const std::string& method, const Json& params) {
    if (auto self = current()) self->on_notification(method, params);
  };
  handlers.on_stream_delta = [current](const appserver::StreamDelta& delta) {
    if (auto self = current()) self->on_stream_delta(delta.method, delta.item_id, delta.delta);
  };
  handlers.on_server_request = [current](std::string method, Json params) -> asio::awaitable<Json> {
    auto self = current();
    if (!self) throw jsonrpc::RpcError(-32000, "this codex process was replaced or stopped");
    co_return co_await self->on_server_request(std::move(method), std::move(params));
  };
  handlers.on_exit = [current](int code, const std::string& tail) {
    if (auto self = current()) self->on_exit(code, tail);
  };
  if (launch_.exec_mode) {
    client_ = appserver::ExecClient::create(executor_, std::move(handlers));
  } else {
    client_ = appserver::AppServerClient::create(executor_, std::move(handlers));
  }
  appserver::AppServerSettings settings;
  // The profile's settings first, the caller's advanced.config over them (read again for
  // every child, so a resumed session sees the profile as it is now).
  settings.config_overrides = Json::object();
  if (!profile_.empty()) {
    try {
      settings.config_overrides = codex::load_profile_overrides(codex_home_, profile_);
    } catch (const codex::ProfileError& e) {
      throw ToolError("INVALID_ARGUMENT", e.what());
    }
  }
  settings.config_overrides.update(config_overrides_);
  settings.env = launch_.env;
  settings.env["CODEX_HOME"] = codex_home_;
  settings.unset_env = launch_.unset_env;
  settings.cwd = cwd_;
  settings.name = "app-server " + id_;
  settings.initialize_timeout = launch_.startup_timeout;
  stopping_child_ = false;
  cancelled_ = false;
  co_await client_->start(launch_.command, settings);
  // Recorded so that a server restarting after a crash can end this child, and only it.
  child_identity_.reset();
  if (client_->pid() > 0) child_identity_ = process::identify(client_->pid());
  persist_meta();
}

asio::awaitable<void> Session::start(tools::StartRequest request) {
  cwd_ = request.turn.cwd.value_or("");
  model_ = request.turn.model.value_or("");
  profile_ = request.profile.value_or("");
  approval_policy_ = request.turn.approval_policy.value_or("");
  sandbox_ = request.turn.sandbox.value_or("");
  config_overrides_ = request.config_overrides;
  approval_timeout_ms_ = request.approval_timeout_ms;
  base_instructions_ = request.base_instructions.value_or("");
  developer_instructions_ = request.developer_instructions.value_or("");
  personality_ = request.turn.personality.value_or("");
  ephemeral_ = request.ephemeral;
  persist_meta();
  const Json params = thread_start_params(request, cwd_, model_).to_json();
  std::string failure;  // set when the start failed (co_await is not allowed in a catch)
  std::optional<ToolError> refused;  // ... because of a value the caller chose
  try {
    co_await spawn();
    const auto started = co_await client_->thread_start(params);
    thread_id_ = started.value("thread", Json::object()).value("id", std::string());
    if (cwd_.empty()) cwd_ = started.value("cwd", std::string());
    if (model_.empty()) model_ = started.value("model", std::string());  // config.toml's
    persist_meta();
    if (!thread_id_.empty()) {  // exec mode names its thread with the first turn
      record(
          {.type = "progress", .data = {{"method", "thread/started"}, {"threadId", thread_id_}}});
    }
    co_await begin_turn(request.prompt, request.turn, request.images);
  } catch (const ToolError& e) {
    refused = e;  // the first turn was refused: the session never ran, so it ends here
    failure = e.what();
  } catch (const appserver::StartupTimeout& e) {
    failure = startup_timeout_failure(e.what(), launch_.command.executable);
  } catch (const jsonrpc::RpcError& e) {
    failure = std::string("could not start codex: ") + e.what();
    if (const auto why = refused_value(params, config_overrides_, e.what())) {
      refused.emplace("INVALID_ARGUMENT", *why);
    }
  } catch (const std::exception& e) {
    failure = std::string("could not start codex: ") + e.what();
  }
  if (failure.empty()) co_return;
  if (cancelled_) {
    // codex_session cancel stopped the child under the start: not a failure of codex.
    throw ToolError("CANCELLED", "session " + id_ + " was cancelled while starting");
  }
  if (!refused && client_ && client_->exit_code() >= 0) {
    // It exited before answering: perhaps over an advanced.config value.
    const auto why = tools::describe_config_refusal(config_overrides_, client_->stderr_tail());
    if (why) refused.emplace("INVALID_ARGUMENT", *why);
  }
  fail(refused ? refused->what() : failure);
  // A session that could not start is over: stop its child now (a hung one would
  // otherwise live on until the session leaves memory).
  co_await shutdown_child();
  if (refused) throw *refused;
  throw ToolError("INTERNAL", last_error_);
}

asio::awaitable<void> Session::start_fork(std::shared_ptr<const Session> source) {
  cwd_ = source->cwd_;
  model_ = source->model_;
  profile_ = source->profile_;
  approval_policy_ = source->approval_policy_;
  sandbox_ = source->sandbox_;
  config_overrides_ = source->config_overrides_;
  approval_timeout_ms_ = source->approval_timeout_ms_;
  base_instructions_ = source->base_instructions_;
  developer_instructions_ = source->developer_instructions_;
  personality_ = source->personality_;
  effort_ = source->effort_;
  codex_home_ = source->codex_home_;
  forked_from_ = source->id_;
  try {
    co_await spawn();
    // The fork runs in its own app-server: the source thread is loaded from the shared
    // rollout storage (CODEX_HOME), then forked with its whole history.
    const appserver::ThreadForkParams fork{.thread_id = source->thread_id_};
    const auto forked = co_await client_->thread_fork(fork.to_json());
    thread_id_ = forked.value("thread", Json::object()).value("id", std::string());
    set_status(Status::idle);
    record({.type = "progress",
            .data = {{"method", "thread/forked"},
                     {"threadId", thread_id_},
                     {"forkedFromSessionId", source->id_}}});
    co_return;
  } catch (const std::exception& e) {
    fail(std::string("could not fork: ") + e.what());
  }
  co_await shutdown_child();  // as for a failed start
  throw ToolError("INTERNAL", last_error_);
}

asio::awaitable<void> Session::begin_turn(const std::string& prompt,
                                          const tools::TurnSettings& turn,
                                          const std::vector<std::string>& images) {
  if (turn.effort) {
    // Refused before anything changes: the session stays as it was.
    if (!models_) models_ = co_await fetch_model_catalog(client_);
    const auto refusal = effort_refusal(*models_, turn.model.value_or(model_), *turn.effort);
    if (refusal) throw ToolError("INVALID_ARGUMENT", *refusal);
  }
  // The effort is sent on every turn: a reply without one keeps the session's, the first
  // turn's default is the contract's "low", and a resumed thread in a new child gets it too.
  if (turn.effort) effort_ = *turn.effort;
  if (turn.model) model_ = *turn.model;
  if (turn.approval_policy) approval_policy_ = *turn.approval_policy;
  if (turn.sandbox) sandbox_ = *turn.sandbox;
  if (turn.cwd) cwd_ = *turn.cwd;
  if (turn.personality) personality_ = *turn.personality;
  output_schema_ = turn.output_schema;
  const appserver::TurnStartParams turn_start{.thread_id = thread_id_,
                                              .prompt = prompt,
                                              .images = images,
                                              .effort = effort_,
                                              .summary = turn.summary,
                                              .model = turn.model,
                                              .approval_policy = turn.approval_policy,
                                              .cwd = turn.cwd,
                                              .personality = turn.personality,
                                              .sandbox = turn.sandbox,
                                              .output_schema = output_schema_};
  const Json params = turn_start.to_json();
  tracker_.begin_turn(output_schema_.has_value(), cwd_);
  set_status(Status::running);
  try {
    const auto started = co_await client_->turn_start(params);
    if (thread_id_.empty()) {
      // exec mode: the thread is named by its first turn.
      thread_id_ = started.value("threadId", std::string());
      persist_meta();
      record(
          {.type = "progress", .data = {{"method", "thread/started"}, {"threadId", thread_id_}}});
    }
  } catch (const jsonrpc::RpcError& e) {
    // No turn started: the session is as it was (a failed start records the error).
    if (status_ == Status::running) set_status(Status::idle);
    if (e.code() == jsonrpc::code::kRequestTimeout ||
        e.code() == jsonrpc::code::kConnectionClosed) {
      throw ToolError("INTERNAL", std::string("codex did not start the turn: ") + e.what());
    }
    const auto why = tools::describe_param_refusal(params, e.what());
    throw ToolError("INVALID_ARGUMENT",
                    why ? *why : std::string("codex refused the turn: ") + e.what());
  }
}

asio::awaitable<void> Session::reply(tools::ReplyRequest request) {
  if (turn_running()) {
    throw ToolError("SESSION_BUSY", "session " + id_ +
                                        " is still working on a turn; poll with codex_check, "
                                        "or interrupt it with codex_session");
  }
  // A child being stopped (idle sweep) is as good as gone: resume in a new one.
  if (!has_child() || stopping_child_) co_await resume_thread();
  co_await begin_turn(request.prompt, request.turn, {});
}

asio::awaitable<void> Session::resume_thread() {
  if (thread_id_.empty()) {
    throw ToolError("SESSION_NOT_RUNNING",
                    "session " + id_ + " never got a Codex thread to continue; start a new one");
  }
  if (ephemeral_) {
    throw ToolError("SESSION_NOT_RUNNING", "session " + id_ +
                                               " was ephemeral: codex kept no copy of its "
                                               "thread to resume; start a new session");
  }
  co_await shutdown_child();  // a crashed child: make sure its group is gone too
  const auto previous = status_;
  set_status(Status::starting);
  std::string failure;
  try {
    co_await spawn();
    const appserver::ThreadResumeParams resume{
        .thread_id = thread_id_,
        .settings = {.approval_policy = unless_empty(approval_policy_),
                     .sandbox = unless_empty(sandbox_),
                     .cwd = unless_empty(cwd_),
                     .model = unless_empty(model_),
                     .base_instructions = unless_empty(base_instructions_),
                     .developer_instructions = unless_empty(developer_instructions_),
                     .personality = unless_empty(personality_)}};
    co_await client_->thread_resume(resume.to_json());
  } catch (const std::exception& e) {
    failure = std::string("could not resume thread ") + thread_id_ + ": " + e.what();
  }
  if (!failure.empty()) {  // (no co_await inside a catch block)
    failure = appserver::redact_config_values(failure, config_overrides_);
    spdlog::warn("session {}: {}", id_, failure);
    co_await shutdown_child();
    last_error_ = failure;
    set_status(previous);
    record({.type = "error", .data = {{"message", failure}}, .pinned = true});
    throw ToolError("SESSION_NOT_RUNNING", failure);
  }
  record({.type = "progress", .data = {{"method", "thread/resumed"}, {"threadId", thread_id_}}});
}

asio::awaitable<void> Session::interrupt(std::chrono::milliseconds timeout) {
  if (!turn_running() || !client_) {
    throw ToolError("SESSION_NOT_RUNNING", "session " + id_ + " has no turn in progress (status " +
                                               to_string(status_) + ")");
  }
  resolve_pending("decline", "interrupted");
  const auto client = client_;  // a reply may replace client_ while this waits
  const auto thread = thread_id_;
  const auto turn = tracker_.turn_id();
  co_await client->turn_interrupt(thread, turn, timeout);
}

asio::awaitable<void> Session::clean_background_terminals() {
  if (launch_.exec_mode) {
    throw ToolError("EXEC_NOT_SUPPORTED",
                    "clean_background_terminals is not available in exec mode (codex exec)");
  }
  if (const auto why = codex::background_terminals_refusal(launch_.release())) {
    throw ToolError("CODEX_ERROR", *why);
  }
  if (!client_ || !client_->running()) {
    throw ToolError("SESSION_NOT_RUNNING", "session " + id_ + " has no running codex process");
  }
  const std::string method = "thread/backgroundTerminals/clean";
  const Json params = {{"threadId", thread_id_}};
  co_await client_->call(method, params, std::chrono::seconds(30));
}

asio::awaitable<void> Session::shutdown_child(std::chrono::milliseconds grace) {
  stopping_child_ = true;  // its exit is ours, not news: on_exit must not report it
  if (!client_) co_return;
  const auto client = client_;  // keep it alive across the shutdown
  co_await client->shutdown(grace);
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
  if (!client_ || stopping_child_) co_return;
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
    touched();
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
}

asio::awaitable<Json> Session::on_server_request(std::string method, Json params) {
  auto action = caller_action(method, params);
  if (!action) co_return automatic_answer(method, params, now_ms());
  if (action->kind == ActionKind::command_approval)
    tracker_.complete_command_approval(action->details);
  const auto self = shared_from_this();  // keep the session alive while the request waits
  const auto request_id = "req_" + std::to_string(++next_request_);
  auto& pending = pending_[request_id];
  pending.request_id = request_id;
  pending.kind = action->kind;
  pending.details = action->details;
  pending.created_ms = now_ms();
  pending.expires_ms = pending.created_ms + approval_timeout_ms_;
  pending.wake = std::make_shared<asio::steady_timer>(
      executor_, std::chrono::milliseconds(approval_timeout_ms_));
  auto wake = pending.wake;
  refresh_status();
  Json data = {{"requestId", request_id}, {"kind", to_string(action->kind)}, {"method", method}};
  data.update(action->details);
  record({.type = "approval_request", .data = data, .pinned = true});
  pending.event_id = ring_.next_id() - 1;  // (pinned: never merged into another event)

  boost::system::error_code ec;
  co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  // Held for a person: the timer was pushed to never; only an answer ends the wait.
  for (auto held = pending_.find(request_id);
       held != pending_.end() && held->second.held && !held->second.answer;
       held = pending_.find(request_id)) {
    co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
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
                                    std::to_string(approval_timeout_ms_) + " ms)"}},
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

void Session::respond_permission(const tools::CheckRequest& request) {
  auto it = pending_.find(*request.request_id);
  if (it == pending_.end() || it->second.answer) {
    throw ToolError("REQUEST_NOT_FOUND", "no pending request " + *request.request_id +
                                             " in session " + id_ +
                                             " (already answered, timed "
                                             "out, or never asked)");
  }
  auto& pending = it->second;
  pending.answer = permission_answer(pending.kind, *request.decision, request.execpolicy_amendment,
                                     request.network_policy_amendment);
  Json data = {{"requestId", pending.request_id}, {"decision", *request.decision}};
  if (request.deny_message) data["denyMessage"] = *request.deny_message;
  record({.type = "approval_result", .data = data, .pinned = true});
  pending.wake->cancel();
  refresh_status();
}

void Session::respond_user_input(const tools::CheckRequest& request) {
  auto it = pending_.find(*request.request_id);
  if (it == pending_.end() || it->second.answer) {
    throw ToolError("REQUEST_NOT_FOUND",
                    "no pending request " + *request.request_id + " in session " + id_);
  }
  auto& pending = it->second;
  if (pending.kind != ActionKind::user_input) {
    throw ToolError("INVALID_ARGUMENT", "request " + pending.request_id +
                                            " is an approval: answer it with respond_permission");
  }
  pending.answer = user_input_answer(*request.answers);
  record({.type = "approval_result",
          .data = {{"requestId", pending.request_id}, {"answers", *request.answers}},
          .pinned = true});
  pending.wake->cancel();
  refresh_status();
}

void Session::hold_for_person(const std::string& request_id) {
  const auto it = pending_.find(request_id);
  if (it == pending_.end() || it->second.answer || it->second.held) return;
  it->second.held = true;
  it->second.expires_ms = 0;  // actions_json: no expiry
  // Cancels the pending wait too: on_server_request sees `held` and waits again, now
  // without a deadline.
  it->second.wake->expires_at(asio::steady_timer::time_point::max());
}

void Session::on_exit(int exit_code, const std::string& stderr_tail) {
  child_identity_.reset();
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
  spdlog::warn("session {}: {}", id_, appserver::redact_config_values(message, config_overrides_));
  // A start or resume in progress fails with its own, fuller message: one error, not two.
  if (status_ == Status::starting) return;
  fail(message);
}

}  // namespace codex_mcp::session
