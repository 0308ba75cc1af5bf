#include "codex_mcp/session/event_ring.hpp"

#include <gtest/gtest.h>

using namespace codex_mcp::session;

namespace {

Event delta(const std::string& item, const std::string& text) {
  return {.type = "output",
          .data = {{"method", "item/agentMessage/delta"}, {"itemId", item}, {"delta", text}},
          .coalesce_key = "agentMessage:" + item};
}

Event plain(const std::string& type, bool pinned = false) {
  return {.type = type, .data = {{"n", 1}}, .pinned = pinned};
}

}  // namespace

TEST(EventRing, IdsAreMonotonicAndReadsFollowTheCursor) {
  EventRing ring;
  EXPECT_EQ(ring.append(plain("progress")), 0);
  EXPECT_EQ(ring.append(plain("progress")), 1);
  EXPECT_EQ(ring.append(plain("result", true)), 2);
  auto first = ring.read(0, 2);
  ASSERT_EQ(first.events.size(), 2u);
  EXPECT_EQ(first.events[1]->id, 1);
  EXPECT_EQ(first.next_cursor, 2);
  EXPECT_FALSE(first.reset_to);
  auto rest = ring.read(first.next_cursor, 10);
  ASSERT_EQ(rest.events.size(), 1u);
  EXPECT_EQ(rest.events[0]->type, "result");
  EXPECT_EQ(rest.next_cursor, 3);
  auto empty = ring.read(3, 10);
  EXPECT_TRUE(empty.events.empty());
  EXPECT_EQ(empty.next_cursor, 3);
}

TEST(EventRing, ConsecutiveUnreadDeltasOfOneItemCoalesce) {
  EventRing ring;
  EXPECT_EQ(ring.append(delta("m1", "hel")), 0);
  EXPECT_EQ(ring.append(delta("m1", "lo")), 0);
  EXPECT_EQ(ring.append(delta("m2", "x")), 1);  // another item: a new event
  auto slice = ring.read(0, 10);
  ASSERT_EQ(slice.events.size(), 2u);
  EXPECT_EQ(slice.events[0]->data["delta"], "hello");
  EXPECT_EQ(slice.events[0]->data["coalesced"], 2);
  // Once read, an event never changes under the reader: the next delta is a new event.
  EXPECT_EQ(ring.append(delta("m2", "y")), 2);
  EXPECT_EQ(ring.read(slice.next_cursor, 10).events[0]->data["delta"], "y");
}

TEST(EventRing, CoalescingStopsAtTheSizeCap) {
  EventRing ring({.max_coalesced_bytes = 8});
  ring.append(delta("m", "12345678"));
  EXPECT_EQ(ring.append(delta("m", "9")), 1);
}

TEST(EventRing, EvictsOldestUnpinnedAndReportsReset) {
  EventRing ring({.max_events = 4});
  ring.append(plain("approval_request", true));                 // 0, pinned
  for (int i = 0; i < 10; ++i) ring.append(plain("progress"));  // 1..10
  EXPECT_EQ(ring.size(), 4u);
  auto slice = ring.read(0, 100);
  ASSERT_TRUE(slice.reset_to);
  EXPECT_EQ(*slice.reset_to, 8);  // 1..7 were evicted
  ASSERT_EQ(slice.events.size(), 4u);
  EXPECT_EQ(slice.events[0]->type, "approval_request");  // pinned survived
  EXPECT_EQ(slice.events[1]->id, 8);
  EXPECT_EQ(slice.next_cursor, 11);
  EXPECT_FALSE(ring.read(11, 10).reset_to);
}

TEST(EventRing, PinnedEventsHaveTheirOwnCap) {
  EventRing ring({.max_events = 100, .max_pinned = 3});
  for (int i = 0; i < 10; ++i) ring.append(plain("error", true));
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.read(0, 10).events.front()->id, 7);
}

TEST(EventRing, MemoryIsBoundedByBytesNotByTheFlood) {
  EventRing ring({.max_events = 100000, .max_bytes = 1 << 20, .max_coalesced_bytes = 4096});
  const std::string chunk(100, 'x');
  for (int i = 0; i < 100000; ++i) {
    ring.append(delta("m" + std::to_string(i % 2), chunk));  // alternating: no coalescing
  }
  EXPECT_LE(ring.bytes(), std::size_t{1} << 20);
  EXPECT_EQ(ring.next_id(), 100000);
  auto slice = ring.read(0, 5);
  ASSERT_TRUE(slice.reset_to);
  EXPECT_EQ(slice.events.front()->id, *slice.reset_to);
}

TEST(EventRing, CursorPastAnEvictedGapMovesOn) {
  EventRing ring({.max_events = 2});
  for (int i = 0; i < 5; ++i) ring.append(plain("progress"));  // keeps 3, 4
  auto slice = ring.read(1, 1);
  EXPECT_EQ(*slice.reset_to, 3);
  EXPECT_EQ(slice.events[0]->id, 3);
  EXPECT_EQ(slice.next_cursor, 4);
}

TEST(EventRing, EventsThatDoNotCountRideAlongSoTheCursorMovesPastThem) {
  EventRing ring;
  ring.append(plain("progress"));      // 0
  ring.append(delta("a", "x"));        // 1
  ring.read(0, 1);                     // marks 0 read, so the next delta is new
  ring.append(plain("progress"));      // 2
  ring.append(delta("b", "y"));        // 3
  ring.append(delta("c", "z"));        // 4
  ring.append(plain("result", true));  // 5
  const auto not_delta = +[](const Event& e) { return e.coalesce_key.empty(); };
  const auto first = ring.read(1, 1, not_delta);
  ASSERT_EQ(first.events.size(), 2u);  // delta 1 rides along with progress 2
  EXPECT_EQ(first.events[1]->id, 2);
  EXPECT_EQ(first.next_cursor, 3);
  const auto second = ring.read(3, 1, not_delta);
  ASSERT_EQ(second.events.size(), 3u);
  EXPECT_EQ(second.events.back()->type, "result");
  EXPECT_EQ(second.next_cursor, 6);
}
