#include "codex_mcp/util/json_parse.hpp"

#include <gtest/gtest.h>

#include <string>

using codex_mcp::util::json_nesting_exceeds;
using codex_mcp::util::JsonInputError;
using codex_mcp::util::parse_untrusted_json;
using codex_mcp::util::parse_untrusted_json_or_discarded;

TEST(JsonParse, NestingIsCountedOutsideStringsOnly) {
  EXPECT_FALSE(json_nesting_exceeds(R"([[{"a":[1]}]])", 4));
  EXPECT_TRUE(json_nesting_exceeds(R"([[{"a":[1]}]])", 3));
  // Brackets and escaped quotes inside strings do not nest.
  EXPECT_FALSE(json_nesting_exceeds(R"(["[[[[", "\"[[[[", {"k\\":"{{{{"}])", 2));
  // Siblings do not add up.
  EXPECT_FALSE(json_nesting_exceeds("[[1],[2],[3],[4]]", 2));
}

TEST(JsonParse, EveryParserFailureIsOneExceptionType) {
  EXPECT_THROW(parse_untrusted_json("{"), JsonInputError);
  EXPECT_THROW(parse_untrusted_json("1e999"), JsonInputError);
  EXPECT_THROW(parse_untrusted_json(std::string(100000, '9')), JsonInputError);
  try {
    parse_untrusted_json(std::string(100000, '[') + std::string(100000, ']'));
    FAIL() << "a deep document was accepted";
  } catch (const JsonInputError& e) {
    EXPECT_EQ(e.kind(), JsonInputError::Kind::too_deep);
  }
  EXPECT_TRUE(parse_untrusted_json_or_discarded("[1e999]").is_discarded());
  EXPECT_EQ(parse_untrusted_json(R"({"a":[1,2]})")["a"][1], 2);
}
