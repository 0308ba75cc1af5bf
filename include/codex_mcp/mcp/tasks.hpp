// The MCP Tasks extension (io.modelcontextprotocol/tasks, 2026-07-28): the protocol side.
//
// A modern tools/call whose own envelope declares the extension may be answered with a
// task instead of a result; the client then polls tasks/get, answers input requests with
// tasks/update and stops the task with tasks/cancel. What a task is, and which tools run as
// tasks, is up to a TaskSource (tools/tasks: a turn of a codex session); this layer only
// speaks the wire: the task object, its status values, the error codes. Nothing here knows
// about codex. Threading: the loop's executor only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/mcp/envelope.hpp"

namespace codex_mcp::mcp {

inline constexpr std::string_view kTasksExtension = "io.modelcontextprotocol/tasks";
/// MissingRequiredClientCapability (2026-07-28).
inline constexpr int kMissingRequiredClientCapability = -32021;

/// The request's own envelope declares the tasks extension.
bool declares_tasks(const RequestEnvelope& envelope);
/// The request's own envelope declares form-mode elicitation (`elicitation: {}` counts).
bool declares_form_elicitation(const RequestEnvelope& envelope);

/// A task as its source sees it now.
struct TaskView {
  std::string status;  ///< working | input_required | completed | failed | cancelled
  std::string status_message;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::optional<std::int64_t> ttl_ms;  ///< nullopt: unlimited
  std::int64_t poll_interval_ms = 1000;
  Json meta = Json::object();            ///< the task's own _meta
  Json input_requests = Json::object();  ///< input_required: key -> {method, params}
  std::string result;                    ///< completed: the CallToolResult, as JSON text
  Json error;                            ///< failed: {code, message}
};

/// What runs as tasks. Every call is on the loop's executor.
class TaskSource {
 public:
  virtual ~TaskSource() = default;
  /// Whether `tool` runs as a task when the request declares the extension.
  virtual bool runs_as_task(const std::string& tool) const = 0;
  /// Starts `tool` as a task; returns its id and state once get() resolves it. A failure
  /// to start throws as a tool handler does (ToolError and the like).
  virtual boost::asio::awaitable<std::pair<std::string, TaskView>> start(std::string tool,
                                                                         Json arguments) = 0;
  /// The task now; nullopt when unknown or expired. `person_can_answer`: the polling
  /// request can take input requests (it declares form elicitation).
  virtual std::optional<TaskView> get(const std::string& task_id, bool person_can_answer) = 0;
  /// Applies `input_responses` (key -> elicitation result), each at most once; unknown and
  /// answered keys are ignored. False when the task is unknown or expired.
  virtual bool update(const std::string& task_id, const Json& input_responses) = 0;
  /// Asks the task to stop (idempotent; it may end otherwise). False when unknown/expired.
  virtual bool cancel(const std::string& task_id) = 0;
};

/// The task object of the wire (tasks/get answer, without resultType and _meta).
Json task_json(const std::string& task_id, const TaskView& view);
/// `ms` since the epoch as ISO 8601 UTC with milliseconds ("2026-11-29T14:06:32.491Z").
std::string iso8601(std::int64_t ms);

}  // namespace codex_mcp::mcp
