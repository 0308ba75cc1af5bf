// EventRing: a session's bounded, cursor-addressed event log in memory.
//
// Ids are monotonic from 0 and never reused; a poller passes back the next id it wants.
// Memory is bounded by an event count and a byte budget, not by how much a turn streams:
// consecutive streaming deltas of one item are coalesced into one event (up to a size
// cap) while nobody has read it yet, and the oldest unpinned events are evicted first.
// Approvals, results and errors are pinned: evicted only when pinned events alone exceed
// their own cap. A poll from before an eviction reports `reset_to` so the caller knows
// it missed events. Threading: the loop thread only (no locks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex_mcp/store/event.hpp"

namespace codex_mcp::session {

using Json = nlohmann::json;

using Event = store::Event;

struct RingLimits {
  std::size_t max_events = 2000;
  std::size_t max_bytes = 8u << 20;
  std::size_t max_pinned = 500;
  std::size_t max_coalesced_bytes = 64u << 10;
};

struct PollSlice {
  std::vector<const Event*> events;      ///< valid until the ring is next modified
  std::int64_t next_cursor = 0;          ///< pass this back next time
  std::optional<std::int64_t> reset_to;  ///< set when events at or after `cursor` were evicted
};

class EventRing {
 public:
  explicit EventRing(RingLimits limits = {}) : limits_(limits) {}

  /// Appends (or coalesces into the previous unread delta); returns the event's id.
  std::int64_t append(Event event);
  /// True when append(event) would merge it into the newest event (id next_id() - 1).
  bool would_coalesce(const Event& event) { return coalesce_target(event) != nullptr; }
  /// True when a delta with this coalesce key would merge into the newest event.
  bool can_merge(std::string_view key) { return merge_target(key) != nullptr; }
  /// Appends `delta` to the newest event's; only after can_merge said yes. What append
  /// does with a mergeable event, without building one.
  void merge(std::string_view delta);
  /// Puts back an event read from the session's log, keeping its id (ids must grow).
  void restore(Event event);
  /// Events with id >= cursor, oldest first, up to max_events of them that `counts` (all
  /// when null): the others ride along, so a caller who hides them still moves past them.
  /// Marks them read, so later deltas no longer merge into them.
  PollSlice read(std::int64_t cursor, std::size_t max_events,
                 bool (*counts)(const Event&) = nullptr);

  /// True when an event with id >= cursor is held that `shows` accepts (any, when null).
  /// Reads nothing: a long-poll asks it before deciding to wait.
  bool any_from(std::int64_t cursor, bool (*shows)(const Event&) = nullptr) const;

  std::int64_t next_id() const { return next_id_; }
  std::size_t size() const { return events_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::int64_t evicted_through() const { return evicted_upto_; }
  const std::deque<Event>& events() const { return events_; }
  /// The newest event of this type, if still held.
  const Event* last_of_type(const std::string& type) const;

 private:
  static std::size_t size_of(const Event& event);
  Event* coalesce_target(const Event& event);
  Event* merge_target(std::string_view key);
  std::int64_t push(Event event);
  void evict_to_fit();
  void evict_at(std::deque<Event>::iterator it);

  RingLimits limits_;
  std::deque<Event> events_;  // sorted by id; pinned ones may outlive newer unpinned ones
  std::int64_t next_id_ = 0;
  std::int64_t read_upto_ = 0;     // ids below this were handed to a poller
  std::int64_t evicted_upto_ = 0;  // one past the highest id ever evicted
  std::size_t bytes_ = 0;
  std::size_t pinned_ = 0;
};

}  // namespace codex_mcp::session
