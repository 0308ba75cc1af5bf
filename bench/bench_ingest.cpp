// Ingestion benchmark (in process): how fast a session turns app-server lines into ring
// events — JSON parse, TurnTracker mapping, EventRing append with coalescing and
// eviction — and how much the ring holds afterwards. Prints figures, asserts nothing.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex_mcp/session/event_ring.hpp"
#include "codex_mcp/session/turn_tracker.hpp"

using namespace codex_mcp::session;
using Clock = std::chrono::steady_clock;

namespace {

void run(const char* label, int deltas, bool poll_between) {
  std::vector<std::string> lines;
  lines.reserve(static_cast<std::size_t>(deltas));
  for (int i = 0; i < deltas; ++i) {
    lines.push_back(
        R"({"method":"item/agentMessage/delta","params":{"threadId":"t","turnId":"u","itemId":"msg_1","delta":"token )" +
        std::to_string(i) + R"( "},"emittedAtMs":1})");
  }
  EventRing ring;
  TurnTracker tracker;
  tracker.begin_turn(false);
  std::int64_t cursor = 0;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto message = nlohmann::json::parse(lines[i]);
    if (auto event = tracker.on_notification(message["method"].get_ref<const std::string&>(),
                                             message["params"])) {
      ring.append(std::move(*event));
    }
    if (poll_between && i % 100 == 0) cursor = ring.read(cursor, 1).next_cursor;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%-34s %9.0f events/s   ring: %zu events, %zu KiB (limit %zu KiB)\n", label,
              deltas / seconds, ring.size(), ring.bytes() / 1024, RingLimits{}.max_bytes / 1024);
}

}  // namespace

int main() {
  run("100k deltas, nobody polling", 100000, false);
  run("100k deltas, polled every 100", 100000, true);
  return 0;
}
