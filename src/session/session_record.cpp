// What a session looks like from outside: the views the tools return (result, progress,
// actions, list/get info) and the record persisted in meta.json, which restore() reads
// back after a restart. info_json() is a projection of meta_json(), so a session looks
// the same whether it is loaded or only on disk.
#include "codex_mcp/session/session.hpp"

#include <algorithm>

#include <unistd.h>

#include "codex_mcp/process/identity.hpp"
#include "codex_mcp/store/session_journal.hpp"
#include "codex_mcp/util/json_fields.hpp"

namespace codex_mcp::session {

namespace {

const char* const kPublicFields[] = {
    "sessionId",      "status",         "createdAt",      "updatedAt",   "model",
    "approvalPolicy", "sandbox",        "pendingActions", "lastEventId", "lastError",
    "forkedFrom",     "lastTurnStatus", "recovered"};
const char* const kSensitiveFields[] = {"threadId", "cwd", "profile", "config", "pid"};

}  // namespace

Json Session::result_json() const {
  return result_;
}

Json Session::progress_json() const {
  Json progress = {{"phase", status_ == Status::waiting_approval ? "waiting_approval"
                             : turn_running()                    ? tracker_.phase()
                                                                 : "finished"},
                   {"pendingActions", open_actions()},
                   {"lastMethod", tracker_.last_method()}};
  // While the turn runs: once it is over, the result's usage says it (each fact once).
  const auto& usage = tracker_.token_usage();
  if (turn_running() && usage.is_object() && usage.contains("total")) {
    progress["tokens"] = usage["total"];
  }
  return progress;
}

std::size_t Session::open_actions() const {
  std::size_t open = 0;
  for (const auto& [request_id, pending] : pending_) open += pending.answer ? 0 : 1;
  return open;
}

bool Session::open_action_since(std::int64_t cursor) const {
  return std::any_of(pending_.begin(), pending_.end(), [cursor](const auto& entry) {
    // One a person is being asked about waits for the person, not the caller.
    return !entry.second.answer && !entry.second.held && entry.second.event_id >= cursor;
  });
}

Json Session::action_json(const PendingAction& pending) const {
  // A held action has no deadline while a person is asked about it.
  Json action = {{"requestId", pending.request_id},
                 {"kind", to_string(pending.kind)},
                 {"createdAt", pending.created_ms},
                 {"expiresAt", pending.held ? Json() : Json(pending.expires_ms)}};
  if (pending.held) action["heldForPerson"] = true;
  action.update(pending.details);
  return action;
}

Json Session::actions_json() const {
  Json actions = Json::array();
  for (const auto& [request_id, pending] : pending_) {
    if (!pending.answer) actions.push_back(action_json(pending));
  }
  return actions;
}

std::string Session::interaction_state() const {
  if (open_actions() > 0) return "waiting_input";
  return turn_running() ? "working" : "finished";
}

std::string Session::recommended_next_action() const {
  // One held for a person is the person's to answer: the caller's move is to wait.
  for (const auto& [request_id, pending] : pending_) {
    if (!pending.answer && !pending.held) {
      return pending.kind == ActionKind::user_input ? "respond_user_input" : "respond_permission";
    }
  }
  return turn_running() ? "poll" : "none";
}

Json Session::meta_json() const {
  Json meta = {{"format", store::kSessionFormat},
               {"sessionId", id_},
               {"status", to_string(status_)},
               {"createdAt", created_ms_},
               {"updatedAt", updated_ms_},
               {"pendingActions", open_actions()},
               {"lastEventId", ring_.next_id() - 1},
               {"threadId", thread_id_},
               {"pid", has_child() ? channel_->pid() : -1},
               {"consumedCursor", consumed_cursor_}};
  settings_.write_to(meta);
  if (!last_error_.empty()) meta["lastError"] = last_error_;
  if (!forked_from_.empty()) meta["forkedFrom"] = forked_from_;
  if (result_.is_object()) meta["lastTurnStatus"] = result_.value("status", std::string());
  if (recovered_) meta["recovered"] = true;
  if (turn_running() && !tracker_.turn_id().empty()) meta["turnId"] = tracker_.turn_id();
  meta["child"] = has_child() ? channel_->identity() : Json(nullptr);
  static const auto server = process::identify(::getpid());  // this server, for its lifetime
  if (server) meta["server"] = process::to_json(*server);
  return meta;
}

Json Session::info_from_meta(const Json& meta, bool sensitive) {
  Json info = Json::object();
  for (const char* field : kPublicFields) {
    if (meta.contains(field)) info[field] = meta[field];
  }
  if (sensitive) {
    for (const char* field : kSensitiveFields) {
      if (meta.contains(field)) info[field] = meta[field];
    }
  }
  return info;
}

Json Session::info_json(bool sensitive) const {
  return info_from_meta(meta_json(), sensitive);
}

std::shared_ptr<Session> Session::restore(SessionServices services, const Json& meta,
                                          std::vector<Event> events, Json result,
                                          std::shared_ptr<store::SessionJournal> journal) {
  auto session =
      std::make_shared<Session>(std::move(services), meta["sessionId"].get<std::string>());
  Session& s = *session;
  s.status_ = status_from_string(meta["status"].get<std::string>()).value_or(Status::error);
  s.created_ms_ = meta["createdAt"].get<std::int64_t>();
  s.updated_ms_ = meta["updatedAt"].get<std::int64_t>();
  s.thread_id_ = util::string_field(meta, "threadId");
  const auto provider_home = s.settings_.codex_home;
  s.settings_ = SessionSettings::read_from(meta);
  if (s.settings_.codex_home.empty()) s.settings_.codex_home = provider_home;
  s.last_error_ = util::string_field(meta, "lastError");
  s.forked_from_ = util::string_field(meta, "forkedFrom");
  s.interrupted_turn_id_ = util::string_field(meta, "turnId");
  // meta.json is written as a turn starts, before codex names the turn: then its
  // turn/started event (after the last result) names the turn a crash interrupted.
  std::string started_turn;
  for (auto& event : events) {
    if (event.type == "result") started_turn.clear();
    if (event.type == "progress" && util::string_field(event.data, "method") == "turn/started") {
      started_turn = util::string_field(event.data, "turnId");
    }
    s.ring_.restore(std::move(event));
  }
  if (s.interrupted_turn_id_.empty()) s.interrupted_turn_id_ = started_turn;
  s.consumed_cursor_ = std::min(meta.value("consumedCursor", std::int64_t{0}), s.ring_.next_id());
  s.result_ = std::move(result);
  s.recovered_ = true;
  s.journal_ = std::move(journal);  // attached last: restoring writes nothing
  return session;
}

}  // namespace codex_mcp::session
