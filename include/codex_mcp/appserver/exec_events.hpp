// `codex exec --json` events as app-server notifications, so a session reads both kinds of
// codex the same way. Pure (no I/O), unit-tested against lines codex 0.169 prints.
//
// exec prints one JSON object a line: thread.started {thread_id}, turn.started,
// item.started / item.updated / item.completed {item: {id, type: agent_message |
// reasoning | command_execution | file_change | mcp_tool_call | web_search | todo_list |
// error, ...snake_case fields}}, turn.completed {usage}, turn.failed {error}, error
// {message}. Items become app-server items (camelCase types, fields and statuses);
// exec's `error` items are warnings, not failures.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex_mcp::appserver {

struct ExecTranslation {
  std::string thread_id;   ///< set by thread.started
  bool turn_over = false;  ///< turn.completed or turn.failed arrived
  std::vector<std::pair<std::string, nlohmann::json>> notifications;  ///< method, params
};

/// The notifications one exec event stands for; `turn_id` names the turn (exec has none).
ExecTranslation translate_exec_event(const nlohmann::json& event, const std::string& turn_id);

/// `in_progress` → `inProgress`, `agent_message` → `agentMessage`.
std::string camel_case(const std::string& snake);

}  // namespace codex_mcp::appserver
