// Ingestion benchmark (in process): how fast a session turns app-server delta lines into
// ring events, as Session::on_stream_delta does: the line read (by the delta scanner, or
// as a full JSON document as every other notification is), TurnTracker, EventRing merge or
// append with eviction, and optionally the session journal writing them to disk; and how
// much the ring holds afterwards. Prints figures, asserts nothing.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/appserver/stream_delta.hpp"
#include "codex_mcp/session/event_ring.hpp"
#include "codex_mcp/session/turn_tracker.hpp"
#include "codex_mcp/store/session_journal.hpp"

using namespace codex_mcp::session;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  bool poll_between = false;
  bool journaled = false;
  bool full_parse = false;  ///< a JSON document per line instead of the delta scanner
};

void run(const char* label, int deltas, Options options) {
  boost::asio::io_context io;
  const auto dir = std::filesystem::temp_directory_path() / "codex-mcp-bench-ingest";
  std::filesystem::remove_all(dir);
  auto journal =
      options.journaled ? codex_mcp::store::SessionJournal::open(io.get_executor(), dir) : nullptr;
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
  const auto ingest = [&](std::string_view method, std::string_view item_id,
                          std::string_view delta) {
    tracker.on_delta(method, delta);
    if (const auto key = TurnTracker::delta_key(method, item_id); ring.can_merge(key)) {
      if (journal) journal->append_delta(ring.next_id() - 1, delta);
      ring.merge(delta);
      return;
    }
    auto event = TurnTracker::delta_event(method, item_id, delta);
    if (journal) {
      event.id = ring.next_id();
      journal->append_event(event);
    }
    ring.append(std::move(event));
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (options.full_parse) {
      const auto message = nlohmann::json::parse(lines[i]);
      const auto& params = message["params"];
      ingest(message["method"].get_ref<const std::string&>(),
             params["itemId"].get_ref<const std::string&>(),
             params["delta"].get_ref<const std::string&>());
    } else if (const auto delta = codex_mcp::appserver::parse_stream_delta(lines[i])) {
      ingest(delta->method, delta->item_id, delta->delta);
    }
    if (options.poll_between && i % 100 == 0) cursor = ring.read(cursor, 1).next_cursor;
  }
  if (journal) journal->flush();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::filesystem::remove_all(dir);
  std::printf("%-34s %9.0f events/s   ring: %zu events, %zu KiB (limit %zu KiB)\n", label,
              deltas / seconds, ring.size(), ring.bytes() / 1024, RingLimits{}.max_bytes / 1024);
}

}  // namespace

int main() {
  run("100k deltas, nobody polling", 100000, {});
  run("100k deltas, polled every 100", 100000, {.poll_between = true});
  run("100k deltas, written to the journal", 100000, {.journaled = true});
  run("the same, each line a JSON document", 100000, {.journaled = true, .full_parse = true});
  return 0;
}
