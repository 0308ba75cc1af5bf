#include "codex_mcp/tools/refusals.hpp"

#include <algorithm>
#include <utility>

#include "codex_mcp/appserver/refusals.hpp"
#include "codex_mcp/tools/choices.hpp"

namespace codex_mcp::tools {

namespace {

// Wire parameters that carry a caller's enumerated value, with the argument's name and
// the values the tools offer for it.
struct Param {
  std::string_view wire;
  std::string_view argument;
  choices::List offered;
};

const Param kParams[] = {
    {"approvalPolicy", "approvalPolicy", choices::kApprovalPolicies},
    {"sandbox", "sandbox", choices::kSandboxModes},
    {"effort", "effort", choices::kReasoningEfforts},
    {"summary", "summary", choices::kReasoningSummaries},
    {"personality", "personality", choices::kPersonalities},
};

// turn/start takes the sandbox as {type: readOnly|workspaceWrite|dangerFullAccess}.
const std::pair<std::string_view, std::string_view> kSandboxPolicyTypes[] = {
    {"readOnly", "read-only"},
    {"workspaceWrite", "workspace-write"},
    {"dangerFullAccess", "danger-full-access"},
};

std::string sandbox_of_policy_type(std::string_view type) {
  for (const auto& [wire, ours] : kSandboxPolicyTypes) {
    if (wire == type) return std::string(ours);
  }
  return {};
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) out += (out.empty() ? "" : ", ") + value;
  return out;
}

/// codex's valid values that the tools can send (codex also lists forms they do not
/// offer, like the `granular` approval policy); codex's own list when none match.
std::vector<std::string> valid_values(const std::vector<std::string>& expected,
                                      choices::List offered) {
  std::vector<std::string> valid;
  for (const auto& value : expected) {
    if (std::find(offered.begin(), offered.end(), value) != offered.end()) valid.push_back(value);
  }
  return valid.empty() ? expected : valid;
}

std::string refusal_message(std::string_view argument, const std::string& value,
                            const std::vector<std::string>& valid) {
  std::string message = std::string(argument) + " \"" + value + "\" is refused by codex";
  if (!valid.empty()) message += "; use one of: " + quoted_list(valid);
  return message;
}

}  // namespace

std::optional<std::string> describe_param_refusal(const Json& params, std::string_view error) {
  const auto refusal = appserver::parse_unknown_variant(error);
  if (!refusal || !params.is_object()) return std::nullopt;
  for (const auto& param : kParams) {
    const auto it = params.find(param.wire);
    if (it != params.end() && it->is_string() && it->get<std::string>() == refusal->value) {
      return refusal_message(param.argument, refusal->value,
                             valid_values(refusal->expected, param.offered));
    }
  }
  const auto policy = params.find("sandboxPolicy");
  if (policy != params.end() && policy->is_object() &&
      policy->value("type", std::string()) == refusal->value) {
    std::vector<std::string> expected;
    for (const auto& type : refusal->expected) {
      if (auto ours = sandbox_of_policy_type(type); !ours.empty()) expected.push_back(ours);
    }
    auto value = sandbox_of_policy_type(refusal->value);
    return refusal_message("sandbox", value.empty() ? refusal->value : value,
                           valid_values(expected, choices::kSandboxModes));
  }
  return std::nullopt;
}

std::optional<std::string> describe_config_refusal(const Json& overrides,
                                                   std::string_view stderr_text) {
  const auto error = appserver::startup_error(stderr_text);
  const auto key = appserver::config_key_of(error);
  if (key.empty() || !overrides.is_object()) return std::nullopt;
  // Override keys are dotted paths whose values may be tables: the refused key is the
  // caller's when it is one of them or lies inside one.
  bool callers = false;
  for (const auto& [mine, value] : overrides.items()) {
    callers = callers || key == mine || key.rfind(mine + ".", 0) == 0;
  }
  if (!callers) return std::nullopt;
  const auto argument = "advanced.config." + key;
  if (const auto refusal = appserver::parse_unknown_variant(error)) {
    return refusal_message(argument, refusal->value, refusal->expected);
  }
  // Anything else (a wrong type, a bad path): codex's words, without its "in `key`".
  auto reason = error.substr(0, error.rfind(" in `"));
  return argument + " is refused by codex: " + reason;
}

}  // namespace codex_mcp::tools
