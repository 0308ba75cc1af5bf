#include "codex_mcp/tools/schemas.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>

#include "codex_mcp/tools/choices.hpp"

namespace codex_mcp::tools {

// Raw JSON keeps each schema readable as the client will see it. Descriptions are short
// on purpose: clients put every byte of tools/list into the model's context. Enumerations
// are written `"enum": "@name"` and filled from choices.hpp, the list the decoders use.
namespace {

const std::pair<std::string_view, choices::List> kEnums[] = {
    {"approval_policies", choices::kApprovalPolicies},
    {"sandbox_modes", choices::kSandboxModes},
    {"reasoning_efforts", choices::kReasoningEfforts},
    {"reasoning_summaries", choices::kReasoningSummaries},
    {"personalities", choices::kPersonalities},
    {"session_actions", choices::kSessionActions},
    {"cleanable_statuses", choices::kCleanableStatuses},
    {"check_actions", choices::kCheckActions},
    {"response_modes", choices::kResponseModes},
    {"decisions", choices::kDecisions},
    {"network_policy_actions", choices::kNetworkPolicyActions},
};

void fill_enums(Json& node) {
  if (node.is_array()) {
    for (auto& item : node) fill_enums(item);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) {
    if (key != "enum" || !value.is_string()) {
      fill_enums(value);
      continue;
    }
    const auto name = value.get<std::string>();
    const auto* found = std::find_if(std::begin(kEnums), std::end(kEnums), [&](const auto& entry) {
      return "@" + std::string(entry.first) == name;
    });
    if (found == std::end(kEnums)) throw std::logic_error("schema names an unknown enum " + name);
    value = Json::array();
    for (const auto choice : found->second) value.push_back(std::string(choice));
  }
}

Json parse(const char* text) {
  auto schema = Json::parse(text);
  fill_enums(schema);
  return schema;
}

}  // namespace

Json codex_setup_descriptor() {
  return parse(R"json({
  "name": "codex_setup",
  "title": "Check Codex readiness",
  "description": "Check that Codex can run here: which codex executable is used and its version, login status, app-server support, the config.toml files visible from cwd, and the state directory. Returns warnings and next steps. Run once before the first session.",
  "inputSchema": {
    "type": "object",
    "properties": {
      "cwd": {"type": "string", "description": "Directory whose project config.toml files to look for. Default: server cwd."}
    },
    "additionalProperties": false
  },
  "annotations": {"title": "Check Codex readiness", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
})json");
}

Json codex_descriptor() {
  return parse(R"json({
  "name": "codex",
  "title": "Start a Codex session",
  "description": "Start a Codex coding agent in the background. Returns sessionId at once; then poll with codex_check (or pass advanced.waitForResult to wait for the result). Set approvalPolicy and sandbox no wider than your own permissions.",
  "inputSchema": {
    "type": "object",
    "properties": {
      "prompt": {"type": "string", "minLength": 1, "description": "Task or question for the agent."},
      "approvalPolicy": {"type": "string", "enum": "@approval_policies", "description": "When the agent must ask before acting: untrusted (all but safe reads), on-failure (codex 0.140 and older only: ask when a sandboxed command fails), on-request (when it wants to leave the sandbox), never."},
      "sandbox": {"type": "string", "enum": "@sandbox_modes", "description": "What commands may touch."},
      "effort": {"type": "string", "enum": "@reasoning_efforts", "description": "Reasoning effort; one the model does not take is refused with those it does. Default: low."},
      "cwd": {"type": "string", "description": "Working directory (a relative one is taken from the server's). Default: server cwd."},
      "model": {"type": "string", "description": "Model override. Default: from config.toml."},
      "profile": {"type": "string", "description": "config.toml profile name."},
      "advanced": {
        "type": "object",
        "description": "Rarely needed options.",
        "properties": {
          "baseInstructions": {"type": "string", "description": "Replace the default instructions."},
          "developerInstructions": {"type": "string", "description": "Extra developer instructions."},
          "personality": {"type": "string", "enum": "@personalities"},
          "summary": {"type": "string", "enum": "@reasoning_summaries", "description": "Reasoning summary."},
          "config": {"type": "object", "description": "config.toml overrides, key (dotted) to value."},
          "ephemeral": {"type": "boolean", "description": "Do not persist the thread. Default: false."},
          "outputSchema": {"type": "object", "description": "JSON Schema the final answer must follow; result.structuredOutput holds it."},
          "images": {"type": "array", "items": {"type": "string"}, "description": "Local image paths to attach."},
          "approvalTimeoutMs": {"type": "integer", "minimum": 1, "description": "Auto-decline pending approvals after this. Default: 60000."},
          "waitForResult": {"type": "integer", "minimum": 0, "maximum": 300000, "description": "Wait up to this many ms and return the result directly; falls back to polling hints."}
        },
        "additionalProperties": false
      }
    },
    "required": ["prompt", "approvalPolicy", "sandbox"],
    "additionalProperties": false
  },
  "annotations": {"title": "Start a Codex session", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": true}
})json");
}

Json codex_reply_descriptor() {
  return parse(R"json({
  "name": "codex_reply",
  "title": "Continue a Codex session",
  "description": "Send a follow-up prompt to an idle session: a new turn on the same thread, with its history. Fails with SESSION_BUSY while a turn runs. Overrides apply from this turn on.",
  "inputSchema": {
    "type": "object",
    "properties": {
      "sessionId": {"type": "string", "description": "From codex."},
      "prompt": {"type": "string", "minLength": 1, "description": "Follow-up message."},
      "model": {"type": "string"},
      "approvalPolicy": {"type": "string", "enum": "@approval_policies"},
      "effort": {"type": "string", "enum": "@reasoning_efforts"},
      "summary": {"type": "string", "enum": "@reasoning_summaries"},
      "personality": {"type": "string", "enum": "@personalities"},
      "sandbox": {"type": "string", "enum": "@sandbox_modes"},
      "cwd": {"type": "string"},
      "outputSchema": {"type": "object", "description": "JSON Schema for this turn's final answer."},
      "waitForResult": {"type": "integer", "minimum": 0, "maximum": 300000, "description": "Wait up to this many ms and return the result directly."}
    },
    "required": ["sessionId", "prompt"],
    "additionalProperties": false
  },
  "annotations": {"title": "Continue a Codex session", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": true}
})json");
}

Json codex_session_descriptor() {
  return parse(R"json({
  "name": "codex_session",
  "title": "Manage Codex sessions",
  "description": "list | get (includeSensitive adds cwd/config/threadId) | cancel (stop the agent) | interrupt (stop the current turn, keep the session) | fork (new session with this history) | clean (remove finished sessions) | clean_background_terminals.",
  "inputSchema": {
    "type": "object",
    "properties": {
      "action": {"type": "string", "enum": "@session_actions"},
      "sessionId": {"type": "string", "description": "Required for get, cancel, interrupt, fork, clean_background_terminals."},
      "includeSensitive": {"type": "boolean", "description": "get: include cwd, profile, config, threadId. Default: false."},
      "statuses": {"type": "array", "items": {"type": "string", "enum": "@cleanable_statuses"}, "description": "clean: statuses to remove. Default: all three."},
      "olderThanMs": {"type": "integer", "minimum": 0, "description": "clean: only sessions idle longer than this."},
      "dryRun": {"type": "boolean", "description": "clean: list matches without removing."},
      "includeDisk": {"type": "boolean", "description": "clean: also delete persisted state. Default: true."}
    },
    "required": ["action"],
    "additionalProperties": false
  },
  "annotations": {"title": "Manage Codex sessions", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": false}
})json");
}

Json codex_check_descriptor() {
  return parse(R"json({
  "name": "codex_check",
  "title": "Poll a session or answer it",
  "description": "poll: events since cursor (pass back nextCursor; restart from cursorResetTo if given), pending actions[] and the result when done; pollOptions.waitMs long-polls. respond_permission: answer an approval in actions[] by requestId. respond_user_input: answer questions by id.",
  "inputSchema": {
    "type": "object",
    "properties": {
      "action": {"type": "string", "enum": "@check_actions"},
      "sessionId": {"type": "string"},
      "cursor": {"type": "integer", "minimum": 0, "description": "First event id wanted. Default: where the last poll stopped."},
      "maxEvents": {"type": "integer", "minimum": 0, "description": "poll default 1; respond_* default 0 (no events). Above 10000 counts as 10000."},
      "responseMode": {"type": "string", "enum": "@response_modes", "description": "Default: minimal."},
      "pollOptions": {
        "type": "object",
        "properties": {
          "includeEvents": {"type": "boolean"},
          "includeActions": {"type": "boolean"},
          "includeResult": {"type": "boolean"},
          "skipDeltas": {"type": "boolean", "description": "Drop streaming deltas (cursor still advances)."},
          "finalOnly": {"type": "boolean", "description": "Only actions and the final result."},
          "maxBytes": {"type": "integer", "minimum": 1, "description": "Cap the response size; sets truncated."},
          "waitMs": {"type": "integer", "minimum": 0, "maximum": 60000, "description": "Wait up to this long for something new."}
        },
        "additionalProperties": false
      },
      "requestId": {"type": "string", "description": "respond_*: the requestId from actions[]."},
      "decision": {"type": "string", "enum": "@decisions", "description": "respond_permission. File changes take accept, acceptForSession, decline, cancel."},
      "execpolicy_amendment": {"type": "array", "items": {"type": "string"}, "description": "For acceptWithExecpolicyAmendment: command prefix to allow."},
      "network_policy_amendment": {"type": "object", "properties": {"action": {"type": "string", "enum": "@network_policy_actions"}, "host": {"type": "string"}}, "required": ["action", "host"], "additionalProperties": false, "description": "For applyNetworkPolicyAmendment."},
      "denyMessage": {"type": "string", "description": "Note kept with a decline (not sent to codex)."},
      "answers": {"type": "object", "additionalProperties": {"type": "object", "properties": {"answers": {"type": "array", "items": {"type": "string"}}}, "required": ["answers"]}, "description": "respond_user_input: question id -> {answers: [...]}."}
    },
    "required": ["action", "sessionId"],
    "additionalProperties": false
  },
  "annotations": {"title": "Poll a session or answer it", "readOnlyHint": false, "destructiveHint": false, "idempotentHint": false, "openWorldHint": false}
})json");
}

}  // namespace codex_mcp::tools
