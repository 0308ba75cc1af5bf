// backend::describe(StartTimings): the one debug line of a session start's phases, which
// bench_start reads.
#include <gtest/gtest.h>

#include "codex_mcp/backend/channel.hpp"

namespace {

using codex_mcp::backend::StartTimings;
using namespace std::chrono_literals;

TEST(StartTimings, EachPhaseRunsFromTheEndOfTheOneBefore) {
  StartTimings t;
  t.begin = StartTimings::Clock::time_point{} + 1s;
  t.opened = t.begin + 1ms;
  t.spawned = t.opened + 2ms;
  t.initialized = t.spawned + 60ms;
  t.thread_started = t.initialized + 10ms;
  t.turn_started = t.thread_started + 5ms;
  t.persist = 300us;
  t.persist_writes = 3;
  EXPECT_EQ(codex_mcp::backend::describe(t),
            "open=1.0ms spawn=2.0ms initialize=60.0ms thread/start=10.0ms turn/start=5.0ms "
            "persist=0.3ms (3 writes) total=78.0ms spare=no");
}

TEST(StartTimings, AnAdoptedSpareHasNoSpawnOrInitialize) {
  StartTimings t;
  t.begin = StartTimings::Clock::time_point{} + 1s;
  t.opened = t.begin + 1ms;
  t.thread_started = t.opened + 10ms;
  t.turn_started = t.thread_started + 5ms;
  t.adopted = true;
  EXPECT_EQ(codex_mcp::backend::describe(t),
            "open=1.0ms thread/start=10.0ms turn/start=5.0ms persist=0.0ms (0 writes) "
            "total=16.0ms spare=yes");
}

}  // namespace
