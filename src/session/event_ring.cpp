#include "codex_mcp/session/event_ring.hpp"

#include <algorithm>

#include "codex_mcp/util/json_text.hpp"

namespace codex_mcp::session {

std::size_t EventRing::size_of(const Event& event) {
  // An estimate is enough for a budget: the payload's text plus a fixed overhead.
  std::size_t size = sizeof(Event) + event.type.size() + event.coalesce_key.size();
  if (const auto delta = event.data.find("delta");
      delta != event.data.end() && delta->is_string()) {
    size += delta->get_ref<const std::string&>().size() + 64;
  } else {
    size += util::json_text(event.data).size();
  }
  return size;
}

Event* EventRing::merge_target(std::string_view key) {
  if (key.empty() || events_.empty()) return nullptr;
  Event& last = events_.back();
  if (last.coalesce_key != key || last.id < read_upto_ || !last.data.is_object()) return nullptr;
  const auto merged = last.data.find("delta");
  if (merged == last.data.end() || !merged->is_string()) return nullptr;
  return merged->get_ref<const std::string&>().size() < limits_.max_coalesced_bytes ? &last
                                                                                    : nullptr;
}

Event* EventRing::coalesce_target(const Event& event) {
  if (!event.data.is_object()) return nullptr;
  const auto incoming = event.data.find("delta");
  if (incoming == event.data.end() || !incoming->is_string()) return nullptr;
  return merge_target(event.coalesce_key);
}

void EventRing::merge(std::string_view delta) {
  Event& last = events_.back();
  last.data["delta"].get_ref<std::string&>() += delta;
  bytes_ += delta.size();
  auto& count = last.data["coalesced"];
  count = count.is_number_integer() ? count.get<std::int64_t>() + 1 : 2;
  evict_to_fit();
}

std::int64_t EventRing::append(Event event) {
  if (coalesce_target(event) != nullptr) {
    const auto id = events_.back().id;
    merge(event.data["delta"].get_ref<const std::string&>());
    return id;
  }
  event.id = next_id_++;
  return push(std::move(event));
}

void EventRing::restore(Event event) {
  if (event.id < next_id_) return;
  // Ids missing from the log (damaged lines) read like evicted ones: the poller is told.
  if (event.id > next_id_) evicted_upto_ = event.id;
  next_id_ = event.id + 1;
  read_upto_ = next_id_;  // restored events are final: new deltas never merge into them
  push(std::move(event));
}

std::int64_t EventRing::push(Event event) {
  bytes_ += size_of(event);
  if (event.pinned) ++pinned_;
  events_.push_back(std::move(event));
  const auto id = events_.back().id;
  evict_to_fit();
  return id;
}

void EventRing::evict_at(std::deque<Event>::iterator it) {
  bytes_ -= std::min(bytes_, size_of(*it));
  if (it->pinned) --pinned_;
  evicted_upto_ = std::max(evicted_upto_, it->id + 1);
  events_.erase(it);
}

void EventRing::evict_to_fit() {
  const auto over = [&] {
    return events_.size() > limits_.max_events || bytes_ > limits_.max_bytes;
  };
  // Oldest unpinned first; the newest event always stays.
  while (over() && events_.size() > 1) {
    auto victim = std::find_if(events_.begin(), std::prev(events_.end()),
                               [](const Event& e) { return !e.pinned; });
    if (victim == std::prev(events_.end())) break;  // only pinned ones left to evict
    evict_at(victim);
  }
  while ((pinned_ > limits_.max_pinned || over()) && events_.size() > 1) {
    evict_at(events_.begin());  // everything left in front is pinned
  }
}

PollSlice EventRing::read(std::int64_t cursor, std::size_t max_events,
                          bool (*counts)(const Event&)) {
  PollSlice slice;
  cursor = std::max<std::int64_t>(cursor, 0);
  if (cursor < evicted_upto_) slice.reset_to = evicted_upto_;
  auto it = std::lower_bound(events_.begin(), events_.end(), cursor,
                             [](const Event& e, std::int64_t id) { return e.id < id; });
  slice.next_cursor = std::min(cursor, next_id_);
  std::size_t counted = 0;
  for (; it != events_.end(); ++it) {
    if (counted == max_events) break;
    if (counts == nullptr || counts(*it)) ++counted;
    slice.events.push_back(&*it);
    slice.next_cursor = it->id + 1;
  }
  // Nothing more held past the cursor: skip over evicted gaps so the caller moves on.
  if (it == events_.end())
    slice.next_cursor =
        std::max(slice.next_cursor, std::min(next_id_, std::max(cursor, evicted_upto_)));
  read_upto_ = std::max(read_upto_, slice.next_cursor);
  return slice;
}

bool EventRing::any_from(std::int64_t cursor, bool (*shows)(const Event&)) const {
  auto it = std::lower_bound(events_.begin(), events_.end(), cursor,
                             [](const Event& e, std::int64_t id) { return e.id < id; });
  for (; it != events_.end(); ++it) {
    if (shows == nullptr || shows(*it)) return true;
  }
  return false;
}

const Event* EventRing::last_of_type(const std::string& type) const {
  for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
    if (it->type == type) return &*it;
  }
  return nullptr;
}

}  // namespace codex_mcp::session
