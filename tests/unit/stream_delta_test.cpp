#include "codex_mcp/appserver/stream_delta.hpp"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using codex_mcp::appserver::parse_stream_delta;

namespace {

// A line as codex 0.169's app-server writes it (captured from the demo's run).
const std::string kReal =
    R"({"method":"item/agentMessage/delta","params":{"threadId":"01a20032-c495-7843-8382-a906383625f8","turnId":"01a20032-c550-7963-8d41-74e959ec89e2","itemId":"msg_4","delta":"DONE[Chunk ID: 675593\nWall time: 0.0"},"emittedAtMs":1795299657284})";

std::string line_with_delta(const std::string& encoded_delta) {
  return R"({"method":"item/agentMessage/delta","params":{"threadId":"t","turnId":"u","itemId":"msg_1","delta":")" +
         encoded_delta + R"("},"emittedAtMs":1})";
}

/// What the full parser makes of the line, in the fast path's terms (nullopt: not a delta
/// notification, or not JSON at all).
struct Parsed {
  std::string method, item_id, delta;
};
std::optional<Parsed> full_parse(const std::string& line) {
  const auto message = nlohmann::json::parse(line, nullptr, false);
  if (message.is_discarded() || !message.is_object() || !message.contains("method") ||
      !message["method"].is_string() || message.contains("id")) {
    return std::nullopt;
  }
  const auto params = message.value("params", nlohmann::json());
  if (!params.is_object() || !params.contains("itemId") || !params.contains("delta") ||
      !params["itemId"].is_string() || !params["delta"].is_string()) {
    return std::nullopt;
  }
  return Parsed{message["method"].get<std::string>(), params["itemId"].get<std::string>(),
                params["delta"].get<std::string>()};
}

}  // namespace

TEST(StreamDelta, ReadsTheLineCodexWrites) {
  const auto delta = parse_stream_delta(kReal);
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->method, "item/agentMessage/delta");
  EXPECT_EQ(delta->item_id, "msg_4");
  EXPECT_EQ(delta->delta, "DONE[Chunk ID: 675593\nWall time: 0.0");
}

TEST(StreamDelta, EveryStreamingMethodIsTaken) {
  for (const std::string method :
       {"item/agentMessage/delta", "item/reasoning/textDelta", "item/reasoning/summaryTextDelta",
        "item/commandExecution/outputDelta", "item/fileChange/outputDelta", "item/plan/delta"}) {
    const auto delta =
        parse_stream_delta(R"({"method":")" + method + R"(","params":{"itemId":"i","delta":"d"}})");
    ASSERT_TRUE(delta) << method;
    EXPECT_EQ(delta->method, method);
    EXPECT_TRUE(codex_mcp::appserver::is_stream_delta_method(method));
  }
  EXPECT_FALSE(codex_mcp::appserver::is_stream_delta_method("item/completed"));
}

TEST(StreamDelta, DecodesEveryEscapeAndKeepsUtf8) {
  const auto delta =
      parse_stream_delta(line_with_delta(R"(a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac\ud83d\ude00 é€😀)"));
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->delta, "a\"b\\c/d\b\f\n\r\t\u00e9\u20ac\U0001F600 é€😀");
}

TEST(StreamDelta, TakesAnyKeyOrderWhitespaceAndPlainExtraFields) {
  const auto delta = parse_stream_delta(
      " { \"emittedAtMs\" : -15 , \"jsonrpc\":\"2.0\", \"params\" : { \"delta\" : \"x\" , "
      "\"seq\": 7, \"note\": \"new in some later codex\", \"itemId\":\"i\" } ,\r\n"
      "\"method\" : \"item/plan/delta\" } ");
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->method, "item/plan/delta");
  EXPECT_EQ(delta->item_id, "i");
  EXPECT_EQ(delta->delta, "x");
}

TEST(StreamDelta, LeavesEverythingElseToTheFullParser) {
  const std::vector<std::string> others = {
      "", "{}", "garbage", R"({"id":1,"result":{}})",
      R"({"id":1,"method":"item/agentMessage/delta","params":{"itemId":"i","delta":"d"}})",
      R"({"method":"item/completed","params":{"item":{"type":"agentMessage"}}})",
      R"({"method":"item/agentMessage/delta"})",
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i"}})",
      R"({"method":"item/agentMessage/delta","params":{"delta":"d"}})",
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i","delta":5}})",
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i","delta":"d","x":{}}})",
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i","delta":"d","x":null}})",
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i","delta":"d"}} x)",
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i","delta":"d"},})",
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i","delta":"d"},"emittedAtMs":01})",
      // Numbers past an integer's range: the full parser refuses some (1e999 overflows).
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i","delta":"d"},"emittedAtMs":1e999})",
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i","delta":"d","n":1.5}})",
      R"({"method":"item/agentMessage/delta","params":{"itemId":"i","delta":"d","n":1234567890123456789}})",
      line_with_delta(R"(\ud83d)"),         // a lone high surrogate
      line_with_delta(R"(\ude00)"),         // a lone low surrogate
      line_with_delta(R"(\ud83d\u0041)"),   // a high surrogate without its low half
      line_with_delta(R"(\x)"),             // no such escape
      line_with_delta(R"(\u12g4)"),         // not hex
      line_with_delta("tab\there"),         // a raw control character
      line_with_delta("\xC0\x80"),          // an overlong NUL
      line_with_delta("\xED\xA0\x80"),      // a surrogate in UTF-8
      line_with_delta("\xF4\x90\x80\x80"),  // past U+10FFFF
      line_with_delta("\xE2\x82"),          // a cut sequence
      line_with_delta("\xFF"),              // never valid
  };
  for (const auto& line : others) {
    EXPECT_FALSE(parse_stream_delta(line)) << line;
  }
}

// The fast path may decline any line, but a line it takes must mean exactly what the full
// parser makes of it. Random damage to delta lines, both ways round.
TEST(StreamDelta, AgreesWithTheFullParserOnDamagedLines) {
  const std::vector<std::string> seeds = {
      kReal, line_with_delta(R"(a\"b\\c\n\u00e9\ud83d\ude00 é€😀)"),
      R"({"method":"item/reasoning/textDelta","params":{"itemId":"r","delta":"think","n":-125}})"};
  const std::string alphabet = "\"\\/{}[]:,. 0123456789eE+-tnrubfu\x01\x1f\x7f\xC3\xA9\xED\xF0\xFF";
  std::mt19937 random(20261121);
  int taken = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string line = seeds[round % seeds.size()];
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits && !line.empty(); ++e) {
      const auto at = random() % line.size();
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          line[at] = c;
          break;
        case 1:
          line.insert(line.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          line.erase(at, 1);
          break;
      }
    }
    const auto fast = parse_stream_delta(line);
    if (!fast) continue;
    ++taken;
    const auto full = full_parse(line);
    ASSERT_TRUE(full) << "taken by the fast path, refused by the full parser: " << line;
    EXPECT_EQ(fast->method, full->method) << line;
    EXPECT_EQ(fast->item_id, full->item_id) << line;
    EXPECT_EQ(fast->delta, full->delta) << line;
  }
  EXPECT_GT(taken, 1000);  // the damage left plenty of lines for the comparison to check
}
