// The values of every enumerated tool argument, in one place: the tools/list schemas
// (schemas.cpp fills each `"enum": "@name"` from here) and the request decoders both read
// these lists, so what a client is offered and what the server accepts cannot drift apart.
//
// The values codex sees are what codex app-server 0.169 accepts (it refuses others with
// "unknown variant `x`, expected one of ..."); reasoning efforts are an open set in codex
// (any non-empty string) whose real bounds depend on the model (session/model_catalog
// checks them per turn).
#pragma once

#include <span>
#include <string_view>

namespace codex_mcp::tools::choices {

using List = std::span<const std::string_view>;

/// thread/start and turn/start `approvalPolicy` (codex also has an object form,
/// `granular`, that the tools do not offer). `on-failure` exists in codex 0.140 and older
/// only: the session tools refuse it for newer releases (codex::approval_policy_refusal).
inline constexpr std::string_view kApprovalPolicies[] = {"untrusted", "on-failure", "on-request",
                                                         "never"};
inline constexpr std::string_view kSandboxModes[] = {"read-only", "workspace-write",
                                                     "danger-full-access"};
/// The contract's efforts plus `max` and `ultra`, which codex 0.169's model catalog
/// (model/list) advertises for most of its models.
inline constexpr std::string_view kReasoningEfforts[] = {"none", "minimal", "low", "medium",
                                                         "high", "xhigh",   "max", "ultra"};
inline constexpr std::string_view kReasoningSummaries[] = {"auto", "concise", "detailed", "none"};
inline constexpr std::string_view kPersonalities[] = {"none", "friendly", "pragmatic"};

inline constexpr std::string_view kSessionActions[] = {
    "list", "get", "cancel", "interrupt", "fork", "clean", "clean_background_terminals"};
/// Statuses codex_session clean may remove (the finished ones).
inline constexpr std::string_view kCleanableStatuses[] = {"idle", "error", "cancelled"};
inline constexpr std::string_view kCheckActions[] = {"poll", "respond_permission",
                                                     "respond_user_input"};
inline constexpr std::string_view kResponseModes[] = {"minimal", "delta_compact", "full"};
inline constexpr std::string_view kDecisions[] = {"accept",
                                                  "acceptForSession",
                                                  "acceptWithExecpolicyAmendment",
                                                  "applyNetworkPolicyAmendment",
                                                  "decline",
                                                  "cancel"};
inline constexpr std::string_view kNetworkPolicyActions[] = {"allow", "deny"};

}  // namespace codex_mcp::tools::choices
