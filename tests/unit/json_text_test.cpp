#include "codex_mcp/util/json_text.hpp"

#include <random>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using codex_mcp::util::json_text;
using Json = nlohmann::json;

namespace {

/// nlohmann's compact text: what the writer must equal on well-formed documents.
std::string reference(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::strict);
}

/// A random string of plain text, escapes-needing bytes and multi-byte characters.
std::string random_text(std::mt19937& random) {
  static const std::vector<std::string> pieces = {"a",
                                                  "Z",
                                                  " ",
                                                  "0",
                                                  "\"",
                                                  "\\",
                                                  "/",
                                                  "\n",
                                                  "\r",
                                                  "\t",
                                                  "\b",
                                                  "\f",
                                                  std::string(1, '\0'),
                                                  "\x01",
                                                  "\x1f",
                                                  "\x7f",
                                                  "é",
                                                  "€",
                                                  "😀",
                                                  "\u2028",
                                                  "plain words "};
  std::string text;
  const auto length = random() % 12;
  for (std::size_t i = 0; i < length; ++i) text += pieces[random() % pieces.size()];
  return text;
}

Json random_value(std::mt19937& random, int depth) {
  switch (random() % (depth > 3 ? 6 : 8)) {
    case 0:
      return nullptr;
    case 1:
      return random() % 2 == 0;
    case 2:
      return static_cast<std::int64_t>(random()) - (1LL << 31);
    case 3:
      return std::uint64_t{18446744073709551615ULL} - random();
    case 4:
      return static_cast<double>(random()) / 7.0;
    case 5:
      return random_text(random);
    case 6: {
      Json object = Json::object();
      for (auto n = random() % 4; n > 0; --n)
        object[random_text(random)] = random_value(random, depth + 1);
      return object;
    }
    default: {
      Json array = Json::array();
      for (auto n = random() % 4; n > 0; --n) array.push_back(random_value(random, depth + 1));
      return array;
    }
  }
}

}  // namespace

TEST(JsonText, WritesWhatNlohmannWritesForWellFormedDocuments) {
  std::mt19937 random(7);
  for (int round = 0; round < 3000; ++round) {
    const auto value = random_value(random, 0);
    ASSERT_EQ(json_text(value), reference(value)) << reference(value);
  }
}

TEST(JsonText, EscapesWhatJsonRequiresAndKeepsUtf8AsItIs) {
  EXPECT_EQ(json_text(std::string("q\"b\\s/\n\r\t\b\f\x01\x7f é😀")), R"("q\"b\\s/\n\r\t\b\f\u0001)"
                                                                     "\x7f"
                                                                     R"( é😀")");
  EXPECT_EQ(json_text(std::string("a\0b", 3)), R"("a\u0000b")");
}

TEST(JsonText, InvalidUtf8IsReplacedAndTheRestKept) {
  for (const std::string bad :
       {"\xFF", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    const auto text = json_text("before " + bad + " after");
    const auto parsed = Json::parse(text);  // always valid JSON
    const auto back = parsed.get<std::string>();
    EXPECT_EQ(back.rfind("before ", 0), 0u) << text;
    EXPECT_NE(back.find("\xEF\xBF\xBD"), std::string::npos) << text;
    EXPECT_EQ(back.substr(back.size() - 6), " after") << text;
  }
}

// Plain runs are taken eight bytes at a time: a byte that needs care must be found at
// every offset of a word, and at the end of the text.
TEST(JsonText, FindsEverySpecialByteWhereverItFallsInALongRun) {
  for (const std::string special : {"\"", "\\", "\n", "\x1f", "é", "\xFF"}) {
    for (std::size_t at = 0; at < 40; ++at) {
      std::string text(40, 'x');
      text.replace(at, 1, special);
      const auto parsed = Json::parse(json_text(text)).get<std::string>();
      if (special == "\xFF") {
        EXPECT_EQ(parsed, std::string(at, 'x') + "\xEF\xBF\xBD" + std::string(39 - at, 'x'));
      } else {
        EXPECT_EQ(parsed, text) << at;
      }
    }
  }
}
