#include "codex_mcp/session/server_requests.hpp"

#include "codex_mcp/jsonrpc/errors.hpp"
#include "codex_mcp/session/errors.hpp"

namespace codex_mcp::session {

namespace {

Json pick(const Json& params, std::initializer_list<const char*> keys) {
  Json out = Json::object();
  if (!params.is_object()) return out;
  for (const auto* key : keys) {
    if (const auto it = params.find(key); it != params.end() && !it->is_null()) out[key] = *it;
  }
  return out;
}

}  // namespace

std::string to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::command_approval:
      return "command_approval";
    case ActionKind::file_change_approval:
      return "file_change_approval";
    case ActionKind::user_input:
      return "user_input";
  }
  return "unknown";
}

std::optional<ActionView> caller_action(const std::string& method, const Json& params) {
  if (method == "item/commandExecution/requestApproval") {
    return ActionView{ActionKind::command_approval,
                      pick(params, {"itemId", "turnId", "command", "cwd", "reason",
                                    "commandActions", "proposedExecpolicyAmendment",
                                    "proposedNetworkPolicyAmendments", "availableDecisions"})};
  }
  if (method == "item/fileChange/requestApproval") {
    return ActionView{ActionKind::file_change_approval,
                      pick(params, {"itemId", "turnId", "reason", "grantRoot"})};
  }
  if (method == "item/tool/requestUserInput") {
    return ActionView{ActionKind::user_input, pick(params, {"itemId", "turnId", "questions"})};
  }
  return std::nullopt;
}

Json automatic_answer(const std::string& method, const Json& params, std::int64_t now_ms) {
  using jsonrpc::RpcError;
  if (method == "item/permissions/requestApproval") {
    return {{"permissions", Json::object()}, {"scope", "turn"}};  // grant nothing extra
  }
  if (method == "mcpServer/elicitation/request") return {{"action", "decline"}};
  if (method == "item/tool/call") {
    const auto tool = params.is_object() ? params.value("tool", std::string("?")) : "?";
    return {{"success", false},
            {"contentItems", Json::array({{{"type", "inputText"},
                                           {"text", "codex-mcp registers no dynamic tools; " +
                                                        tool + " is not available"}}})}};
  }
  if (method == "currentTime/read") return {{"currentTimeAt", now_ms / 1000}};
  if (method == "execCommandApproval" || method == "applyPatchApproval") {
    return {{"decision",
             {{"denied",
               {{"rejection", "codex-mcp answers only the v2 approval requests; declined"}}}}}};
  }
  if (method == "account/chatgptAuthTokens/refresh") {
    throw RpcError(-32000, "external ChatGPT token refresh is out of scope for codex-mcp");
  }
  if (method == "attestation/generate") {
    throw RpcError(-32000, "codex-mcp cannot produce client attestations");
  }
  throw RpcError(jsonrpc::code::kMethodNotFound, "codex-mcp does not handle " + method);
}

Json permission_answer(ActionKind kind, const std::string& decision,
                       const std::vector<std::string>& execpolicy_amendment,
                       const std::optional<Json>& network_policy_amendment) {
  if (kind == ActionKind::user_input) {
    throw SessionError(ErrorKind::invalid,
                       "this request asks questions: answer it with respond_user_input");
  }
  if (decision == "accept" || decision == "acceptForSession" || decision == "decline" ||
      decision == "cancel") {
    return {{"decision", decision}};
  }
  if (kind == ActionKind::file_change_approval) {
    throw SessionError(ErrorKind::invalid,
                       "decision \"" + decision +
                           "\" applies to command approvals only; file changes take accept, "
                           "acceptForSession, decline, cancel");
  }
  if (decision == "acceptWithExecpolicyAmendment") {
    return {
        {"decision",
         {{"acceptWithExecpolicyAmendment", {{"execpolicy_amendment", execpolicy_amendment}}}}}};
  }
  if (decision == "applyNetworkPolicyAmendment" && network_policy_amendment) {
    return {{"decision",
             {{"applyNetworkPolicyAmendment",
               {{"network_policy_amendment", *network_policy_amendment}}}}}};
  }
  throw SessionError(ErrorKind::invalid, "unsupported decision \"" + decision + "\"");
}

Json user_input_answer(const Json& answers) {
  return {{"answers", answers}};
}

Json decline_answer(ActionKind kind) {
  if (kind == ActionKind::user_input) return {{"answers", Json::object()}};
  return {{"decision", "decline"}};
}

}  // namespace codex_mcp::session
