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
  "description": "Is Codex ready here: executable, version, login, config files, state dir; warnings and next steps.",
  "inputSchema": {
    "type": "object",
    "properties": {
      "cwd": {"type": "string", "description": "Project dir for config.toml lookup."}
    },
    "additionalProperties": false
  },
  "annotations": {"title": "Check Codex readiness", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false},
  "_meta": {"anthropic/searchHint": "codex setup install login check"}
})json");
}

Json codex_descriptor() {
  return parse(R"json({
  "name": "codex",
  "title": "Run a Codex task",
  "description": "Start an OpenAI Codex coding agent on a task. With advanced.waitForResult (ms) it answers with the result (text, changed files, diff) once done; else poll with codex_check. approvalPolicy and sandbox: no wider than your own permissions.",
  "inputSchema": {
    "type": "object",
    "properties": {
      "prompt": {"type": "string", "minLength": 1},
      "approvalPolicy": {"type": "string", "enum": "@approval_policies", "description": "When codex asks first: untrusted (all but safe reads), on-failure (codex <= 0.140), on-request (to leave the sandbox), never."},
      "sandbox": {"type": "string", "enum": "@sandbox_modes"},
      "effort": {"type": "string", "enum": "@reasoning_efforts", "description": "Default low."},
      "cwd": {"type": "string"},
      "model": {"type": "string"},
      "profile": {"type": "string", "description": "Codex profile name."},
      "advanced": {
        "type": "object",
        "properties": {
          "waitForResult": {"type": "integer", "minimum": 0, "maximum": 300000, "description": "Wait up to this many ms for the result (recommended: 120000)."},
          "maxBytes": {"type": "integer", "minimum": 1, "description": "Reply cap, default 20000."},
          "baseInstructions": {"type": "string"},
          "developerInstructions": {"type": "string"},
          "personality": {"type": "string", "enum": "@personalities"},
          "summary": {"type": "string", "enum": "@reasoning_summaries"},
          "config": {"type": "object", "description": "config.toml overrides (dotted keys)."},
          "ephemeral": {"type": "boolean"},
          "outputSchema": {"type": "object", "description": "JSON Schema of the answer (result.structuredOutput)."},
          "images": {"type": "array", "items": {"type": "string"}},
          "approvalTimeoutMs": {"type": "integer", "minimum": 1, "description": "Default 60000, then declined."}
        },
        "additionalProperties": false
      }
    },
    "required": ["prompt", "approvalPolicy", "sandbox"],
    "additionalProperties": false
  },
  "annotations": {"title": "Run a Codex task", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": true},
  "_meta": {"anthropic/searchHint": "codex delegate coding task agent openai"}
})json");
}

Json codex_reply_descriptor() {
  return parse(R"json({
  "name": "codex_reply",
  "title": "Continue a Codex session",
  "description": "Next prompt on an idle session, with its history. Overrides apply from this turn on.",
  "inputSchema": {
    "type": "object",
    "properties": {
      "sessionId": {"type": "string"},
      "prompt": {"type": "string", "minLength": 1},
      "waitForResult": {"type": "integer", "minimum": 0, "maximum": 300000, "description": "As in codex."},
      "maxBytes": {"type": "integer", "minimum": 1},
      "model": {"type": "string"},
      "approvalPolicy": {"type": "string", "enum": "@approval_policies"},
      "effort": {"type": "string", "enum": "@reasoning_efforts"},
      "summary": {"type": "string", "enum": "@reasoning_summaries"},
      "personality": {"type": "string", "enum": "@personalities"},
      "sandbox": {"type": "string", "enum": "@sandbox_modes"},
      "cwd": {"type": "string"},
      "outputSchema": {"type": "object"}
    },
    "required": ["sessionId", "prompt"],
    "additionalProperties": false
  },
  "annotations": {"title": "Continue a Codex session", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": true},
  "_meta": {"anthropic/searchHint": "codex follow-up reply continue session"}
})json");
}

Json codex_session_descriptor() {
  return parse(R"json({
  "name": "codex_session",
  "title": "Manage Codex sessions",
  "description": "list | get | cancel (stop it) | interrupt (stop the turn) | fork | clean (remove finished) | clean_background_terminals.",
  "inputSchema": {
    "type": "object",
    "properties": {
      "action": {"type": "string", "enum": "@session_actions"},
      "sessionId": {"type": "string", "description": "All but list and clean."},
      "includeSensitive": {"type": "boolean", "description": "get: add cwd, config, threadId."},
      "statuses": {"type": "array", "items": {"type": "string", "enum": "@cleanable_statuses"}},
      "olderThanMs": {"type": "integer", "minimum": 0},
      "dryRun": {"type": "boolean"},
      "includeDisk": {"type": "boolean", "description": "Default true."}
    },
    "required": ["action"],
    "additionalProperties": false
  },
  "annotations": {"title": "Manage Codex sessions", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": false},
  "_meta": {"anthropic/searchHint": "codex list cancel interrupt fork sessions"}
})json");
}

Json codex_check_descriptor() {
  return parse(R"json({
  "name": "codex_check",
  "title": "Wait on or answer a Codex session",
  "description": "poll: pass pollOptions {waitMs: 300000, finalOnly: true} to wait until the turn ends or needs you; otherwise events after cursor. respond_permission / respond_user_input: answer actions[] by requestId (pollOptions.waitMs waits on).",
  "inputSchema": {
    "type": "object",
    "properties": {
      "action": {"type": "string", "enum": "@check_actions"},
      "sessionId": {"type": "string"},
      "cursor": {"type": "integer", "minimum": 0},
      "maxEvents": {"type": "integer", "minimum": 0},
      "responseMode": {"type": "string", "enum": "@response_modes"},
      "pollOptions": {
        "type": "object",
        "properties": {
          "waitMs": {"type": "integer", "minimum": 0, "maximum": 300000},
          "finalOnly": {"type": "boolean", "description": "No events: actions and result."},
          "skipDeltas": {"type": "boolean"},
          "maxBytes": {"type": "integer", "minimum": 1, "description": "Default 20000."},
          "includeEvents": {"type": "boolean"},
          "includeActions": {"type": "boolean"},
          "includeResult": {"type": "boolean"}
        },
        "additionalProperties": false
      },
      "requestId": {"type": "string"},
      "decision": {"type": "string", "enum": "@decisions"},
      "execpolicy_amendment": {"type": "array", "items": {"type": "string"}},
      "network_policy_amendment": {"type": "object", "properties": {"action": {"type": "string", "enum": "@network_policy_actions"}, "host": {"type": "string"}}, "required": ["action", "host"], "additionalProperties": false},
      "denyMessage": {"type": "string"},
      "answers": {"type": "object", "additionalProperties": {"type": "object", "properties": {"answers": {"type": "array", "items": {"type": "string"}}}, "required": ["answers"]}, "description": "Question id -> {answers}."}
    },
    "required": ["action", "sessionId"],
    "additionalProperties": false
  },
  "annotations": {"title": "Wait on or answer a Codex session", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": false},
  "_meta": {"anthropic/searchHint": "codex poll wait result approve permission"}
})json");
}

}  // namespace codex_mcp::tools
