#include "codex_mcp/session/poll_view.hpp"

#include <gtest/gtest.h>

using namespace codex_mcp::session;

namespace {

EventRing sample_ring() {
  EventRing ring;
  ring.append({.type = "progress",
               .data = {{"method", "item/started"},
                        {"itemType", "commandExecution"},
                        {"item", {{"huge", std::string(5000, 'x')}}}}});
  ring.append({.type = "output",
               .data = {{"method", "item/agentMessage/delta"}, {"itemId", "m"}, {"delta", "a"}},
               .coalesce_key = "m"});
  ring.append({.type = "progress", .data = {{"method", "turn/started"}}});
  return ring;
}

}  // namespace

TEST(PollView, MinimalDropsBulkAndFullKeepsIt) {
  auto ring = sample_ring();
  const auto slice = ring.read(0, 10);
  const auto minimal = render_events(slice, {});
  ASSERT_EQ(minimal.events.size(), 3u);
  EXPECT_FALSE(minimal.events[0]["data"].contains("item"));
  EXPECT_EQ(minimal.events[0]["data"]["itemType"], "commandExecution");
  const auto full = render_events(slice, {.response_mode = "full"});
  EXPECT_TRUE(full.events[0]["data"].contains("item"));
  EXPECT_EQ(full.next_cursor, 3);
}

TEST(PollView, SkipDeltasAndFinalOnlyStillAdvanceTheCursor) {
  auto ring = sample_ring();
  const auto slice = ring.read(0, 10);
  const auto no_deltas = render_events(slice, {.skip_deltas = true});
  EXPECT_EQ(no_deltas.events.size(), 2u);
  EXPECT_EQ(no_deltas.next_cursor, 3);
  const auto final_only = render_events(slice, {.final_only = true});
  EXPECT_TRUE(final_only.events.empty());
  EXPECT_EQ(final_only.next_cursor, 3);
}

TEST(PollView, DeltaCompactMergesDeltasAlreadyRead) {
  EventRing ring;
  for (const auto* text : {"he", "ll", "o"}) {
    ring.append({.type = "output",
                 .data = {{"method", "item/agentMessage/delta"}, {"itemId", "m"}, {"delta", text}},
                 .coalesce_key = "m"});
    ring.read(0, 100);  // each delta read as it arrives, so the ring keeps them apart
  }
  const auto slice = ring.read(0, 100);
  ASSERT_EQ(slice.events.size(), 3u);
  const auto compact = render_events(slice, {.response_mode = "delta_compact"});
  ASSERT_EQ(compact.events.size(), 1u);
  EXPECT_EQ(compact.events[0]["data"]["delta"], "hello");
  EXPECT_EQ(compact.events[0]["lastId"], 2);
}
