#include "codex_mcp/tools/tasks.hpp"

#include <array>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "codex_mcp/mcp/server.hpp"
#include "codex_mcp/tools/approval_form.hpp"
#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/tools/session_tools.hpp"
#include "codex_mcp/tools/waiting.hpp"
#include "codex_mcp/util/await_detached.hpp"

namespace asio = boost::asio;

namespace codex_mcp::tools {

using session::Session;
using session::Status;
using store::TaskRecord;

namespace {

constexpr const char* kSessionMetaKey = "codex-mcp/sessionId";
constexpr const char* kTurnMetaKey = "codex-mcp/turnId";

/// 128 random bits as 32 hex digits: unguessable, and a valid file name.
std::string new_task_id() {
  static std::random_device device;
  std::string id;
  for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", device());
  return id;
}

std::int64_t expiry_of(const TaskRecord& record) {
  return record.created_ms + record.ttl_ms;
}

/// The session's last result belongs to the record's turn.
bool result_is_the_turns(const TaskRecord& record, const Json& result) {
  if (!result.is_object()) return false;
  if (!record.turn_id.empty()) return result.value("turnId", std::string()) == record.turn_id;
  // The turn ended before codex named it to us: any result since the task began is its.
  return result.value("completedAt", std::int64_t{0}) >= record.created_ms;
}

std::string session_note(const TaskRecord& record) {
  return " (codex session " + record.session_id + ")";
}

}  // namespace

SessionTasks::SessionTasks(session::SessionManager& sessions, TaskOptions options)
    : sessions_(sessions), person_(options.person), ttl_(options.ttl) {}

void SessionTasks::load() {
  if (!sessions_.state().writable()) return;
  std::vector<std::string> warnings;
  auto records = store::load_tasks(sessions_.state().sessions_path(), warnings);
  for (const auto& warning : warnings) spdlog::warn("{}", warning);
  const auto now = session::now_ms();
  for (auto& record : records) {
    if (now > expiry_of(record)) {
      store::remove_task(sessions_.state().sessions_path(), record);
      continue;
    }
    auto id = record.task_id;
    tasks_.emplace(std::move(id), std::move(record));
  }
  if (!tasks_.empty()) spdlog::info("{} task(s) restored from the state directory", tasks_.size());
}

bool SessionTasks::runs_as_task(const std::string& tool) const {
  return tool == "codex" || tool == "codex_reply";
}

asio::awaitable<std::pair<std::string, mcp::TaskView>> SessionTasks::start(std::string tool,
                                                                           Json arguments) {
  const auto created = session::now_ms();
  auto session = co_await start_turn(sessions_, tool, std::move(arguments));
  TaskRecord record;
  record.task_id = new_task_id();
  record.session_id = session->id();
  record.tool = tool;
  record.created_ms = created;
  record.updated_ms = session::now_ms();
  record.ttl_ms = ttl_.count();
  record.status_message = "started" + session_note(record);
  const auto id = record.task_id;
  auto& stored = tasks_.emplace(id, std::move(record)).first->second;
  save(stored);
  refresh(stored, *session);  // a quick turn may be over already
  if (!stored.terminal()) {
    util::spawn_detached(sessions_.executor(), shared_from_this(), watch(id, session),
                         "task " + id);
  }
  co_return std::pair{id, view_of(stored, *session, false)};
}

TaskRecord* SessionTasks::find(const std::string& task_id) {
  const auto it = tasks_.find(task_id);
  if (it == tasks_.end()) return nullptr;
  if (session::now_ms() > expiry_of(it->second)) {
    if (sessions_.state().writable()) {
      store::remove_task(sessions_.state().sessions_path(), it->second);
    }
    answered_.erase(task_id);
    tasks_.erase(it);
    return nullptr;
  }
  return &it->second;
}

std::shared_ptr<Session> SessionTasks::session_of(const TaskRecord& record) {
  try {
    return sessions_.find(record.session_id);
  } catch (const session::SessionError&) {
    return nullptr;  // removed or pruned: its tasks went with it
  }
}

Json SessionTasks::turn_actions(const TaskRecord& record, const Session& session) {
  Json actions = Json::array();
  for (auto& action : session.actions_json()) {
    const auto turn = action.value("turnId", std::string());
    if (turn.empty() || record.turn_id.empty() || turn == record.turn_id) {
      actions.push_back(std::move(action));
    }
  }
  return actions;
}

void SessionTasks::refresh(TaskRecord& record, Session& session) {
  if (record.terminal()) return;
  const auto& current_turn = session.tracker().turn_id();
  const bool same_turn =
      record.turn_id.empty() || current_turn.empty() || current_turn == record.turn_id;
  if (session.turn_running() && same_turn) {
    if (record.turn_id.empty() && !current_turn.empty()) {
      record.turn_id = current_turn;
      save(record);
    }
    return;
  }
  // The task's turn is over (or the session moved on): its status is final now.
  const auto result = session.result_json();
  const bool ours = result_is_the_turns(record, result);
  const bool interrupted = ours && result.value("status", std::string()) == "interrupted";
  if ((record.cancel_requested && (!ours || interrupted)) ||
      (session.status() == Status::cancelled && !ours)) {
    record.status = "cancelled";
    record.status_message = "cancelled" + session_note(record);
  } else if (ours) {
    record.status = "completed";
    record.status_message =
        "turn " + result.value("status", std::string("completed")) + session_note(record);
    record.result = Json::parse(mcp::make_tool_result(finished_turn_reply(session)));
  } else {
    // Not the turn's own outcome: the session failed around it (its codex process died,
    // a start or resume error). A JSON-RPC-level failure of the task.
    auto message = session.meta_json().value("lastError", std::string());
    if (message.empty()) message = "the turn ended without a result";
    record.status = "failed";
    record.status_message = message + session_note(record);
    record.error = {{"code", jsonrpc::code::kInternalError}, {"message", message}};
  }
  record.updated_ms = session::now_ms();
  answered_.erase(record.task_id);
  save(record);
}

void SessionTasks::save(const TaskRecord& record) {
  if (!sessions_.state().writable()) return;
  try {
    store::save_task(sessions_.state().sessions_path(), record);
  } catch (const std::exception& e) {
    spdlog::warn("task {}: not saved: {}", record.task_id, e.what());
  }
}

std::optional<mcp::TaskView> SessionTasks::get(const std::string& task_id, bool person_can_answer) {
  auto* record = find(task_id);
  if (record == nullptr) return std::nullopt;
  const auto session = session_of(*record);
  if (!session) {
    answered_.erase(task_id);
    tasks_.erase(task_id);
    return std::nullopt;
  }
  return view_of(*record, *session, person_can_answer);
}

mcp::TaskView SessionTasks::view_of(TaskRecord& record, Session& session, bool person_can_answer) {
  refresh(record, session);
  mcp::TaskView view;
  view.status = record.status;
  view.status_message = record.status_message;
  view.created_ms = record.created_ms;
  view.updated_ms = record.updated_ms;
  view.ttl_ms = record.ttl_ms;
  view.poll_interval_ms = kPollIntervalMs;
  view.meta = {{kSessionMetaKey, record.session_id}};
  if (!record.turn_id.empty()) view.meta[kTurnMetaKey] = record.turn_id;
  if (record.terminal()) {
    if (record.status == "completed") view.result = record.result.dump();
    view.error = record.error;
    return view;
  }
  view.updated_ms = std::max(record.updated_ms, session.updated_ms());
  view.status_message = progress_message(session) + session_note(record);
  const auto actions = turn_actions(record, session);
  if (actions.empty()) return view;
  if (!person_ || !person_can_answer) {
    // The caller answers: the model reads this in the task panel / its next poll.
    view.status_message +=
        "; answer with codex_check respond_permission / respond_user_input "
        "(sessionId " +
        record.session_id + ", requestId " + actions[0].value("requestId", std::string()) + ")";
    return view;
  }
  auto& answered = answered_[record.task_id];
  Json requests = Json::object();
  for (const auto& action : actions) {
    const auto key = action.value("requestId", std::string());
    if (key.empty() || answered.contains(key)) continue;
    // Shown to a person from now on: the approval timeout no longer runs for it.
    session.hold_for_person(key);
    requests[key] = {{"method", "elicitation/create"}, {"params", approval_form(action)}};
  }
  if (requests.empty()) return view;
  view.status = "input_required";
  view.input_requests = std::move(requests);
  return view;
}

bool SessionTasks::update(const std::string& task_id, const Json& input_responses) {
  auto* record = find(task_id);
  if (record == nullptr) return false;
  const auto session = session_of(*record);
  if (!session) return false;
  if (record->terminal()) return true;  // nothing waits any more: the answers are moot
  auto& answered = answered_[task_id];
  const auto actions = turn_actions(*record, *session);
  for (const auto& item : input_responses.items()) {
    // (Not a structured binding: clang 14 cannot capture one in the lambda below.)
    const auto& key = item.key();
    const auto& response = item.value();
    if (answered.contains(key)) continue;  // applied once; a repeat is ignored
    const auto action = std::find_if(actions.begin(), actions.end(), [&key](const Json& candidate) {
      return candidate.value("requestId", std::string()) == key;
    });
    if (action == actions.end()) continue;  // unknown, or answered through codex_check
    const auto answer = read_person_answer(*action, response);
    if (!answer) continue;  // declined or invalid: stays pending for the caller
    try {
      if (answer->decision) {
        session->respond_permission(
            {.request_id = key, .decision = *answer->decision, .answered_by = "person"});
      } else if (answer->answers) {
        session->respond_user_input(
            {.request_id = key, .answers = *answer->answers, .answered_by = "person"});
      }
      answered.insert(key);
    } catch (const session::SessionError& e) {
      spdlog::info("task {}: answer to {} not applied: {}", task_id, key, e.what());
    }
  }
  return true;
}

bool SessionTasks::cancel(const std::string& task_id) {
  auto* record = find(task_id);
  if (record == nullptr) return false;
  const auto session = session_of(*record);
  if (!session) return false;
  // Idempotent: Claude Code sends tasks/cancel twice in the same millisecond.
  if (record->terminal() || record->cancel_requested) return true;
  record->cancel_requested = true;
  save(*record);
  if (!session->turn_running()) {
    refresh(*record, *session);
    return true;
  }
  // The ack goes out now; the turn ends as codex confirms the interrupt (then the task is
  // cancelled). A turn that is already ending makes interrupt fail: nothing to do then.
  const auto interrupt = [](std::shared_ptr<Session> target) -> asio::awaitable<void> {
    try {
      co_await target->interrupt();
    } catch (const std::exception& e) {
      spdlog::info("session {}: interrupt for tasks/cancel: {}", target->id(), e.what());
    }
  };
  util::spawn_detached(sessions_.executor(), session, interrupt(session),
                       "tasks/cancel of " + task_id);
  return true;
}

asio::awaitable<void> SessionTasks::watch(std::string task_id, std::shared_ptr<Session> session) {
  for (;;) {
    const auto it = tasks_.find(task_id);
    if (it == tasks_.end()) co_return;
    refresh(it->second, *session);
    if (it->second.terminal()) co_return;
    co_await session->wait_for_change(std::chrono::steady_clock::now() + std::chrono::minutes(1));
  }
}

}  // namespace codex_mcp::tools
