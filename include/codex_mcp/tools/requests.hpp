// Typed, validated tool requests decoded from tools/call arguments (see args.hpp for the
// error rules). Cross-field rules live here too, e.g. a decision that needs its amendment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex_mcp/session/settings.hpp"

namespace codex_mcp::tools {

using Json = nlohmann::json;

/// The smallest and largest `maxBytes` a reply takes: below the floor not even a session's
/// ids, status and pending actions would fit.
inline constexpr std::int64_t kMinMaxBytes = 1000;
inline constexpr std::int64_t kMaxMaxBytes = INT64_C(1) << 53;
/// The longest a call may wait (waitForResult, pollOptions.waitMs).
inline constexpr std::int64_t kMaxWaitMs = 300000;

/// Per-turn settings shared by codex (start) and codex_reply.
struct TurnSettings {
  std::optional<std::string> model, approval_policy, sandbox, effort, summary, personality, cwd;
  std::optional<Json> output_schema;
  std::optional<std::int64_t> wait_for_result_ms;
  std::optional<std::int64_t> max_bytes;  ///< of the call's reply (not a codex setting)
};

struct SetupRequest {
  std::optional<std::string> cwd;
};

struct StartRequest {
  std::string prompt;
  TurnSettings turn;  // approval_policy and sandbox always set
  std::optional<std::string> profile, base_instructions, developer_instructions;
  Json config_overrides = Json::object();
  bool ephemeral = false;
  std::vector<std::string> images;
  std::int64_t approval_timeout_ms = 60000;
};

struct ReplyRequest {
  std::string session_id;
  std::string prompt;
  TurnSettings turn;
};

struct SessionRequest {
  std::string action;
  std::optional<std::string> session_id;
  bool include_sensitive = false;
  std::vector<std::string> statuses;  // clean: empty means idle, error, cancelled
  std::optional<std::int64_t> older_than_ms;
  bool dry_run = false;
  bool include_disk = true;
};

struct PollOptions {
  bool include_events = true, include_actions = true;
  std::optional<bool> include_result;  ///< unset: a result the caller already has is left out
  bool skip_deltas = false, final_only = false;
  std::optional<std::int64_t> max_bytes;
  std::int64_t wait_ms = 0;
};

struct CheckRequest {
  std::string action;
  std::string session_id;
  std::optional<std::int64_t> cursor;
  std::optional<std::int64_t> max_events;
  std::string response_mode = "minimal";
  PollOptions poll;
  std::optional<std::string> request_id;
  std::optional<std::string> decision;
  std::vector<std::string> execpolicy_amendment;
  std::optional<Json> network_policy_amendment;
  std::optional<std::string> deny_message;
  std::optional<Json> answers;
  /// Who answered, when not the caller ("person": a dialog); said in the approval_result.
  std::optional<std::string> answered_by;
};

/// The session's terms for what a call asked.
session::TurnSettings to_session(const TurnSettings& turn);
session::StartSpec to_session(const StartRequest& request);

SetupRequest decode_setup(const Json& arguments);
StartRequest decode_start(const Json& arguments);
ReplyRequest decode_reply(const Json& arguments);
SessionRequest decode_session(const Json& arguments);
CheckRequest decode_check(const Json& arguments);

}  // namespace codex_mcp::tools
