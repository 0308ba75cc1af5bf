// Codex turns as MCP tasks (the tasks extension): the glue between mcp::TaskSource and the
// sessions.
//
// One task = one turn of one session. `codex` and `codex_reply` run as tasks when the
// request declares the extension: the session starts (or its next turn does) as the tools
// would, and the task follows that turn:
//   working         the turn runs (statusMessage: what codex does, from the session's
//                   progress); also while an approval waits and the caller answers approvals
//                   (--approvals caller: the message says to use codex_check)
//   input_required  the turn waits for approvals or questions and a person answers them
//                   (--approvals person|auto, and the polling request declares form
//                   elicitation): every pending action of the turn is an inputRequest keyed
//                   by its requestId, and is held for the person (Session::hold_for_person:
//                   no approval timeout while a dialog may be open)
//   completed       the turn ended: the result is the CallToolResult codex with
//                   waitForResult would give (a failed or interrupted turn too: it is the
//                   tool's outcome, and the model reads it)
//   failed          the session failed outside the turn's own outcome (its codex process
//                   died, a session error): error -32603 with the session's message
//   cancelled       tasks/cancel interrupted the turn, or the session was cancelled
// The session id is in the task's _meta and statusMessage: codex_check and codex_session
// keep working on it, and an answer given there counts (first answer wins).
//
// Records persist (store/task_records) when created and when their status changes; after a
// restart a task whose turn was lost is `completed` with the session's "restarted" result.
// Tasks expire ttlMs after their creation (--task-ttl-ms, at most the retention age), and
// go with their session. Threading: the loop's executor only.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "codex_mcp/mcp/tasks.hpp"
#include "codex_mcp/session/session_manager.hpp"
#include "codex_mcp/store/task_records.hpp"

namespace codex_mcp::tools {

using Json = nlohmann::json;

struct TaskOptions {
  bool person = true;  ///< approvals of tasks go to a person (--approvals person|auto)
  std::chrono::milliseconds ttl{std::chrono::hours(24 * 7)};  ///< from a task's creation
};

class SessionTasks : public mcp::TaskSource, public std::enable_shared_from_this<SessionTasks> {
 public:
  SessionTasks(session::SessionManager& sessions, TaskOptions options);

  /// Reads the records of the state directory (after SessionManager::start, which has
  /// recovered the sessions they follow).
  void load();

  bool runs_as_task(const std::string& tool) const override;
  boost::asio::awaitable<std::pair<std::string, mcp::TaskView>> start(std::string tool,
                                                                      Json arguments) override;
  std::optional<mcp::TaskView> get(const std::string& task_id, bool person_can_answer) override;
  bool update(const std::string& task_id, const Json& input_responses) override;
  bool cancel(const std::string& task_id) override;

  static constexpr std::int64_t kPollIntervalMs = 1000;

 private:
  /// The live record, or null when unknown, expired (then forgotten) or its session is gone.
  store::TaskRecord* find(const std::string& task_id);
  std::shared_ptr<session::Session> session_of(const store::TaskRecord& record);
  /// Brings a record whose turn was running up to date; saves it when that changed it.
  void refresh(store::TaskRecord& record, session::Session& session);
  void save(const store::TaskRecord& record);
  /// Refreshes the task on every change of its session until it is terminal, so its result
  /// is kept even when nobody polls before the session's next turn.
  boost::asio::awaitable<void> watch(std::string task_id,
                                     std::shared_ptr<session::Session> session);
  /// What tasks/get says of the record now.
  mcp::TaskView view_of(store::TaskRecord& record, session::Session& session,
                        bool person_can_answer);
  /// The pending actions of the task's turn.
  static Json turn_actions(const store::TaskRecord& record, const session::Session& session);

  session::SessionManager& sessions_;
  bool person_ = true;  ///< approvals of tasks go to a person (--approvals person|auto)
  std::chrono::milliseconds ttl_;
  std::map<std::string, store::TaskRecord> tasks_;
  /// Per task, the input keys already answered through tasks/update (each applies once).
  std::map<std::string, std::set<std::string>> answered_;
};

}  // namespace codex_mcp::tools
