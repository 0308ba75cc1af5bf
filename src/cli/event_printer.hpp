// EventPrinter: a session's events (as events.jsonl holds them) as lines for a person —
// agent text streamed as it arrives, commands with their exit codes, file changes,
// approvals asked and answered, turn results and errors. Bookkeeping events are left out.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "codex_mcp/session/event_ring.hpp"
#include "terminal.hpp"

namespace codex_mcp::cli {

class EventPrinter {
 public:
  explicit EventPrinter(const Terminal& terminal) : terminal_(terminal) {}

  /// The text to write for one parsed events.jsonl line (store::parse_event_line): whole
  /// lines, or a piece of streamed agent text that the next line will close.
  std::string format(const session::Event& event);
  /// Ends a streamed line still open (at the end of the output).
  std::string finish();

 private:
  std::string line(std::int64_t time_ms, const std::string& text);
  std::string stream(const session::Event& event, const std::string& delta);
  std::string item(const session::Event& event);

  const Terminal& terminal_;
  bool line_open_ = false;          ///< streamed agent text without its newline yet
  std::int64_t streaming_id_ = -1;  ///< the event later {"id","delta"} lines extend
  bool streaming_agent_ = false;    ///< that event is agent text (other deltas are skipped)
  std::set<std::string> streamed_;  ///< agent message items already shown through deltas
  bool turn_has_text_ = false;      ///< agent text was shown since the turn started
};

}  // namespace codex_mcp::cli
