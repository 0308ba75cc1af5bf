// `codex exec --json` lines (as codex 0.169 prints them) read as app-server notifications,
// and the arguments of an exec turn.
#include "codex_mcp/appserver/exec_events.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "codex_mcp/appserver/exec_client.hpp"

using namespace codex_mcp::appserver;
using Json = nlohmann::json;

TEST(ExecEvents, ATurnAsCodexExecPrintsItBecomesAppServerNotifications) {
  const auto started = translate_exec_event(
      Json::parse(R"({"type":"thread.started","thread_id":"01a2-thread"})"), "t1");
  EXPECT_EQ(started.thread_id, "01a2-thread");
  EXPECT_TRUE(started.notifications.empty());

  const auto turn = translate_exec_event(Json::parse(R"({"type":"turn.started"})"), "t1");
  ASSERT_EQ(turn.notifications.size(), 1u);
  EXPECT_EQ(turn.notifications[0].first, "turn/started");
  EXPECT_EQ(turn.notifications[0].second["turn"]["id"], "t1");

  const auto command = translate_exec_event(
      Json::parse(R"({"type":"item.completed","item":{"id":"item_2","type":"command_execution",
        "command":"bash -lc ls","aggregated_output":"a\n","exit_code":0,"status":"completed"}})"),
      "t1");
  ASSERT_EQ(command.notifications.size(), 1u);
  EXPECT_EQ(command.notifications[0].first, "item/completed");
  EXPECT_EQ(command.notifications[0].second["item"], (Json{{"id", "item_2"},
                                                           {"type", "commandExecution"},
                                                           {"command", "bash -lc ls"},
                                                           {"aggregatedOutput", "a\n"},
                                                           {"exitCode", 0},
                                                           {"status", "completed"}}));

  const auto running = translate_exec_event(
      Json::parse(
          R"({"type":"item.started","item":{"id":"i","type":"command_execution","status":"in_progress"}})"),
      "t1");
  EXPECT_EQ(running.notifications[0].second["item"]["status"], "inProgress");

  const auto warning = translate_exec_event(
      Json::parse(
          R"({"type":"item.completed","item":{"id":"item_0","type":"error","message":"Model metadata for `mock-model` not found."}})"),
      "t1");
  ASSERT_EQ(warning.notifications.size(), 1u);
  EXPECT_EQ(warning.notifications[0].first, "warning");  // not a failure of the turn

  const auto done = translate_exec_event(
      Json::parse(
          R"({"type":"turn.completed","usage":{"input_tokens":42,"cached_input_tokens":0,"output_tokens":7,"reasoning_output_tokens":0}})"),
      "t1");
  EXPECT_TRUE(done.turn_over);
  ASSERT_EQ(done.notifications.size(), 2u);
  EXPECT_EQ(done.notifications[0].first, "thread/tokenUsage/updated");
  EXPECT_EQ(done.notifications[0].second["tokenUsage"]["total"]["totalTokens"], 49);
  EXPECT_EQ(done.notifications[1].first, "turn/completed");
  EXPECT_EQ(done.notifications[1].second["turn"]["status"], "completed");

  const auto failed = translate_exec_event(
      Json::parse(R"({"type":"turn.failed","error":{"message":"quota exceeded"}})"), "t1");
  EXPECT_TRUE(failed.turn_over);
  EXPECT_EQ(failed.notifications[0].second["turn"]["status"], "failed");
  EXPECT_EQ(failed.notifications[0].second["turn"]["error"]["message"], "quota exceeded");

  EXPECT_TRUE(
      translate_exec_event(Json::parse(R"({"type":"something.new"})"), "t1").notifications.empty());
  EXPECT_EQ(camel_case("reasoning_output_tokens"), "reasoningOutputTokens");
}

TEST(ExecEvents, TheFirstTurnSetsTheThreadAndLaterOnesResumeIt) {
  const CodexCommand command{.executable = "codex", .args = {}};
  AppServerSettings settings;
  settings.config_overrides = {{"model_reasoning_summary", "concise"}};
  const Json thread = {{"sandbox", "workspace-write"}, {"cwd", "/w"}, {"model", "m1"}};
  const Json turn = {{"input",
                      {{{"type", "text"}, {"text", "-starts with a dash"}},
                       {{"type", "localImage"}, {"path", "/a.png"}}}},
                     {"effort", "high"}};
  const auto first = exec_args(command, settings, thread, "", turn, "/tmp/schema.json");
  const auto has = [](const std::vector<std::string>& args, std::vector<std::string> run) {
    return std::search(args.begin(), args.end(), run.begin(), run.end()) != args.end();
  };
  EXPECT_EQ(first.front(), "exec");
  EXPECT_TRUE(has(first, {"--json", "--skip-git-repo-check"}));
  EXPECT_TRUE(has(first, {"--sandbox", "workspace-write"}));
  EXPECT_TRUE(has(first, {"--cd", "/w"}));
  EXPECT_TRUE(has(first, {"--model", "m1"}));
  EXPECT_TRUE(has(first, {"-c", "model_reasoning_summary=\"concise\""}));
  EXPECT_TRUE(has(first, {"-c", "approval_policy=\"never\""}));
  EXPECT_TRUE(has(first, {"-c", "model_reasoning_effort=\"high\""}));
  EXPECT_TRUE(has(first, {"--output-schema", "/tmp/schema.json"}));
  EXPECT_TRUE(has(first, {"--image", "/a.png"}));
  EXPECT_TRUE(has(first, {"--", "-starts with a dash"}));  // the prompt is never a flag

  const auto next = exec_args(command, settings, thread, "thread-9", turn, "");
  EXPECT_TRUE(has(next, {"exec", "resume", "--json"}));
  EXPECT_FALSE(has(next, {"--sandbox", "workspace-write"}));  // exec resume takes no such flag
  EXPECT_TRUE(has(next, {"--", "thread-9", "-starts with a dash"}));
}
