// Results shaped for what clients do with them, end to end on the real codex app-server:
// replies lead with the session id and stay under their cap however long the answer, the
// full text waits in the session's result resource, long-polls that hide deltas wait for
// something they will show, and a turn that edits files says which and how.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "e2e_fixture.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp::testing;
using namespace std::chrono_literals;

namespace {

/// A 120 KB answer with characters JSON must escape and multi-byte ones.
std::string big_answer() {
  std::string text;
  for (int line = 0; text.size() < 120000; ++line) {
    text += "line " + std::to_string(line) + ": \"quoted\"\tünïcødé\n";
  }
  return text;
}

/// Where `"sessionId"` starts in the structuredContent and in the text content of the
/// tool result last read (as sent, key order kept), and the text's size.
struct Layout {
  std::size_t structured_at, text_at, text_size;
};

Layout layout_of(const McpProcess& server, const Json& response) {
  const auto& raw = server.last_response_text;
  const auto structured = raw.find("\"structuredContent\":");
  const auto text = response["result"]["content"][0]["text"].get<std::string>();
  return {raw.find("\"sessionId\"", structured) - structured - 20, text.find("\"sessionId\""),
          text.size()};
}

}  // namespace

class ResultsE2E : public E2EFixture {
 protected:
  Json read_resource(const std::string& uri) {
    server_->send(
        {{"jsonrpc", "2.0"}, {"id", 91}, {"method", "resources/read"}, {"params", {{"uri", uri}}}});
    return *server_->read_response(91, 60s);
  }
  static std::string result_uri_of(const Json& reply) {
    return "codex-mcp://sessions/" + reply["sessionId"].get<std::string>() + "/result";
  }
  /// The model streams one delta of its answer, then holds the rest until the gate file
  /// exists: the test decides when the next event happens. Returns the session id.
  std::string start_held_turn() {
    start_model({{"rules",
                  {{{"when", {{"userTextContains", "hold"}}},
                    {"reply", {{"text", "first then the rest"}, {"gate", gate().string()}}}}}}});
    start_server(kCodex);
    return start("hold on")["sessionId"];
  }
  fs::path gate() const { return root_ / "gate"; }

  /// Sends a long-poll as request 77 and a ping after it: once the ping is answered the
  /// server has taken the poll; it must still be waiting. Then opens the gate and returns
  /// the poll's answer.
  Json long_poll_across_the_gate(const Json& arguments, const Json& meta = Json::object()) {
    Json params = {{"name", "codex_check"}, {"arguments", arguments}};
    if (!meta.empty()) params["_meta"] = meta;
    server_->send({{"jsonrpc", "2.0"}, {"id", 77}, {"method", "tools/call"}, {"params", params}});
    server_->send({{"jsonrpc", "2.0"}, {"id", 78}, {"method", "ping"}});
    EXPECT_TRUE(server_->read_response(78));
    EXPECT_EQ(replies_to(77), 0u) << "the long-poll answered with nothing to show";
    std::ofstream(gate()) << "open";
    const auto woken = server_->read_response(77, 60s);
    EXPECT_TRUE(woken);
    return woken ? (*woken)["result"]["structuredContent"] : Json();
  }

  /// codex_check raw response (structured content in result.structuredContent).
  Json check_raw(const Json& arguments) { return server_->call_tool("codex_check", arguments); }
};

TEST_F(ResultsE2E, ALargeAnswerLeadsWithTheSessionIdStaysUnderTheCapAndIsWholeInTheResource) {
  const auto answer = big_answer();
  start_model({{"rules",
                {{{"when", {{"userTextContains", "big"}}},
                  {"reply", {{"text", answer}, {"chunks", 40}}}}}}});
  start_server(kCodex);
  const auto response = server_->call_tool("codex", {{"prompt", "big one"},
                                                     {"approvalPolicy", "on-request"},
                                                     {"sandbox", "read-only"},
                                                     {"cwd", (root_ / "work").string()},
                                                     {"advanced", {{"waitForResult", 120000}}}});
  const auto reply = response["result"]["structuredContent"];
  ASSERT_EQ(reply["status"], "idle") << reply.dump().substr(0, 2000);
  const auto at = layout_of(*server_, response);
  EXPECT_EQ(at.structured_at, 1u);  // {"sessionId": first
  EXPECT_EQ(at.text_at, 1u);
  EXPECT_LE(at.text_size, 20000u);  // the default cap, markers included
  EXPECT_GT(at.text_size, 19000u);  // cut no more than needed
  EXPECT_TRUE(reply["truncated"].get<bool>());
  EXPECT_EQ(reply["truncatedFields"], Json::array({"result/text"}));
  const auto uri = reply["resultUri"].get<std::string>();
  EXPECT_EQ(uri, "codex-mcp://sessions/" + reply["sessionId"].get<std::string>() + "/result");

  const auto resource = read_resource(uri);
  ASSERT_TRUE(resource.contains("result")) << resource.dump();
  const auto& content = resource["result"]["contents"][0];
  EXPECT_EQ(content["mimeType"], "application/json");
  const auto full = Json::parse(content["text"].get<std::string>());
  EXPECT_EQ(full["text"], answer);
  EXPECT_EQ(full["status"], "completed");

  // Asked for everything, it still leads with the id.
  const auto whole = check_raw({{"action", "poll"},
                                {"sessionId", reply["sessionId"]},
                                {"pollOptions", {{"finalOnly", true}, {"maxBytes", 500000}}}});
  const auto whole_at = layout_of(*server_, whole);
  EXPECT_EQ(whole_at.structured_at, 1u);
  EXPECT_EQ(whole_at.text_at, 1u);
  EXPECT_GT(whole_at.text_size, 120000u);
  EXPECT_EQ(whole["result"]["structuredContent"]["result"]["text"], answer);
}

TEST_F(ResultsE2E, ReplyAndPollAreCappedAndMaxBytesIsExact) {
  const auto answer = big_answer();
  start_model({{"rules",
                {{{"when", {{"userTextContains", "big"}}},
                  {"reply", {{"text", answer}, {"chunks", 40}}}}}}});
  start_server(kCodex);
  const auto started = start("small first", {{"waitForResult", 120000}});
  ASSERT_EQ(started["status"], "idle");
  const auto sid = started["sessionId"];
  EXPECT_FALSE(started.contains("truncated"));

  const auto replied = server_->call_tool(
      "codex_reply", {{"sessionId", sid}, {"prompt", "now big"}, {"waitForResult", 120000}});
  const auto reply = replied["result"]["structuredContent"];
  ASSERT_EQ(reply["status"], "idle");
  EXPECT_LE(layout_of(*server_, replied).text_size, 20000u);
  EXPECT_EQ(layout_of(*server_, replied).text_at, 1u);
  EXPECT_TRUE(reply["truncated"].get<bool>());

  // The trimmed result was not delivered whole: the default poll carries it, capped.
  const auto polled = check_raw({{"action", "poll"}, {"sessionId", sid}, {"maxEvents", 1000}});
  const auto poll = polled["result"]["structuredContent"];
  EXPECT_LE(layout_of(*server_, polled).text_size, 20000u);
  EXPECT_TRUE(poll["truncated"].get<bool>());
  EXPECT_EQ(poll["result"]["status"], "completed");

  for (const std::int64_t cap : {1000, 4096, 40000}) {
    const auto capped = check_raw({{"action", "poll"},
                                   {"sessionId", sid},
                                   {"cursor", 0},
                                   {"maxEvents", 1000},
                                   {"responseMode", "full"},
                                   {"pollOptions", {{"maxBytes", cap}}}});
    const auto size = static_cast<std::int64_t>(layout_of(*server_, capped).text_size);
    EXPECT_LE(size, cap);
    EXPECT_GE(size, cap - 16) << "cut more than needed";
    EXPECT_TRUE(capped["result"]["structuredContent"]["truncated"].get<bool>());
  }
}

TEST_F(ResultsE2E, AResultGivenWholeIsNotRepeatedByTheDefaultPoll) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto started = start("hello", {{"waitForResult", 120000}});
  ASSERT_EQ(started["result"]["text"], "ECHO[hello]");
  EXPECT_FALSE(started["progress"].contains("tokens"));  // the result's usage says it
  EXPECT_EQ(started["result"]["usage"]["totalTokens"], 49);
  const auto sid = started["sessionId"];
  const auto poll = tool("codex_check", {{"action", "poll"}, {"sessionId", sid}});
  EXPECT_FALSE(poll.contains("result")) << poll.dump();
  EXPECT_EQ(poll["resultUri"], "codex-mcp://sessions/" + sid.get<std::string>() + "/result");
  const auto asked =
      tool("codex_check",
           {{"action", "poll"}, {"sessionId", sid}, {"pollOptions", {{"includeResult", true}}}});
  EXPECT_EQ(asked["result"]["text"], "ECHO[hello]");
}

TEST_F(ResultsE2E, ALongPollSkippingDeltasWaitsForAnEventItWillShow) {
  const auto sid = start_held_turn();
  const auto seen = poll_until(sid, [](const Json& p) {
    for (const auto& event : p["events"]) {
      if (event["data"].value("method", "") == "item/agentMessage/delta") return true;
    }
    return false;
  });
  // From a cursor before the delta: an unread hidden delta must not end the wait.
  std::int64_t before_delta = 0;
  for (const auto& event : seen["events"]) {
    if (event["data"].value("method", "") == "item/agentMessage/delta") {
      before_delta = event["id"].get<std::int64_t>();
    }
  }
  const auto poll =
      long_poll_across_the_gate({{"action", "poll"},
                                 {"sessionId", sid},
                                 {"cursor", before_delta},
                                 {"pollOptions", {{"waitMs", 60000}, {"skipDeltas", true}}}});
  ASSERT_EQ(poll["events"].size(), 1u) << poll.dump();
  EXPECT_NE(poll["events"][0]["data"].value("method", ""), "item/agentMessage/delta");
  poll_until(sid, finished);
}

TEST_F(ResultsE2E, ALongPollForTheFinalResultWaitsForTheTurnsEnd) {
  const auto sid = start_held_turn();
  poll_until(sid, [](const Json& p) { return p["progress"].value("phase", "") == "responding"; });
  const auto poll =
      long_poll_across_the_gate({{"action", "poll"},
                                 {"sessionId", sid},
                                 {"cursor", 0},
                                 {"pollOptions", {{"waitMs", 60000}, {"finalOnly", true}}}},
                                {{"progressToken", "wait-1"}});
  EXPECT_EQ(poll["status"], "idle") << poll.dump();
  EXPECT_EQ(poll["result"]["text"], "first then the rest");
  EXPECT_TRUE(poll["events"].empty());
  // While it waited, the person watching was told what codex was doing.
  bool told = false;
  for (const auto& message : server_->skipped) {
    if (message.value("method", "") != "notifications/progress") continue;
    EXPECT_EQ(message["params"]["progressToken"], "wait-1");
    EXPECT_EQ(message["params"]["total"], 60000);
    told = told || message["params"].value("message", "").starts_with("codex: ");
  }
  EXPECT_TRUE(told);
}

TEST_F(ResultsE2E, ATurnThatEditsFilesSaysWhichAndHow) {
  std::ofstream(root_ / "work" / "keep.txt") << "one\ntwo\nthree\n";
  std::ofstream(root_ / "work" / "gone.txt") << "bye\n";
  const Json after_tool = {{"userTextContains", "edit"}, {"lastInputType", "function_call_output"}};
  start_model(
      {{"rules",
        {{{"when", {{"userTextContains", "edit"}}},
          {"reply", {{"patch", {{"path", "new.txt"}, {"content", "fresh\n"}}}}},
          {"times", 1}},
         {{"when", after_tool},
          {"reply", {{"patch", {{"path", "keep.txt"}, {"old", "two"}, {"new", "TWO"}}}}},
          {"times", 1}},
         {{"when", after_tool},
          {"reply", {{"patch", {{"path", "gone.txt"}, {"delete", true}}}}},
          {"times", 1}},
         {{"when", after_tool}, {"reply", {{"text", "edited three files"}}}, {"times", 1}}}}});
  start_server(kCodex);
  const auto started = tool("codex", {{"prompt", "please edit"},
                                      {"approvalPolicy", "never"},
                                      {"sandbox", "workspace-write"},
                                      {"cwd", (root_ / "work").string()},
                                      {"advanced", {{"waitForResult", 120000}}}});
  ASSERT_EQ(started["status"], "idle") << started.dump();
  const auto& result = started["result"];
  EXPECT_EQ(result["text"], "edited three files");
  EXPECT_EQ(
      result["files"],
      Json({{"created", {"new.txt"}}, {"modified", {"keep.txt"}}, {"deleted", {"gone.txt"}}}));
  const auto diff = result["diff"].get<std::string>();
  EXPECT_NE(diff.find("+++ b/new.txt\n@@ -0,0 +1 @@\n+fresh\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("-two\n+TWO\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("--- a/gone.txt\n+++ /dev/null"), std::string::npos) << diff;
  std::string kept;
  std::getline(std::ifstream(root_ / "work" / "new.txt"), kept);
  EXPECT_EQ(kept, "fresh");  // it happened on disk, as the result says

  const auto resource = read_resource(result_uri_of(started));
  const auto full = Json::parse(resource["result"]["contents"][0]["text"].get<std::string>());
  EXPECT_EQ(full["diff"], diff);
  EXPECT_EQ(full["files"], result["files"]);
}

TEST_F(ResultsE2E, AnApprovalTakesTwoCallsTheStartThatShowsItAndTheAnswerThatWaitsOn) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "touch"}}},
                  {"reply", {{"exec", {{"cmd", "touch approved.txt"}, {"escalated", true}}}}}}}}});
  start_server(kCodex);
  // The wait ends when the approval needs the caller, and the reply carries it: no poll.
  const auto started = start("please touch the file", {{"waitForResult", 120000}});
  ASSERT_EQ(started["recommendedNextAction"], "respond_permission") << started.dump();
  EXPECT_EQ(started["execution"]["reason"], "needs_caller");
  ASSERT_EQ(started["actions"].size(), 1u);
  const auto& action = started["actions"][0];
  EXPECT_NE(action["command"].get<std::string>().find("touch approved.txt"), std::string::npos);
  // The answer waits on, to the end of the turn.
  const auto answered =
      tool("codex_check", {{"action", "respond_permission"},
                           {"sessionId", started["sessionId"]},
                           {"requestId", action["requestId"]},
                           {"decision", "accept"},
                           {"pollOptions", {{"waitMs", 60000}, {"finalOnly", true}}}});
  EXPECT_EQ(answered["status"], "idle") << answered.dump();
  EXPECT_EQ(answered["result"]["status"], "completed");
  EXPECT_TRUE(fs::exists(root_ / "work" / "approved.txt"));
}
