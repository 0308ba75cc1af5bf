// The typed app-server calls: exactly the JSON codex 0.169 expects. The property names
// below are those of codex 0.169's own JSON schema (`codex app-server
// generate-json-schema`, v2/ThreadStartParams.json etc.), so a field we misspell, or one
// codex does not have, fails here rather than as a silently ignored setting.
#include "codex_mcp/appserver/client.hpp"
#include "codex_mcp/appserver/requests.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

using namespace codex_mcp::appserver;

namespace {

const std::set<std::string> kThreadStartProperties = {"approvalPolicy",
                                                      "approvalsReviewer",
                                                      "baseInstructions",
                                                      "config",
                                                      "cwd",
                                                      "developerInstructions",
                                                      "ephemeral",
                                                      "model",
                                                      "modelProvider",
                                                      "personality",
                                                      "sandbox",
                                                      "serviceName",
                                                      "serviceTier",
                                                      "sessionStartSource",
                                                      "threadSource"};
const std::set<std::string> kThreadResumeProperties = {"approvalPolicy",
                                                       "approvalsReviewer",
                                                       "baseInstructions",
                                                       "config",
                                                       "cwd",
                                                       "developerInstructions",
                                                       "excludeTurns",
                                                       "model",
                                                       "modelProvider",
                                                       "personality",
                                                       "sandbox",
                                                       "serviceTier",
                                                       "threadId"};
const std::set<std::string> kThreadForkProperties = {
    "approvalPolicy",        "approvalsReviewer", "baseInstructions", "config",     "cwd",
    "developerInstructions", "ephemeral",         "excludeTurns",     "lastTurnId", "model",
    "modelProvider",         "sandbox",           "serviceTier",      "threadId",   "threadSource"};
const std::set<std::string> kTurnStartProperties = {"approvalPolicy",
                                                    "approvalsReviewer",
                                                    "clientUserMessageId",
                                                    "cwd",
                                                    "disabledPluginIds",
                                                    "effort",
                                                    "input",
                                                    "model",
                                                    "outputSchema",
                                                    "parentTurnId",
                                                    "personality",
                                                    "rootTurnId",
                                                    "sandboxPolicy",
                                                    "serviceTier",
                                                    "serviceTierForTurn",
                                                    "summary",
                                                    "threadId",
                                                    "toolOutput",
                                                    "turnTrigger"};

void expect_codex_knows(const Json& params, const std::set<std::string>& properties) {
  for (const auto& [key, value] : params.items()) {
    EXPECT_TRUE(properties.contains(key)) << key << " is not a codex 0.169 parameter";
  }
}

ThreadSettings every_setting() {
  return {.approval_policy = "on-request",
          .sandbox = "workspace-write",
          .cwd = "/work",
          .model = "gpt-5",
          .base_instructions = "base",
          .developer_instructions = "dev",
          .personality = "pragmatic"};
}

}  // namespace

TEST(AppServerRequests, ThreadStartWritesEverySettingByCodexsName) {
  const auto params = ThreadStartParams{.settings = every_setting(), .ephemeral = true}.to_json();
  EXPECT_EQ(params, Json::parse(R"({"approvalPolicy":"on-request","sandbox":"workspace-write",
      "cwd":"/work","model":"gpt-5","baseInstructions":"base","developerInstructions":"dev",
      "personality":"pragmatic","ephemeral":true})"));
  expect_codex_knows(params, kThreadStartProperties);
}

TEST(AppServerRequests, UnsetSettingsAreLeftOutForCodexsDefaults) {
  EXPECT_EQ(ThreadStartParams{}.to_json(), Json::object());  // not even ephemeral:false
  ThreadResumeParams resume;
  resume.thread_id = "t";
  EXPECT_EQ(resume.to_json(), Json::parse(R"({"threadId":"t","excludeTurns":true})"));
  TurnStartParams turn_start;
  turn_start.thread_id = "t";
  turn_start.prompt = "hi";
  const auto turn = turn_start.to_json();
  EXPECT_EQ(turn, Json::parse(R"({"threadId":"t",
      "input":[{"type":"text","text":"hi","text_elements":[]}]})"));
}

TEST(AppServerRequests, ThreadResumeAndForkName) {
  const auto resume =
      ThreadResumeParams{.thread_id = "thr_1", .settings = every_setting(), .exclude_turns = true}
          .to_json();
  EXPECT_EQ(resume["threadId"], "thr_1");
  EXPECT_EQ(resume["excludeTurns"], true);
  EXPECT_EQ(resume["developerInstructions"], "dev");
  EXPECT_EQ(resume["sandbox"], "workspace-write");  // thread/resume takes the mode, as start
  expect_codex_knows(resume, kThreadResumeProperties);
  const auto fork = ThreadForkParams{.thread_id = "thr_1"}.to_json();
  EXPECT_EQ(fork, Json::parse(R"({"threadId":"thr_1"})"));
  expect_codex_knows(fork, kThreadForkProperties);
}

TEST(AppServerRequests, TurnStartWritesInputsOverridesAndTheSandboxPolicyObject) {
  const auto params = TurnStartParams{.thread_id = "thr_1",
                                      .prompt = "look",
                                      .images = {"/a.png"},
                                      .effort = "low",
                                      .summary = "concise",
                                      .model = "gpt-5",
                                      .approval_policy = "never",
                                      .cwd = "/work",
                                      .personality = "friendly",
                                      .sandbox = "read-only",
                                      .output_schema = Json{{"type", "object"}}}
                          .to_json();
  EXPECT_EQ(params, Json::parse(R"({"threadId":"thr_1",
      "input":[{"type":"text","text":"look","text_elements":[]},
               {"type":"localImage","path":"/a.png"}],
      "effort":"low","summary":"concise","model":"gpt-5","approvalPolicy":"never",
      "sandboxPolicy":{"type":"readOnly"},"cwd":"/work","personality":"friendly",
      "outputSchema":{"type":"object"}})"));
  expect_codex_knows(params, kTurnStartProperties);
}

TEST(AppServerRequests, SandboxPolicyTypesAreCodexsCamelCase) {
  EXPECT_EQ(sandbox_policy("read-only"), Json::parse(R"({"type":"readOnly"})"));
  EXPECT_EQ(sandbox_policy("workspace-write"), Json::parse(R"({"type":"workspaceWrite"})"));
  EXPECT_EQ(sandbox_policy("danger-full-access"), Json::parse(R"({"type":"dangerFullAccess"})"));
}

TEST(LegacyNotifications, OnlyCodexEventMethodsAreDropped) {
  EXPECT_TRUE(is_legacy_notification("codex/event/agent_message_delta"));
  EXPECT_TRUE(is_legacy_notification("codex/event/task_complete"));
  EXPECT_FALSE(is_legacy_notification("item/agentMessage/delta"));
  EXPECT_FALSE(is_legacy_notification("turn/completed"));
  EXPECT_FALSE(is_legacy_notification("codex/eventual"));
  EXPECT_FALSE(is_legacy_notification(""));
}
