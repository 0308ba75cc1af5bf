// Polling end to end: long-polls that wake on news, a flood of deltas arriving whole, and
// the poll options that hide events while moving the cursor past them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "e2e_fixture.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp::testing;
using namespace std::chrono_literals;

using PollingE2E = E2EFixture;

TEST_F(PollingE2E, LongPollWakesOnANewEvent) {
  // The model sends its first delta, then holds the rest of its answer until the gate
  // file exists: the test decides when the next event happens, with no timing involved.
  const auto gate = root_ / "gate";
  start_model({{"rules",
                {{{"when", {{"userTextContains", "hold"}}},
                  {"reply", {{"text", "first then the rest"}, {"gate", gate.string()}}}}}}});
  start_server(kCodex);
  const auto sid = start("hold on")["sessionId"];
  const auto first = poll_until(sid, [](const Json& p) {
    for (const auto& event : p["events"]) {
      if (event["data"].value("method", "") == "item/agentMessage/delta") return true;
    }
    return false;
  });
  auto caught_up = tool("codex_check", {{"action", "poll"},
                                        {"sessionId", sid},
                                        {"cursor", first["nextCursor"]},
                                        {"maxEvents", 1000}});
  ASSERT_EQ(caught_up["status"], "running");
  const auto head = caught_up["nextCursor"];

  // The long-poll goes first and a ping after it: once the ping is answered, the server
  // has taken the poll, and with nothing new it must be waiting, not answered.
  server_->send({{"jsonrpc", "2.0"},
                 {"id", 77},
                 {"method", "tools/call"},
                 {"params",
                  {{"name", "codex_check"},
                   {"arguments",
                    {{"action", "poll"},
                     {"sessionId", sid},
                     {"cursor", head},
                     {"pollOptions", {{"waitMs", 60000}}}}}}}});
  server_->send({{"jsonrpc", "2.0"}, {"id", 78}, {"method", "ping"}});
  ASSERT_TRUE(server_->read_response(78));
  EXPECT_EQ(replies_to(77), 0u) << "the long-poll answered before anything new happened";

  std::ofstream(gate) << "open";
  const auto woken = server_->read_response(77, 60s);
  ASSERT_TRUE(woken);
  const auto poll = (*woken)["result"]["structuredContent"];
  ASSERT_EQ(poll["events"].size(), 1u) << poll.dump();
  EXPECT_EQ(poll["events"][0]["id"], head);
  poll_until(sid, finished);
}

TEST_F(PollingE2E, AFloodOfDeltasArrivesWholeAndInOrder) {
  constexpr int kDeltas = 20000;
  start_server(kFake,
               {"FAKE_CODEX_SCENARIO=flood", "FAKE_CODEX_DELTAS=" + std::to_string(kDeltas)});
  // Replies are capped at 20000 bytes by default: this test wants everything at once.
  const auto started = start("flood", {{"waitForResult", 60000}, {"maxBytes", 1 << 20}});
  ASSERT_EQ(started["status"], "idle");
  std::string expected;
  for (int i = 0; i < kDeltas; ++i) expected += std::to_string(i % 10);
  EXPECT_EQ(started["result"]["text"], expected);

  // Merged in the ring, so a few events hold every delta; concatenated, they are the text.
  std::string streamed;
  int merged = 0;
  const auto poll = tool("codex_check", {{"action", "poll"},
                                         {"sessionId", started["sessionId"]},
                                         {"cursor", 0},
                                         {"maxEvents", 1000},
                                         {"responseMode", "full"},
                                         {"pollOptions", {{"maxBytes", 1 << 20}}}});
  for (const auto& event : poll["events"]) {
    if (event["data"].value("method", "") != "item/agentMessage/delta") continue;
    streamed += event["data"]["delta"].get<std::string>();
    merged += event["data"].value("coalesced", 1);
  }
  EXPECT_EQ(streamed, expected);
  EXPECT_EQ(merged, kDeltas);
}

TEST_F(PollingE2E, FinalOnlyAndSkipDeltasMovePastWhatTheyHide) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=slow", "FAKE_CODEX_DELAY_MS=1", "FAKE_CODEX_DELTAS=5"});
  const auto started = start("hello", {{"waitForResult", 60000}});
  ASSERT_EQ(started["status"], "idle");
  const auto sid = started["sessionId"];
  const auto info = tool("codex_session", {{"action", "get"}, {"sessionId", sid}});
  const auto end = info["lastEventId"].get<std::int64_t>() + 1;

  const auto final_only = tool("codex_check", {{"action", "poll"},
                                               {"sessionId", sid},
                                               {"cursor", 0},
                                               {"pollOptions", {{"finalOnly", true}}}});
  EXPECT_TRUE(final_only["events"].empty());
  EXPECT_EQ(final_only["nextCursor"], end);
  EXPECT_EQ(final_only["result"]["status"], "completed");

  // One event a poll, deltas hidden: every poll shows one event, never an empty page.
  std::int64_t cursor = 0;
  int polls = 0;
  while (cursor < end && polls < 100) {
    const auto page = tool("codex_check", {{"action", "poll"},
                                           {"sessionId", sid},
                                           {"cursor", cursor},
                                           {"pollOptions", {{"skipDeltas", true}}}});
    ++polls;
    cursor = page["nextCursor"].get<std::int64_t>();
    ASSERT_EQ(page["events"].size(), 1u) << page.dump();
    EXPECT_NE(page["events"][0]["data"].value("method", ""), "item/agentMessage/delta");
  }
  EXPECT_EQ(cursor, end);
}
