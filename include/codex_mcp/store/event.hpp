// Event: one entry of a session's event log, as the session's ring holds it in memory and
// the journal writes it to events.jsonl. Defined here, below the session layer, so that
// the store (which writes and reads it) depends on nothing above it.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace codex_mcp::store {

struct Event {
  std::int64_t id = -1;  ///< assigned by the ring
  std::string type{};  ///< output | progress | approval_request | approval_result | result | error
  nlohmann::json data{};     ///< type-specific payload (for output: method, itemId, delta/text…)
  std::int64_t time_ms = 0;  ///< wall clock, ms since the epoch
  bool pinned = false;
  /// Non-empty for streaming deltas: consecutive unread events with the same key merge,
  /// concatenating data["delta"].
  std::string coalesce_key{};
};

}  // namespace codex_mcp::store
