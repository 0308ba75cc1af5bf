#include "codex_mcp/session/turn_tracker.hpp"

#include <gtest/gtest.h>

using namespace codex_mcp::session;

namespace {

Json agent_item(const std::string& text) {
  return {{"type", "agentMessage"}, {"id", "msg_1"}, {"text", text}};
}

}  // namespace

TEST(TurnTracker, PlainTurnProducesDeltasAndAResult) {
  TurnTracker tracker;
  tracker.begin_turn(false);
  EXPECT_FALSE(tracker.on_notification("account/rateLimits/updated", Json::object()));
  auto started = tracker.on_notification("turn/started", {{"turn", {{"id", "turn_1"}}}});
  ASSERT_TRUE(started);
  EXPECT_EQ(started->data["turnId"], "turn_1");
  auto delta =
      tracker.on_notification("item/agentMessage/delta", {{"itemId", "msg_1"}, {"delta", "hi"}});
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->type, "output");
  EXPECT_FALSE(delta->coalesce_key.empty());
  EXPECT_EQ(tracker.phase(), "responding");
  tracker.on_notification("thread/tokenUsage/updated", {{"tokenUsage", {{"total", 49}}}});
  EXPECT_TRUE(tracker.turn_running());
  auto done = tracker.on_notification(
      "turn/completed",
      {{"turn", {{"id", "turn_1"}, {"status", "completed"}, {"items", {agent_item("hello")}}}}});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->type, "result");
  EXPECT_TRUE(done->pinned);
  ASSERT_TRUE(tracker.outcome());
  EXPECT_EQ(tracker.outcome()->text, "hello");
  EXPECT_EQ(tracker.outcome()->usage, 49);           // the totals, once
  EXPECT_TRUE(tracker.outcome()->output.is_null());  // codex 0.169 sends no turn.output
  EXPECT_FALSE(tracker.turn_running());
  EXPECT_EQ(tracker.phase(), "finished");
}

TEST(TurnTracker, TheBackendsRawOutputIsKeptWhenItSendsOne) {
  TurnTracker tracker;
  tracker.begin_turn(false);
  const Json output = {{{"type", "message"}, {"text", "raw"}}};
  tracker.on_notification("turn/completed",
                          {{"turn", {{"id", "t"}, {"status", "completed"}, {"output", output}}}});
  ASSERT_TRUE(tracker.outcome());
  EXPECT_EQ(tracker.outcome()->output, output);
}

TEST(TurnTracker, TextFallsBackToCompletedItemThenDeltas) {
  TurnTracker tracker;
  tracker.begin_turn(false);
  tracker.on_notification("item/completed", {{"item", agent_item("from item")}});
  tracker.on_notification("turn/completed", {{"turn", {{"id", "t"}, {"status", "completed"}}}});
  EXPECT_EQ(tracker.outcome()->text, "from item");

  tracker.begin_turn(false);
  EXPECT_FALSE(tracker.outcome());
  tracker.on_notification("item/agentMessage/delta", {{"itemId", "m"}, {"delta", "stre"}});
  tracker.on_notification("item/agentMessage/delta", {{"itemId", "m"}, {"delta", "amed"}});
  tracker.on_notification(
      "turn/completed",
      {{"turn", {{"id", "t2"}, {"status", "interrupted"}, {"items", Json::array()}}}});
  EXPECT_EQ(tracker.outcome()->text, "streamed");
  EXPECT_EQ(tracker.outcome()->status, "interrupted");
}

TEST(TurnTracker, RetryableErrorIsProgressAndFatalErrorFailsTheTurn) {
  TurnTracker tracker;
  tracker.begin_turn(false);
  auto retry = tracker.on_notification(
      "error", {{"error", {{"message", "reconnecting"}}}, {"willRetry", true}});
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->type, "progress");
  EXPECT_EQ(retry->data["method"], "codex-mcp/reconnect");
  auto fatal =
      tracker.on_notification("error", {{"error", {{"message", "boom"}}}, {"willRetry", false}});
  EXPECT_EQ(fatal->type, "error");
  EXPECT_TRUE(fatal->pinned);
  auto done = tracker.on_notification(
      "turn/completed",
      {{"turn", {{"id", "t"}, {"status", "failed"}, {"error", {{"message", "boom"}}}}}});
  EXPECT_EQ(done->type, "error");
  EXPECT_EQ(tracker.outcome()->error["message"], "boom");
}

TEST(TurnTracker, StructuredOutputParsedOnlyWhenRequested) {
  TurnTracker tracker;
  tracker.begin_turn(true);
  tracker.on_notification(
      "turn/completed",
      {{"turn", {{"status", "completed"}, {"items", {agent_item(R"({"ok":true})")}}}}});
  ASSERT_TRUE(tracker.outcome()->structured_output);
  EXPECT_EQ((*tracker.outcome()->structured_output)["ok"], true);
  tracker.begin_turn(false);
  tracker.on_notification(
      "turn/completed",
      {{"turn", {{"status", "completed"}, {"items", {agent_item(R"({"ok":true})")}}}}});
  EXPECT_FALSE(tracker.outcome()->structured_output);
}

TEST(TurnTracker, ItemEventsCarryTheShortView) {
  TurnTracker tracker;
  tracker.begin_turn(false);
  const Json change = {{"path", "/w/hello.txt"}, {"kind", {{"type", "add"}}}, {"diff", "+hello"}};
  const Json item = {{"type", "fileChange"},
                     {"id", "call_1"},
                     {"status", "inProgress"},
                     {"changes", Json::array({change})}};
  auto started = tracker.on_notification("item/started", {{"item", item}});
  ASSERT_TRUE(started);
  EXPECT_EQ(started->data["itemType"], "fileChange");
  EXPECT_EQ(started->data["changes"][0]["path"], "/w/hello.txt");
  EXPECT_FALSE(started->data["changes"][0].contains("diff"));
  EXPECT_EQ(tracker.phase(), "acting");
}

TEST(TurnTracker, ACommandApprovalWithoutItsCommandTakesItFromTheItem) {
  // codex 0.80 sends the command and cwd in item/started only, not in the approval request.
  TurnTracker tracker;
  tracker.begin_turn(false);
  tracker.on_notification("item/started", {{"item",
                                            {{"type", "commandExecution"},
                                             {"id", "call_1"},
                                             {"command", "bash -lc 'touch a'"},
                                             {"cwd", "/work"}}}});
  Json old_request = {{"itemId", "call_1"}, {"reason", "needs approval"}};
  tracker.complete_command_approval(old_request);
  EXPECT_EQ(old_request["command"], "bash -lc 'touch a'");
  EXPECT_EQ(old_request["cwd"], "/work");
  Json current = {{"itemId", "call_1"}, {"command", "touch a"}};  // codex 0.169 names it
  tracker.complete_command_approval(current);
  EXPECT_EQ(current["command"], "touch a");
  Json other = {{"itemId", "call_2"}};
  tracker.complete_command_approval(other);
  EXPECT_FALSE(other.contains("command"));
  tracker.begin_turn(false);  // a new turn forgets the last one's items
  Json stale = {{"itemId", "call_1"}};
  tracker.complete_command_approval(stale);
  EXPECT_FALSE(stale.contains("command"));
}

TEST(TurnTracker, AFileChangeApprovalTakesItsChangesFromTheItem) {
  // codex 0.169 sends the paths and diffs in item/started only, not in the request.
  TurnTracker tracker;
  tracker.begin_turn(false);
  tracker.on_notification("item/started", {{"item",
                                            {{"type", "fileChange"},
                                             {"id", "call_1"},
                                             {"changes", Json::array({{{"path", "/w/hello.txt"},
                                                                       {"kind", {{"type", "add"}}},
                                                                       {"diff", "hello\n"},
                                                                       {"extra", 1}},
                                                                      "garbage"})}}}});
  Json request = {{"itemId", "call_1"}, {"reason", nullptr}};
  tracker.complete_file_change_approval(request);
  EXPECT_EQ(
      request["changes"],
      Json::array({{{"path", "/w/hello.txt"}, {"kind", {{"type", "add"}}}, {"diff", "hello\n"}}}));
  Json other = {{"itemId", "call_2"}};
  tracker.complete_file_change_approval(other);
  EXPECT_FALSE(other.contains("changes"));
  tracker.begin_turn(false);
  Json stale = {{"itemId", "call_1"}};
  tracker.complete_file_change_approval(stale);
  EXPECT_FALSE(stale.contains("changes"));
}
