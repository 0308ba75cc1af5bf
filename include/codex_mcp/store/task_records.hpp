// Task records (MCP tasks extension) in the state directory, next to their session:
//   <dir>/sessions/<sessionId>/tasks/<taskId>.json
// One small JSON file per task, replaced atomically on every change of its status, so a
// restarted server still answers tasks/get for the tasks of its sessions. A task goes with
// its session: removing or pruning the session directory removes its tasks.
// Threading: plain functions, no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex_mcp::store {

struct TaskRecord {
  std::string task_id;     ///< 32 hex digits (128 random bits)
  std::string session_id;  ///< the session whose turn the task is
  std::string turn_id;     ///< that turn (empty until codex named it)
  std::string tool;        ///< codex | codex_reply
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t ttl_ms = 0;
  std::string status = "working";  ///< as last recorded; terminal ones never change
  std::string status_message;
  nlohmann::json result;  ///< completed: the CallToolResult
  nlohmann::json error;   ///< failed: {code, message}
  bool cancel_requested = false;

  bool terminal() const {
    return status == "completed" || status == "failed" || status == "cancelled";
  }
};

/// A well-formed task id (what we generate): 32 lowercase hex digits.
bool is_task_id(const std::string& text);

nlohmann::json to_json(const TaskRecord& record);
/// Nullopt when `json` is not a task record.
std::optional<TaskRecord> task_from_json(const nlohmann::json& json);

/// Writes the record atomically (creating the session's tasks/ directory); throws
/// std::system_error.
void save_task(const std::filesystem::path& sessions_dir, const TaskRecord& record);
/// Deletes the record (no error when it is already gone).
void remove_task(const std::filesystem::path& sessions_dir, const TaskRecord& record);
/// Every readable record under `sessions_dir`; what cannot be read is named in `warnings`.
std::vector<TaskRecord> load_tasks(const std::filesystem::path& sessions_dir,
                                   std::vector<std::string>& warnings);

}  // namespace codex_mcp::store
