// Shaping a poll answer: which events, in which form, within which size.
//
// responseMode: `full` returns events as stored; `minimal` (the default) keeps each
// event's type, id, method and its short fields, dropping bulky payloads (item bodies,
// diffs, raw params); `delta_compact` is minimal with consecutive deltas of one item
// merged. skipDeltas drops streaming deltas, finalOnly drops every event; either way the
// cursor moves past what was hidden. maxBytes trims events from the end (moving the
// cursor back so nothing is lost), then long texts, and says what it cut.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex_mcp/session/event_ring.hpp"

namespace codex_mcp::session {

struct ViewOptions {
  std::string response_mode = "minimal";  ///< minimal | delta_compact | full
  bool include_events = true;
  bool skip_deltas = false;
  bool final_only = false;
};

/// Events of `slice` rendered for the caller, and the cursor to hand back.
struct EventView {
  Json events = Json::array();
  std::int64_t next_cursor = 0;
};

EventView render_events(const PollSlice& slice, const ViewOptions& options);

/// True for streaming delta events (agent text, reasoning, command output…).
bool is_delta(const Event& event);

}  // namespace codex_mcp::session
