// What to do with each request the app-server sends us (approvals and the rest).
//
// Command and file-change approvals and user-input questions become actions[] for the
// MCP caller; every other server request of codex 0.169 gets an immediate, explicit answer
// so that no turn ever waits on something nobody will see. Pure functions: the session
// owns the pending table and the timers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex_mcp::session {

using Json = nlohmann::json;

enum class ActionKind { command_approval, file_change_approval, user_input };

std::string to_string(ActionKind kind);

/// A server request waiting for the MCP caller, as shown in actions[].
struct ActionView {
  ActionKind kind;
  Json details;  ///< the fields a caller needs to decide (command, cwd, reason, questions…)
};

/// For a request the caller must answer: its action; otherwise nullopt.
std::optional<ActionView> caller_action(const std::string& method, const Json& params);

/// The answer for a request nobody is asked about. Throws jsonrpc::RpcError where the
/// protocol's answer is an error (auth token refresh, attestation, unknown methods).
Json automatic_answer(const std::string& method, const Json& params, std::int64_t now_ms);

/// The app-server answer for a respond_permission decision. Throws SessionError
/// (`invalid`) for a decision this kind of approval does not take.
Json permission_answer(ActionKind kind, const std::string& decision,
                       const std::vector<std::string>& execpolicy_amendment,
                       const std::optional<Json>& network_policy_amendment);

/// The app-server answer for respond_user_input: {answers: {qid: {answers: [...]}}}.
Json user_input_answer(const Json& answers);

/// What an unanswered approval gets when approvalTimeoutMs runs out or the turn ends.
Json decline_answer(ActionKind kind);

}  // namespace codex_mcp::session
