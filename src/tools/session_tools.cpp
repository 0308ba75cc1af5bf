// Handlers of codex, codex_reply, codex_session and codex_check: decode, act on the
// session manager, shape the answer (tools/reply), waiting when asked (tools/waiting).
#include "codex_mcp/tools/session_tools.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <limits>

#include "codex_mcp/codex/release.hpp"
#include "codex_mcp/session/poll_view.hpp"
#include "codex_mcp/tools/choices.hpp"
#include "codex_mcp/tools/error_codes.hpp"
#include "codex_mcp/tools/reply.hpp"
#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/tools/waiting.hpp"
#include "codex_mcp/util/await_detached.hpp"

namespace asio = boost::asio;

namespace codex_mcp::tools {

using session::Session;
using session::Status;

namespace {

constexpr std::int64_t kPollIntervalMs = 2000;

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

bool result_cut(const Reply& reply) {
  const auto fields = reply.find("truncatedFields");
  if (fields == reply.end()) return false;
  return std::any_of(fields->begin(), fields->end(), [](const Reply& field) {
    return field.get_ref<const std::string&>().starts_with("result/");
  });
}

/// `out` as the caller gets it: in reading order, within the cap. A result that went out
/// whole is the caller's now: a later default poll does not repeat it.
Reply finish_reply(Session& session, const Json& out, std::optional<std::int64_t> max_bytes) {
  auto reply = in_reading_order(out);
  fit_reply(reply, max_bytes.value_or(kDefaultMaxBytes));
  if (reply.contains("result") && !result_cut(reply)) session.mark_result_delivered();
  return reply;
}

// (Built outside the coroutines: GCC 12 warns about a coroutine frame holding them.)
Json failed_removal(const std::string& id, const std::string& error) {
  return {{"sessionId", id}, {"error", error}};
}

Json clean_answer(Json matched, Json removed, Json failed, std::size_t disk_removed, bool dry_run) {
  Json out = {{"matchedSessionIds", std::move(matched)},
              {"removedCount", removed.size()},
              {"removedSessionIds", std::move(removed)},
              {"diskSessionsRemoved", disk_removed},
              {"dryRun", dry_run}};
  // Only when a deletion failed: those sessions are kept, as they were.
  if (!failed.empty()) out["failedSessions"] = std::move(failed);
  return out;
}

/// Own the session for as long as its start (or reply) runs, whoever waits for it.
asio::awaitable<void> start(std::shared_ptr<Session> session, session::StartSpec spec) {
  co_await session->start(std::move(spec));
}

asio::awaitable<void> reply(std::shared_ptr<Session> session, ReplyRequest request) {
  auto turn = to_session(request.turn);  // (named: GCC 12 mishandles temporaries in co_await)
  co_await session->reply(std::move(request.prompt), std::move(turn));
}

/// The answer of codex and codex_reply: with waitForResult, after the turn ends, the caller
/// is needed, or the wait is over; the actions waiting for the caller and the result when
/// there is one come with it, so the caller needs no poll to see them.
asio::awaitable<Reply> answer_after_turn_start(std::shared_ptr<Session> session, TurnSettings turn,
                                               mcp::ToolCallContext& context) {
  Json execution = {{"waitRequested", false}, {"fellBackToPolling", false}};
  if (turn.wait_for_result_ms && *turn.wait_for_result_ms > 0) {
    const auto waited = co_await wait_for_caller(
        session, std::chrono::milliseconds(*turn.wait_for_result_ms), {}, context);
    const bool finished = !session->turn_running();
    execution = {
        {"waitRequested", true}, {"waitedMs", waited.waited_ms}, {"fellBackToPolling", !finished}};
    if (!finished) {
      execution["reason"] = session->open_actions() == 0 ? "timeout" : "needs_caller";
    }
  }
  Json out = session_summary(*session);
  out["execution"] = execution;
  if (auto actions = session->actions_json(); !actions.empty()) out["actions"] = actions;
  session->flush_journal();
  if (!session->turn_running()) {
    auto result = session->result_json();
    if (!result.is_null()) {
      // Said once, where the contract puts it for these tools.
      out["completedAt"] = result["completedAt"];
      result.erase("completedAt");
      out["result"] = std::move(result);
    }
  }
  co_return finish_reply(*session, out, turn.max_bytes);
}

bool shown_unless_delta(const session::Event& event) {
  return !session::is_delta(event);
}

/// A setting the session's codex release does not take (on-failure after 0.140), refused
/// before anything starts.
asio::awaitable<void> refuse_unsupported_settings(session::SessionManager& manager,
                                                  std::optional<std::string> approval_policy) {
  if (!approval_policy) co_return;
  const auto release = co_await manager.codex_release();
  if (const auto why = codex::approval_policy_refusal(release, *approval_policy)) {
    throw session::SessionError(session::ErrorKind::invalid, *why);
  }
}

}  // namespace

asio::awaitable<Reply> start_session(session::SessionManager& manager, Json arguments,
                                     mcp::ToolCallContext& context, SessionWatcher watch) {
  auto request = decode_start(arguments);
  const auto turn = request.turn;
  co_await refuse_unsupported_settings(manager, request.turn.approval_policy);
  auto session = co_await manager.create();
  if (watch) watch(session);
  // A caller that gives up (notifications/cancelled) ends only its own wait: the start
  // goes on, so the session reaches running (or error) instead of staying `starting`,
  // and codex_session list finds it.
  auto spec = to_session(request);  // (named: GCC 12 mishandles temporaries in co_await)
  co_await util::await_detached(manager.executor(), start(session, std::move(spec)));
  co_return co_await answer_after_turn_start(session, turn, context);
}

asio::awaitable<Reply> reply_session(session::SessionManager& manager, Json arguments,
                                     mcp::ToolCallContext& context, SessionWatcher watch) {
  auto request = decode_reply(arguments);
  manager.ensure_accepting_work();
  co_await refuse_unsupported_settings(manager, request.turn.approval_policy);
  auto session = manager.find(request.session_id);
  if (watch) watch(session);
  const auto turn = request.turn;
  // As for a start: a resume and turn/start are not to be cut off halfway by the caller.
  co_await util::await_detached(manager.executor(), reply(session, std::move(request)));
  co_return co_await answer_after_turn_start(session, turn, context);
}

namespace {

asio::awaitable<std::shared_ptr<Session>> start_turn_of(session::SessionManager& manager,
                                                        std::string tool, Json arguments) {
  if (tool == "codex") {
    auto request = decode_start(arguments);
    co_await refuse_unsupported_settings(manager, request.turn.approval_policy);
    auto session = co_await manager.create();
    auto spec = to_session(request);  // (named: GCC 12 mishandles temporaries in co_await)
    co_await util::await_detached(manager.executor(), start(session, std::move(spec)));
    co_return session;
  }
  auto request = decode_reply(arguments);
  manager.ensure_accepting_work();
  co_await refuse_unsupported_settings(manager, request.turn.approval_policy);
  auto session = manager.find(request.session_id);
  co_await util::await_detached(manager.executor(), reply(session, std::move(request)));
  co_return session;
}

}  // namespace

asio::awaitable<std::shared_ptr<Session>> start_turn(session::SessionManager& manager,
                                                     std::string tool, Json arguments) {
  // The tools' errors, as the tools give them.
  return with_contract_errors(start_turn_of(manager, std::move(tool), std::move(arguments)));
}

Reply finished_turn_reply(const Session& session) {
  Json out = session_summary(session);
  if (!session.turn_running()) {
    auto result = session.result_json();
    if (!result.is_null()) {
      out["completedAt"] = result["completedAt"];
      result.erase("completedAt");
      out["result"] = std::move(result);
    }
  }
  // Not marked delivered: the task keeps it, and the caller may not have seen it (a
  // codex_check poll still shows it).
  auto reply = in_reading_order(out);
  fit_reply(reply, kDefaultMaxBytes);
  return reply;
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
    Json matched = Json::array(), removed = Json::array(), failed = Json::array();
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
      const auto outcome = manager.remove(listed.id, request.include_disk);
      if (!outcome.removed) {
        failed.push_back(failed_removal(listed.id, outcome.error));
        continue;
      }
      disk_removed += outcome.files_deleted ? 1 : 0;
      removed.push_back(listed.id);
    }
    // Copied, not moved: clang-analyzer 14 misreads moves in a co_return as use-after-move.
    co_return clean_answer(matched, removed, failed, disk_removed, request.dry_run);
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
      throw session::SessionError(session::ErrorKind::not_running,
                                  "session " + session->id() + " has no thread to fork");
    }
    if (session->exec_mode()) {
      throw session::SessionError(session::ErrorKind::unsupported,
                                  "fork is not available in exec mode (codex exec)");
    }
    manager.ensure_accepting_work();
    auto fork = co_await manager.create();
    co_await fork->start_fork(session);
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

asio::awaitable<Reply> check_session(session::SessionManager& manager, Json arguments,
                                     mcp::ToolCallContext& context) {
  const auto request = decode_check(arguments);
  auto session = manager.find(request.session_id);
  std::int64_t max_events = 1;
  if (request.action == "respond_permission") {
    session->respond_permission({.request_id = *request.request_id,
                                 .decision = *request.decision,
                                 .execpolicy_amendment = request.execpolicy_amendment,
                                 .network_policy_amendment = request.network_policy_amendment,
                                 .deny_message = request.deny_message});
    max_events = request.max_events.value_or(0);
  } else if (request.action == "respond_user_input") {
    session->respond_user_input({.request_id = *request.request_id, .answers = *request.answers});
    max_events = request.max_events.value_or(0);
  } else {
    max_events = std::max<std::int64_t>(1, request.max_events.value_or(1));
  }
  auto cursor = request.cursor.value_or(session->consumed_cursor());
  if (request.action != "poll" && request.cursor) {
    cursor = std::max(cursor, session->consumed_cursor());  // respond_*: monotonic
  }
  const bool shows_events =
      max_events > 0 && request.poll.include_events && !request.poll.final_only;
  if (request.poll.wait_ms > 0) {
    // A long-poll (after an answer too) returns once there is something the caller will
    // see: hidden deltas neither end it nor count.
    WaitUntil until{.actions_from = request.poll.include_actions
                                        ? std::optional<std::int64_t>(cursor)
                                        : std::nullopt};
    if (shows_events) {
      until.events_from = cursor;
      if (request.poll.skip_deltas) until.shown = shown_unless_delta;
    }
    co_await wait_for_caller(session, std::chrono::milliseconds(request.poll.wait_ms), until,
                             context);
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
    const auto slice = session->events().read(
        cursor, limit, request.poll.skip_deltas ? shown_unless_delta : nullptr);
    const auto view = session::render_events(slice, {.response_mode = request.response_mode,
                                                     .include_events = request.poll.include_events,
                                                     .skip_deltas = request.poll.skip_deltas,
                                                     .final_only = request.poll.final_only});
    out["events"] = view.events;
    out["nextCursor"] = view.next_cursor;
    if (slice.reset_to) out["cursorResetTo"] = *slice.reset_to;
  }
  if (request.poll.include_actions) {
    auto actions = session->actions_json();
    if (!actions.empty()) out["actions"] = std::move(actions);
  }
  if (request.poll.include_result.value_or(true) && !session->turn_running()) {
    const auto result = session->result_json();
    // A default poll does not repeat a result the caller was given whole: it links it.
    const bool repeat = request.poll.include_result || request.poll.final_only ||
                        request.response_mode != "minimal" || !session->result_delivered();
    if (!result.is_null() && repeat) out["result"] = result;
    if (!result.is_null() && !repeat) out["resultUri"] = result_uri(session->id());
  }
  auto reply = finish_reply(*session, out, request.poll.max_bytes);
  session->set_consumed_cursor(reply["nextCursor"].get<std::int64_t>());
  session->flush_journal();  // what a caller was shown survives a crash of ours
  co_return reply;
}

}  // namespace codex_mcp::tools
