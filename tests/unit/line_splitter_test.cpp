#include "codex_mcp/transport/line_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using codex_mcp::transport::LineSplitter;

namespace {

struct Collector {
  std::vector<std::string> lines;
  std::vector<std::size_t> oversized;
  LineSplitter make(std::size_t max) {
    return LineSplitter(
        max, [this](std::string line) { lines.push_back(std::move(line)); },
        [this](std::size_t size) { oversized.push_back(size); });
  }
};

}  // namespace

TEST(LineSplitter, SplitsAcrossArbitraryChunkBoundaries) {
  Collector c;
  auto splitter = c.make(1024);
  splitter.feed("{\"a\":1}\n{\"b\"");
  splitter.feed(":2}\r\n\n   \n{\"c\":3}");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
  splitter.finish();
  EXPECT_EQ(c.lines.back(), "{\"c\":3}");
  EXPECT_TRUE(c.oversized.empty());
}

TEST(LineSplitter, OversizedLineIsReportedOnceAndFollowingLinesSurvive) {
  Collector c;
  auto splitter = c.make(8);
  splitter.feed("0123456789");
  splitter.feed("abcdef\nok\n");
  EXPECT_EQ(c.oversized, (std::vector<std::size_t>{16}));
  EXPECT_EQ(c.lines, (std::vector<std::string>{"ok"}));
}

TEST(LineSplitter, LineExactlyAtTheLimitIsAccepted) {
  Collector c;
  auto splitter = c.make(4);
  splitter.feed("abcd\nabcde\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"abcd"}));
  EXPECT_EQ(c.oversized.size(), 1u);
}
