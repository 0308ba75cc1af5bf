#include "codex_mcp/tools/requests.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "codex_mcp/tools/args.hpp"
#include "codex_mcp/tools/choices.hpp"
#include "codex_mcp/util/environment.hpp"

namespace codex_mcp::tools {

namespace {

constexpr std::int64_t kMaxTimeoutMs = INT64_C(1) << 40;  // ~35 years: any timeout anyone means
constexpr std::int64_t kMaxEventsPerPoll = 10000;

// "on-failure" is taken here: whether the codex takes it depends on its release, which
// the session tools check (codex::approval_policy_refusal).
std::optional<std::string> approval_policy(const ArgReader& args, bool required) {
  if (required) return args.required_enum("approvalPolicy", choices::kApprovalPolicies);
  return args.optional_enum("approvalPolicy", choices::kApprovalPolicies);
}

std::optional<std::string> sandbox(const ArgReader& args, bool required) {
  if (required) return args.required_enum("sandbox", choices::kSandboxModes);
  return args.optional_enum("sandbox", choices::kSandboxModes);
}

std::optional<std::string> effort(const ArgReader& args) {
  return args.optional_enum("effort", choices::kReasoningEfforts);
}
std::optional<std::string> summary(const ArgReader& args) {
  return args.optional_enum("summary", choices::kReasoningSummaries);
}
std::optional<std::string> personality(const ArgReader& args) {
  return args.optional_enum("personality", choices::kPersonalities);
}

/// A directory: a relative one is taken from the server's own working directory (where a
/// client that launched it in a project expects it to point).
std::optional<std::string> directory(const ArgReader& args, std::string_view field) {
  auto value = args.optional_string(field);
  if (!value) return value;
  if (value->empty()) throw_invalid_argument(args.path_of(field) + " must not be empty");
  if (value->front() != '/') {
    value = (std::filesystem::path(util::current_directory()) / *value).lexically_normal();
    if (value->size() > 1 && value->back() == '/') value->pop_back();
  }
  return value;
}

// Below the floor not even the ids, status and actions fit: taken as the floor, as maxEvents
// above its ceiling is taken as the ceiling.
std::optional<std::int64_t> max_bytes(const ArgReader& args) {
  const auto value = args.optional_int("maxBytes", 1, kMaxMaxBytes);
  if (!value) return std::nullopt;
  return std::max(*value, kMinMaxBytes);
}

std::string required_session_id(const ArgReader& args) {
  return args.required_string("sessionId");
}

}  // namespace

SetupRequest decode_setup(const Json& arguments) {
  const ArgReader args(arguments);
  args.reject_unknown({"cwd"});
  return {.cwd = directory(args, "cwd")};
}

StartRequest decode_start(const Json& arguments) {
  const ArgReader args(arguments);
  args.reject_unknown(
      {"prompt", "approvalPolicy", "sandbox", "effort", "cwd", "model", "profile", "advanced"});
  const auto advanced = args.nested("advanced");
  advanced.reject_unknown({"baseInstructions", "developerInstructions", "personality", "summary",
                           "config", "ephemeral", "outputSchema", "images", "approvalTimeoutMs",
                           "waitForResult", "maxBytes"});
  StartRequest request;
  request.prompt = args.required_string("prompt");
  request.turn.approval_policy = approval_policy(args, true);
  request.turn.sandbox = sandbox(args, true);
  request.turn.effort = effort(args);
  request.turn.cwd = directory(args, "cwd");
  request.turn.model = args.optional_string("model");
  request.profile = args.optional_string("profile");
  request.base_instructions = advanced.optional_string("baseInstructions");
  request.developer_instructions = advanced.optional_string("developerInstructions");
  request.turn.personality = personality(advanced);
  request.turn.summary = summary(advanced);
  request.config_overrides = advanced.optional_object("config").value_or(Json::object());
  request.ephemeral = advanced.optional_bool("ephemeral").value_or(false);
  request.turn.output_schema = advanced.optional_object("outputSchema");
  request.images = advanced.optional_string_array("images").value_or(std::vector<std::string>{});
  for (std::size_t i = 0; i < request.images.size(); ++i) {
    if (request.images[i].empty()) {
      throw_invalid_argument("advanced.images[" + std::to_string(i) + "] must not be empty");
    }
  }
  request.approval_timeout_ms =
      advanced.optional_int("approvalTimeoutMs", 1, kMaxTimeoutMs).value_or(60000);
  request.turn.wait_for_result_ms = advanced.optional_int("waitForResult", 0, kMaxWaitMs);
  request.turn.max_bytes = max_bytes(advanced);
  return request;
}

ReplyRequest decode_reply(const Json& arguments) {
  const ArgReader args(arguments);
  args.reject_unknown({"sessionId", "prompt", "model", "approvalPolicy", "effort", "summary",
                       "personality", "sandbox", "cwd", "outputSchema", "waitForResult",
                       "maxBytes"});
  ReplyRequest request;
  request.session_id = required_session_id(args);
  request.prompt = args.required_string("prompt");
  request.turn.model = args.optional_string("model");
  request.turn.approval_policy = approval_policy(args, false);
  request.turn.effort = effort(args);
  request.turn.summary = summary(args);
  request.turn.personality = personality(args);
  request.turn.sandbox = sandbox(args, false);
  request.turn.cwd = directory(args, "cwd");
  request.turn.output_schema = args.optional_object("outputSchema");
  request.turn.wait_for_result_ms = args.optional_int("waitForResult", 0, kMaxWaitMs);
  request.turn.max_bytes = max_bytes(args);
  return request;
}

SessionRequest decode_session(const Json& arguments) {
  const ArgReader args(arguments);
  args.reject_unknown({"action", "sessionId", "includeSensitive", "statuses", "olderThanMs",
                       "dryRun", "includeDisk"});
  SessionRequest request;
  request.action = args.required_enum("action", choices::kSessionActions);
  request.session_id = args.optional_string("sessionId");
  const bool needs_session = request.action != "list" && request.action != "clean";
  if (needs_session && (!request.session_id || request.session_id->empty())) {
    throw_invalid_argument("sessionId is required for action \"" + request.action + "\"");
  }
  request.include_sensitive = args.optional_bool("includeSensitive").value_or(false);
  request.statuses = args.optional_string_array("statuses").value_or(std::vector<std::string>{});
  for (const auto& status : request.statuses) {
    const auto& allowed = choices::kCleanableStatuses;
    if (std::find(std::begin(allowed), std::end(allowed), status) == std::end(allowed)) {
      throw_invalid_argument("statuses entries must be one of: " + join_choices(allowed) +
                             " (got \"" + status + "\")");
    }
  }
  request.older_than_ms = args.optional_int("olderThanMs", 0, INT64_C(1) << 50);
  request.dry_run = args.optional_bool("dryRun").value_or(false);
  request.include_disk = args.optional_bool("includeDisk").value_or(true);
  return request;
}

CheckRequest decode_check(const Json& arguments) {
  const ArgReader args(arguments);
  args.reject_unknown({"action", "sessionId", "cursor", "maxEvents", "responseMode", "pollOptions",
                       "requestId", "decision", "execpolicy_amendment", "network_policy_amendment",
                       "denyMessage", "answers"});
  CheckRequest request;
  request.action = args.required_enum("action", choices::kCheckActions);
  request.session_id = required_session_id(args);
  request.cursor = args.optional_int("cursor", 0, INT64_C(1) << 53);
  // More than the ring ever holds changes nothing: taken, and capped there.
  request.max_events = args.optional_int("maxEvents", 0, INT64_C(1) << 53);
  if (request.max_events) request.max_events = std::min(*request.max_events, kMaxEventsPerPoll);
  request.response_mode =
      args.optional_enum("responseMode", choices::kResponseModes).value_or("minimal");
  const auto poll = args.nested("pollOptions");
  poll.reject_unknown({"includeEvents", "includeActions", "includeResult", "skipDeltas",
                       "finalOnly", "maxBytes", "waitMs"});
  request.poll.include_events = poll.optional_bool("includeEvents").value_or(true);
  request.poll.include_actions = poll.optional_bool("includeActions").value_or(true);
  request.poll.include_result = poll.optional_bool("includeResult");
  request.poll.skip_deltas = poll.optional_bool("skipDeltas").value_or(false);
  request.poll.final_only = poll.optional_bool("finalOnly").value_or(false);
  request.poll.max_bytes = max_bytes(poll);
  request.poll.wait_ms = poll.optional_int("waitMs", 0, kMaxWaitMs).value_or(0);
  request.request_id = args.optional_string("requestId");
  request.deny_message = args.optional_string("denyMessage");
  if (request.action == "poll") return request;

  if (!request.request_id || request.request_id->empty()) {
    throw_invalid_argument("requestId is required for action \"" + request.action +
                           "\" (take it from actions[] of a poll)");
  }
  if (request.action == "respond_permission") {
    request.decision = args.required_enum("decision", choices::kDecisions);
    request.execpolicy_amendment =
        args.optional_string_array("execpolicy_amendment").value_or(std::vector<std::string>{});
    if (*request.decision == "acceptWithExecpolicyAmendment" &&
        request.execpolicy_amendment.empty()) {
      throw_invalid_argument(
          "execpolicy_amendment (a non-empty array of strings) is required with decision "
          "\"acceptWithExecpolicyAmendment\"");
    }
    const auto network = args.nested("network_policy_amendment");
    if (args.has("network_policy_amendment")) {
      network.reject_unknown({"action", "host"});
      request.network_policy_amendment =
          Json{{"action", network.required_enum("action", choices::kNetworkPolicyActions)},
               {"host", network.required_string("host")}};
    }
    if (*request.decision == "applyNetworkPolicyAmendment" && !request.network_policy_amendment) {
      throw_invalid_argument(
          "network_policy_amendment {action: allow|deny, host} is required with decision "
          "\"applyNetworkPolicyAmendment\"");
    }
    return request;
  }
  // respond_user_input
  const auto answers = args.optional_object("answers");
  if (!answers || answers->empty()) {
    throw_invalid_argument(
        "answers is required for respond_user_input: {\"<questionId>\": {\"answers\": [\"...\"]}}");
  }
  for (const auto& [question, answer] : answers->items()) {
    const ArgReader entry(answer, "answers." + question);
    if (!answer.is_object()) throw_invalid_argument("answers." + question + " must be an object");
    entry.reject_unknown({"answers"});
    if (!entry.optional_string_array("answers")) {
      throw_invalid_argument("answers." + question + ".answers is required (an array of strings)");
    }
  }
  request.answers = answers;
  return request;
}

session::TurnSettings to_session(const TurnSettings& turn) {
  return {.model = turn.model,
          .approval_policy = turn.approval_policy,
          .sandbox = turn.sandbox,
          .effort = turn.effort,
          .summary = turn.summary,
          .personality = turn.personality,
          .cwd = turn.cwd,
          .output_schema = turn.output_schema};
}

session::StartSpec to_session(const StartRequest& request) {
  session::SessionSettings settings;
  settings.profile = request.profile.value_or("");
  settings.base_instructions = request.base_instructions.value_or("");
  settings.developer_instructions = request.developer_instructions.value_or("");
  settings.config_overrides = request.config_overrides;
  settings.ephemeral = request.ephemeral;
  settings.approval_timeout_ms = request.approval_timeout_ms;
  return {.prompt = request.prompt,
          .images = request.images,
          .settings = std::move(settings),
          .turn = to_session(request.turn)};
}

}  // namespace codex_mcp::tools
