// Ingestion benchmark (in process): how fast a session turns app-server lines into ring
// events — JSON parse, TurnTracker mapping, EventRing append with coalescing and
// eviction, and optionally the session journal writing them to disk as Session::record
// does — and how much the ring holds afterwards. Prints figures, asserts nothing.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/session/event_ring.hpp"
#include "codex_mcp/session/turn_tracker.hpp"
#include "codex_mcp/store/session_journal.hpp"

using namespace codex_mcp::session;
using Clock = std::chrono::steady_clock;

namespace {

void run(const char* label, int deltas, bool poll_between, bool journaled = false) {
  boost::asio::io_context io;
  const auto dir = std::filesystem::temp_directory_path() / "codex-mcp-bench-ingest";
  std::filesystem::remove_all(dir);
  auto journal =
      journaled ? codex_mcp::store::SessionJournal::open(io.get_executor(), dir) : nullptr;
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
      if (journal) {
        if (ring.would_coalesce(*event)) {
          journal->append_delta(ring.next_id() - 1,
                                event->data["delta"].get_ref<const std::string&>());
        } else {
          event->id = ring.next_id();
          journal->append_event(*event);
        }
      }
      ring.append(std::move(*event));
    }
    if (poll_between && i % 100 == 0) cursor = ring.read(cursor, 1).next_cursor;
  }
  if (journal) journal->flush();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::filesystem::remove_all(dir);
  std::printf("%-34s %9.0f events/s   ring: %zu events, %zu KiB (limit %zu KiB)\n", label,
              deltas / seconds, ring.size(), ring.bytes() / 1024, RingLimits{}.max_bytes / 1024);
}

}  // namespace

int main() {
  run("100k deltas, nobody polling", 100000, false);
  run("100k deltas, polled every 100", 100000, true);
  run("100k deltas, written to the journal", 100000, false, true);
  return 0;
}
