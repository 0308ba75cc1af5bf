// Handlers of codex, codex_reply, codex_session and codex_check: decode, act on the
// session manager, shape the answer. Waiting (waitForResult, long-poll) lives here too.
#include "codex_mcp/tools/session_tools.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <limits>

#include "codex_mcp/codex/release.hpp"
#include "codex_mcp/session/poll_view.hpp"
#include "codex_mcp/tools/choices.hpp"
#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/util/await_detached.hpp"

namespace asio = boost::asio;

namespace codex_mcp::tools {

using session::Session;
using session::Status;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kPollIntervalMs = 2000;
constexpr auto kProgressEvery = std::chrono::seconds(4);

Json session_summary(const Session& session) {
  Json out = {{"sessionId", session.id()},
              {"threadId", session.thread_id()},
              {"status", session::to_string(session.status())},
              {"progress", session.progress_json()},
              {"interactionState", session.interaction_state()},
              {"recommendedNextAction", session.recommended_next_action()}};
  if (session.turn_running()) out["pollInterval"] = kPollIntervalMs;
  return out;
}

/// Waits for the turn to end, or for the caller to be needed, or for `wait_ms`.
/// Sends notifications/progress every few seconds when the client asked for them.
asio::awaitable<Json> wait_for_result(std::shared_ptr<Session> session, std::int64_t wait_ms,
                                      mcp::ToolCallContext& context) {
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::milliseconds(wait_ms);
  auto last_report = started;
  std::string last_phase;
  while (session->turn_running() && session->open_actions() == 0 && Clock::now() < deadline) {
    co_await session->wait_for_change(std::min(deadline, Clock::now() + kProgressEvery));
    // Progress keeps the client's request timeout from firing: on a phase change, and at
    // least every kProgressEvery, but not once per streamed token.
    const auto phase = session->progress_json()["phase"].get<std::string>();
    if (phase == last_phase && Clock::now() - last_report < kProgressEvery) continue;
    last_phase = phase;
    last_report = Clock::now();
    const auto waited =
        std::chrono::duration_cast<std::chrono::seconds>(last_report - started).count();
    context.report_progress("codex is " + phase + " (" + std::to_string(waited) + " s)");
  }
  const bool finished = !session->turn_running();
  Json execution = {
      {"waitRequested", true},
      {"waitedMs",
       std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()},
      {"fellBackToPolling", !finished}};
  if (!finished) {
    execution["reason"] = session->open_actions() == 0 ? "timeout" : "needs_caller";
  }
  co_return execution;
}

/// Own the session for as long as its start (or reply) runs, whoever waits for it.
asio::awaitable<void> start(std::shared_ptr<Session> session, StartRequest request) {
  co_await session->start(std::move(request));
}

asio::awaitable<void> reply(std::shared_ptr<Session> session, ReplyRequest request) {
  co_await session->reply(std::move(request));
}

asio::awaitable<Json> answer_after_turn_start(std::shared_ptr<Session> session,
                                              std::optional<std::int64_t> wait_ms,
                                              mcp::ToolCallContext& context) {
  Json execution = {{"waitRequested", false}, {"fellBackToPolling", false}};
  if (wait_ms && *wait_ms > 0) execution = co_await wait_for_result(session, *wait_ms, context);
  Json out = session_summary(*session);
  out["execution"] = execution;
  session->flush_journal();
  if (!session->turn_running()) {
    const auto result = session->result_json();
    if (!result.is_null()) {
      out["result"] = result;
      out["completedAt"] = result["completedAt"];
    }
  }
  co_return out;
}

/// A setting the session's codex release does not take (on-failure after 0.140), refused
/// before anything starts.
asio::awaitable<void> refuse_unsupported_settings(session::SessionManager& manager,
                                                  std::optional<std::string> approval_policy) {
  if (!approval_policy) co_return;
  const auto release = co_await manager.codex_release();
  if (const auto why = codex::approval_policy_refusal(release, *approval_policy)) {
    throw mcp::ToolError("INVALID_ARGUMENT", *why);
  }
}

}  // namespace

asio::awaitable<Json> start_session(session::SessionManager& manager, Json arguments,
                                    mcp::ToolCallContext& context) {
  auto request = decode_start(arguments);
  const auto wait_ms = request.turn.wait_for_result_ms;
  co_await refuse_unsupported_settings(manager, request.turn.approval_policy);
  auto session = co_await manager.create();
  // A caller that gives up (notifications/cancelled) ends only its own wait: the start
  // goes on, so the session reaches running (or error) instead of staying `starting`,
  // and codex_session list finds it.
  co_await util::await_detached(manager.executor(), start(session, std::move(request)));
  co_return co_await answer_after_turn_start(session, wait_ms, context);
}

asio::awaitable<Json> reply_session(session::SessionManager& manager, Json arguments,
                                    mcp::ToolCallContext& context) {
  auto request = decode_reply(arguments);
  manager.ensure_accepting_work();
  co_await refuse_unsupported_settings(manager, request.turn.approval_policy);
  auto session = manager.find(request.session_id);
  const auto wait_ms = request.turn.wait_for_result_ms;
  // As for a start: a resume and turn/start are not to be cut off halfway by the caller.
  co_await util::await_detached(manager.executor(), reply(session, std::move(request)));
  co_return co_await answer_after_turn_start(session, wait_ms, context);
}

asio::awaitable<Json> manage_sessions(session::SessionManager& manager, Json arguments,
                                      mcp::ToolCallContext&) {
  const auto request = decode_session(arguments);
  if (request.action == "list") {
    Json sessions = Json::array();
    for (const auto& listed : manager.list()) {
      sessions.push_back(Session::info_from_meta(listed.meta, false));
    }
    co_return Json{{"sessions", std::move(sessions)}};
  }
  if (request.action == "clean") {
    const auto statuses = request.statuses.empty()
                              ? std::vector<std::string>(std::begin(choices::kCleanableStatuses),
                                                         std::end(choices::kCleanableStatuses))
                              : request.statuses;
    Json matched = Json::array(), removed = Json::array();
    std::size_t disk_removed = 0;
    const auto now = session::now_ms();
    for (const auto& listed : manager.list()) {
      const auto status = listed.meta.value("status", std::string());
      const auto updated = listed.meta.value("updatedAt", std::int64_t{0});
      if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) continue;
      if (request.older_than_ms && now - updated < *request.older_than_ms) continue;
      matched.push_back(listed.id);
      if (request.dry_run) continue;
      // Only on disk and told to leave the disk alone: nothing to remove.
      if (!listed.session && !request.include_disk) continue;
      if (listed.session) {
        const std::string reason = "cleaned";
        co_await listed.session->cancel(reason);
      }
      disk_removed += manager.remove(listed.id, request.include_disk) ? 1 : 0;
      removed.push_back(listed.id);
    }
    co_return Json{{"matchedSessionIds", matched},
                   {"removedSessionIds", removed},
                   {"removedCount", removed.size()},
                   {"diskSessionsRemoved", disk_removed},
                   {"dryRun", request.dry_run}};
  }
  auto session = manager.find(*request.session_id);
  if (request.action == "get") co_return session->info_json(request.include_sensitive);
  if (request.action == "cancel") {
    const bool already = session->status() == Status::cancelled;
    const std::string reason = "cancelled by the caller";
    co_await session->cancel(reason);
    co_return Json{{"success", true},
                   {"message", already ? "session " + session->id() + " was already cancelled"
                                       : "session " + session->id() +
                                             " cancelled; its codex process is stopped"}};
  }
  if (request.action == "interrupt") {
    co_await session->interrupt();
    co_return Json{
        {"success", true},
        {"message", "interrupt sent; the turn ends with status interrupted (poll to see it)"}};
  }
  if (request.action == "fork") {
    if (session->thread_id().empty()) {
      throw mcp::ToolError("SESSION_NOT_RUNNING",
                           "session " + session->id() + " has no thread to fork");
    }
    if (session->exec_mode()) {
      throw mcp::ToolError("EXEC_NOT_SUPPORTED", "fork is not available in exec mode (codex exec)");
    }
    manager.ensure_accepting_work();
    auto fork = co_await manager.create();
    co_await fork->start_fork(*session);
    co_return Json{{"sessionId", fork->id()},
                   {"threadId", fork->thread_id()},
                   {"status", session::to_string(fork->status())},
                   {"pollInterval", kPollIntervalMs},
                   {"forkedFrom", session->id()}};
  }
  // clean_background_terminals
  co_await session->clean_background_terminals();
  co_return Json{{"success", true},
                 {"message", "background terminals of session " + session->id() + " cleaned"}};
}

asio::awaitable<Json> check_session(session::SessionManager& manager, Json arguments,
                                    mcp::ToolCallContext&) {
  const auto request = decode_check(arguments);
  auto session = manager.find(request.session_id);
  std::int64_t max_events = 1;
  if (request.action == "respond_permission") {
    session->respond_permission(request);
    max_events = request.max_events.value_or(0);
  } else if (request.action == "respond_user_input") {
    session->respond_user_input(request);
    max_events = request.max_events.value_or(0);
  } else {
    max_events = std::max<std::int64_t>(1, request.max_events.value_or(1));
  }
  auto cursor = request.cursor.value_or(session->consumed_cursor());
  if (request.action != "poll" && request.cursor) {
    cursor = std::max(cursor, session->consumed_cursor());  // respond_*: monotonic
  }
  if (request.action == "poll" && request.poll.wait_ms > 0 &&
      cursor >= session->events().next_id() && session->turn_running()) {
    co_await session->wait_for_change(Clock::now() +
                                      std::chrono::milliseconds(request.poll.wait_ms));
  }
  Json out = session_summary(*session);
  if (max_events == 0) {
    out["events"] = Json::array();
    out["nextCursor"] = cursor;
  } else {
    // finalOnly shows no events and moves past all of them; skipDeltas moves past the
    // deltas it hides, so maxEvents counts only the events shown.
    const auto limit = request.poll.final_only ? std::numeric_limits<std::size_t>::max()
                                               : static_cast<std::size_t>(max_events);
    const auto counts = request.poll.skip_deltas
                            ? +[](const session::Event& e) { return !session::is_delta(e); }
                            : nullptr;
    const auto slice = session->events().read(cursor, limit, counts);
    const auto view = session::render_events(slice, {.response_mode = request.response_mode,
                                                     .include_events = request.poll.include_events,
                                                     .skip_deltas = request.poll.skip_deltas,
                                                     .final_only = request.poll.final_only,
                                                     .max_bytes = request.poll.max_bytes});
    out["events"] = view.events;
    out["nextCursor"] = view.next_cursor;
    if (slice.reset_to) out["cursorResetTo"] = *slice.reset_to;
  }
  if (request.poll.include_actions) {
    auto actions = session->actions_json();
    if (!actions.empty()) out["actions"] = std::move(actions);
  }
  if (request.poll.include_result && !session->turn_running()) {
    const auto result = session->result_json();
    if (!result.is_null()) out["result"] = result;
  }
  if (request.poll.max_bytes) session::enforce_max_bytes(out, *request.poll.max_bytes);
  session->set_consumed_cursor(out["nextCursor"].get<std::int64_t>());
  session->flush_journal();  // what a caller was shown survives a crash of ours
  co_return out;
}

}  // namespace codex_mcp::tools
