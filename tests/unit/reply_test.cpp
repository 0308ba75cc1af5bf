#include "codex_mcp/tools/reply.hpp"

#include <gtest/gtest.h>

#include "codex_mcp/util/json_text.hpp"

using namespace codex_mcp::tools;
using Json = nlohmann::json;

namespace {

/// A finished codex reply whose answer is `text_bytes` long, with a diff and some events.
Json big_reply(std::size_t text_bytes) {
  std::string text;
  while (text.size() < text_bytes) text += "line \"é\"\t\\ ünïcødé 😀\n";
  Json events = Json::array();
  for (int i = 0; i < 20; ++i) {
    events.push_back({{"id", i}, {"type", "output"}, {"time", 1}, {"data", std::string(300, 'e')}});
  }
  return {{"sessionId", "sess_1"},
          {"threadId", "thread_1"},
          {"status", "idle"},
          {"interactionState", "finished"},
          {"recommendedNextAction", "none"},
          {"progress", {{"phase", "finished"}, {"pendingActions", 0}}},
          {"nextCursor", 20},
          {"events", events},
          {"result",
           {{"turnId", "t"},
            {"status", "completed"},
            {"text", text},
            {"diff", std::string(3000, 'd')},
            {"files", {{"created", {"a.txt"}}}}}}};
}

std::size_t size(const Reply& reply) {
  return codex_mcp::util::json_text(reply).size();
}

}  // namespace

TEST(Reply, LeadsWithWhatTheCallerNeedsAndEndsWithTheBulk) {
  const auto text = codex_mcp::util::json_text(in_reading_order(big_reply(120000)));
  EXPECT_EQ(text.find(R"({"sessionId":"sess_1","threadId":"thread_1","status":"idle")"), 0u);
  EXPECT_LT(text.find("\"nextCursor\""), 200u);
  EXPECT_LT(text.find("\"result\""), text.find("\"events\""));
  // In the result, status and files before the text, the diff last.
  const auto result = text.find("\"result\"");
  EXPECT_LT(text.find("\"files\"", result), text.find("\"text\"", result));
  EXPECT_LT(text.find("\"text\"", result), text.find("\"diff\"", result));
}

TEST(Reply, FitsExactlyWithTheMarkersCounted) {
  for (const std::int64_t cap : {1000, 1500, 5000, 20000, 40000}) {
    auto reply = in_reading_order(big_reply(120000));
    ASSERT_TRUE(fit_reply(reply, cap));
    const auto bytes = static_cast<std::int64_t>(size(reply));
    EXPECT_LE(bytes, cap) << "cap " << cap;
    if (cap >= 5000) {
      EXPECT_GE(bytes, cap - 8) << "cap " << cap << ": the text was cut more than needed";
    }
    EXPECT_TRUE(reply["truncated"].get<bool>());
    EXPECT_EQ(reply["resultUri"], "codex-mcp://sessions/sess_1/result");
    const auto text = codex_mcp::util::json_text(reply);
    EXPECT_LT(text.find("\"truncatedFields\""), 300u) << "cap " << cap;
    EXPECT_EQ(text.find(R"({"sessionId":"sess_1")"), 0u);
  }
}

TEST(Reply, DropsTrailingEventsFirstAndMovesTheCursorBack) {
  auto json = big_reply(100);
  json.erase("result");
  auto reply = in_reading_order(json);
  ASSERT_TRUE(fit_reply(reply, 2000));
  EXPECT_LE(size(reply), 2000u);
  const auto kept = reply["events"].size();
  ASSERT_GT(kept, 0u);
  ASSERT_LT(kept, 20u);
  EXPECT_EQ(reply["nextCursor"], kept);  // the first event dropped: the next poll starts there
  EXPECT_EQ(reply["truncatedFields"], Reply::array({"events"}));
  EXPECT_FALSE(reply.contains("resultUri"));  // nothing of the result was cut
}

TEST(Reply, CutsTheDiffBeforeTheAnswer) {
  auto json = big_reply(4000);
  json["events"] = Json::array();
  auto reply = in_reading_order(json);
  const auto whole = static_cast<std::int64_t>(size(reply));
  ASSERT_TRUE(fit_reply(reply, whole - 1000));
  EXPECT_EQ(reply["truncatedFields"], Reply::array({"result/diff"}));
  EXPECT_EQ(reply["result"]["text"], json["result"]["text"]);
}

TEST(Reply, ASmallReplyIsLeftAlone) {
  auto reply = in_reading_order(big_reply(100));
  const auto before = codex_mcp::util::json_text(reply);
  EXPECT_FALSE(fit_reply(reply, 1 << 20));
  EXPECT_EQ(codex_mcp::util::json_text(reply), before);
  EXPECT_FALSE(reply.contains("truncated"));
}

TEST(Reply, ResultUrisNameTheirSession) {
  EXPECT_EQ(session_of_result_uri(result_uri("sess_9")), "sess_9");
  EXPECT_EQ(session_of_result_uri("codex-mcp://sessions/a/b/result"), "");
  EXPECT_EQ(session_of_result_uri("codex-mcp:///server-info"), "");
}
