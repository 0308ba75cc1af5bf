// codex's refusals (texts as observed on codex 0.169) and the messages callers get.
#include <gtest/gtest.h>

#include "codex_mcp/appserver/refusals.hpp"
#include "codex_mcp/tools/refusals.hpp"

using namespace codex_mcp::appserver;
using codex_mcp::tools::describe_config_refusal;
using codex_mcp::tools::describe_param_refusal;
using codex_mcp::tools::Json;

namespace {

const std::string kApprovalRefusal =
    "Invalid request: unknown variant `on-failure`, expected one of `untrusted`, `on-request`, "
    "`granular`, `never`";
const std::string kSandboxPolicyRefusal =
    "Invalid request: unknown variant `bogus`, expected one of `dangerFullAccess`, `readOnly`, "
    "`externalSandbox`, `workspaceWrite`";
// stderr of `codex app-server -c model_reasoning_summary="bogus"` (exit 1).
const std::string kConfigStderr =
    "WARNING: proceeding, even though we could not create PATH aliases: Refusing to create "
    "helper binaries under temporary dir \"/tmp\"\n"
    "Error: unknown variant `bogus`, expected one of `auto`, `concise`, `detailed`, `none`\n"
    "in `model_reasoning_summary`\n\n\nStack backtrace:\n   0: <unknown>\n   1: <unknown>\n";
const std::string kTypeStderr =
    "Error: invalid type: string \"yes\", expected a boolean\n"
    "in `sandbox_workspace_write.network_access`\n\n\nStack backtrace:\n   0: <unknown>\n";

}  // namespace

TEST(Refusals, ParsesUnknownVariants) {
  const auto refusal = parse_unknown_variant(kApprovalRefusal);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->value, "on-failure");
  EXPECT_EQ(refusal->expected,
            (std::vector<std::string>{"untrusted", "on-request", "granular", "never"}));
  const auto config = parse_unknown_variant(startup_error(kConfigStderr));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->expected, (std::vector<std::string>{"auto", "concise", "detailed", "none"}));
  EXPECT_FALSE(parse_unknown_variant("thread not found: 0199"));
  EXPECT_FALSE(parse_unknown_variant("turn/start got no answer within 120000 ms"));
}

TEST(Refusals, FindsCodexsErrorAndItsKeyInStderr) {
  const auto error = startup_error(kConfigStderr);
  EXPECT_EQ(error,
            "unknown variant `bogus`, expected one of `auto`, `concise`, `detailed`, `none` in "
            "`model_reasoning_summary`");
  EXPECT_EQ(config_key_of(error), "model_reasoning_summary");
  EXPECT_EQ(config_key_of(startup_error(kTypeStderr)), "sandbox_workspace_write.network_access");
  EXPECT_EQ(startup_error("panicked at main.rs\n   0: <unknown>\n"), "");
  EXPECT_EQ(config_key_of("some other failure"), "");
}

TEST(Refusals, ParamRefusalsNameTheArgumentTheValueAndWhatTheToolsCanSend) {
  EXPECT_EQ(describe_param_refusal({{"approvalPolicy", "on-failure"}}, kApprovalRefusal),
            "approvalPolicy \"on-failure\" is refused by codex; use one of: untrusted, "
            "on-request, never");  // `granular` is not a value the tools offer
  EXPECT_EQ(describe_param_refusal({{"sandboxPolicy", {{"type", "bogus"}}}}, kSandboxPolicyRefusal),
            "sandbox \"bogus\" is refused by codex; use one of: danger-full-access, read-only, "
            "workspace-write");
  EXPECT_EQ(describe_param_refusal(
                {{"personality", "friendly"}},
                "Invalid request: unknown variant `friendly`, expected one of `none`, `pragmatic`"),
            "personality \"friendly\" is refused by codex; use one of: none, pragmatic");
  // Not a value of this request, or not a refusal at all: nothing to say.
  EXPECT_FALSE(describe_param_refusal({{"approvalPolicy", "never"}}, kApprovalRefusal));
  EXPECT_FALSE(describe_param_refusal({{"approvalPolicy", "never"}}, "thread not found: x"));
}

TEST(Refusals, ConfigRefusalsAreTheCallersOnlyForItsOwnKeys) {
  EXPECT_EQ(describe_config_refusal({{"model_reasoning_summary", "bogus"}}, kConfigStderr),
            "advanced.config.model_reasoning_summary \"bogus\" is refused by codex; use one of: "
            "auto, concise, detailed, none");
  // A table override holds the refused key; a wrong type keeps codex's words.
  EXPECT_EQ(describe_config_refusal({{"sandbox_workspace_write", {{"network_access", "yes"}}}},
                                    kTypeStderr),
            "advanced.config.sandbox_workspace_write.network_access is refused by codex: invalid "
            "type: string \"yes\", expected a boolean");
  // config.toml (or a profile) is not the call's argument.
  EXPECT_FALSE(describe_config_refusal({{"model", "o3"}}, kConfigStderr));
  EXPECT_FALSE(describe_config_refusal(Json::object(), kConfigStderr));
  EXPECT_FALSE(describe_config_refusal({{"model_reasoning", "x"}}, kConfigStderr));  // no prefix
}

TEST(Refusals, ACommandLineErrorIsReadFromItsErrorLine) {
  // stderr of `codex app-server -p fast` (exit 2): clap's usage error.
  const std::string clap =
      "error: unexpected argument '-p' found\n\nUsage: codex app-server [OPTIONS] "
      "[COMMAND]\n\nFor more information, try '--help'.\n";
  EXPECT_EQ(startup_error(clap), "unexpected argument '-p' found");
}

TEST(Redaction, ConfigValuesAreRedactedWhereTheyStandAsWords) {
  const nlohmann::json config = {{"model_reasoning_summary", "hunter2"},
                                 {"model_providers.x", {{"api_key", "sk-live-123"}}},
                                 {"model_verbosity", "low"},
                                 {"tries", 3}};
  EXPECT_EQ(codex_mcp::appserver::redact_config_values(
                "unknown variant `hunter2`, expected one of `auto` in `model_reasoning_summary`; "
                "key sk-live-123, slow is not low",
                config),
            "unknown variant `<redacted>`, expected one of `auto` in `model_reasoning_summary`; "
            "key <redacted>, slow is not <redacted>");
  // Numbers and booleans are no secrets (and "3" is in too many messages).
  EXPECT_EQ(codex_mcp::appserver::redact_config_values("exited with code 3", config),
            "exited with code 3");
}
