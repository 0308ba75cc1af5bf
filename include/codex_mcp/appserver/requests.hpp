// The parameters of the app-server calls a session makes, as values: thread/start,
// thread/resume, thread/fork and turn/start. to_json() writes codex's wire names (those of
// codex 0.169's app-server-protocol; unit-tested against its JSON schema); an unset
// optional field is left out, so codex applies its own default (config.toml's).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex_mcp::appserver {

using Json = nlohmann::json;

/// The settings thread/start and thread/resume share.
struct ThreadSettings {
  std::optional<std::string> approval_policy;  ///< untrusted | on-failure | on-request | never
  std::optional<std::string> sandbox;          ///< read-only | workspace-write | danger-full-access
  std::optional<std::string> cwd, model, base_instructions, developer_instructions, personality;
};

struct ThreadStartParams {
  ThreadSettings settings;
  bool ephemeral = false;  ///< codex keeps no rollout: the thread cannot be resumed
  Json to_json() const;
};

struct ThreadResumeParams {
  std::string thread_id;
  ThreadSettings settings;
  bool exclude_turns = true;  ///< the history stays in codex; we need only the thread
  Json to_json() const;
};

struct ThreadForkParams {
  std::string thread_id;
  Json to_json() const;
};

struct TurnStartParams {
  std::string thread_id;
  std::string prompt;
  std::vector<std::string> images;  ///< local paths, sent as localImage inputs
  std::optional<std::string> effort, summary, model, approval_policy, cwd, personality;
  std::optional<std::string> sandbox;  ///< ours (read-only, ...); sent as sandboxPolicy
  std::optional<Json> output_schema;
  Json to_json() const;
};

/// turn/start's sandboxPolicy for one of our sandbox values (`{type: readOnly}`, ...).
Json sandbox_policy(const std::string& sandbox);

}  // namespace codex_mcp::appserver
