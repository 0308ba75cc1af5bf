#include "codex_mcp/tools/reply.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "codex_mcp/util/json_text.hpp"

namespace codex_mcp::tools {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kUriPrefix = "codex-mcp://sessions/";
constexpr std::string_view kUriSuffix = "/result";

// What a caller needs to continue, in this order; the bulky fields go last.
constexpr std::array<std::string_view, 15> kReplyLead = {
    "sessionId",    "threadId",   "status",        "interactionState", "recommendedNextAction",
    "pollInterval", "nextCursor", "cursorResetTo", "truncated",        "truncatedFields",
    "resultUri",    "actions",    "execution",     "progress",         "completedAt"};
constexpr std::array<std::string_view, 2> kReplyTail = {"result", "events"};
constexpr std::array<std::string_view, 7> kResultLead = {
    "turnId", "status", "error", "completedAt", "durationMs", "usage", "files"};
constexpr std::array<std::string_view, 4> kResultTail = {"structuredOutput", "output", "text",
                                                         "diff"};
constexpr std::array<std::string_view, 4> kEventLead = {"id", "type", "time", "lastId"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

/// `object`'s members: `lead` in its order, the unlisted ones, then `tail` in its order.
/// `child` shapes each member's value.
template <typename Object, std::size_t L, std::size_t T, typename Child>
Reply ordered(const Object& object, const std::array<std::string_view, L>& lead,
              const std::array<std::string_view, T>& tail, Child child) {
  Reply out = Reply::object();
  const auto take = [&](std::string_view key) {
    const auto it = object.find(std::string(key));
    if (it != object.end()) out[std::string(key)] = child(key, *it);
  };
  for (const auto key : lead) take(key);
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!listed(lead, it.key()) && !listed(tail, it.key())) out[it.key()] = child(it.key(), *it);
  }
  for (const auto key : tail) take(key);
  return out;
}

std::size_t text_size(const Reply& value) {
  return util::json_text(value).size();
}

std::size_t string_size(std::string_view text) {
  std::string out;
  util::append_json_string(out, text);
  return out.size();
}

/// `text` cut to its first `keep` bytes (on a UTF-8 boundary), with a marker saying how much
/// is missing.
std::string clip(const std::string& text, std::size_t keep) {
  std::size_t cut = std::min(keep, text.size());
  while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut) + "…[" + std::to_string(text.size() - cut) + " more bytes]";
}

/// Shortens `field` (a string, or any value as its JSON text) so that its JSON text is at
/// most `budget` bytes, marker included: the longest such prefix (binary search, since the
/// escaped size is not the raw one). When not even the marker fits, the marker alone.
void shorten(Reply& field, std::size_t budget) {
  const auto text = field.is_string() ? field.get<std::string>() : util::json_text(field);
  std::size_t low = 0, high = text.size();
  while (low < high) {
    const auto mid = low + (high - low + 1) / 2;
    if (string_size(clip(text, mid)) <= budget) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  field = clip(text, low);
}

/// Shortens `field` by what `reply` is over `max_bytes`.
void shorten_by_excess(Reply& reply, Reply& field, std::int64_t max_bytes) {
  const auto excess = static_cast<std::int64_t>(text_size(reply)) - max_bytes;
  const auto size = static_cast<std::int64_t>(text_size(field));
  shorten(field, static_cast<std::size_t>(std::max<std::int64_t>(0, size - excess)));
}

/// Records that `name` was cut (once), with the markers every cut reply carries.
void mark_cut(Reply& reply, const std::string& name) {
  reply["truncated"] = true;
  auto& fields = reply["truncatedFields"];
  if (!fields.is_array()) fields = Reply::array();
  if (std::find(fields.begin(), fields.end(), name) == fields.end()) fields.push_back(name);
}

void link_result(Reply& reply) {
  if (reply.contains("sessionId") && reply["sessionId"].is_string()) {
    reply["resultUri"] = result_uri(reply["sessionId"].get<std::string>());
  }
}

/// Drops events from the end until the reply fits; nextCursor moves back to the first
/// dropped one, so the caller's next poll starts there and nothing is lost.
void drop_trailing_events(Reply& reply, std::int64_t max_bytes) {
  auto& events = reply["events"];
  // Sizes once, not a serialisation per dropped event: the array's text is its elements'
  // joined by commas.
  std::vector<std::size_t> sizes;
  for (const auto& event : events) sizes.push_back(text_size(event));
  auto size = static_cast<std::int64_t>(text_size(reply));
  while (!sizes.empty() && size > max_bytes) {
    reply["nextCursor"] = events.back()["id"];
    size -= static_cast<std::int64_t>(sizes.back() + (sizes.size() > 1 ? 1 : 0));
    sizes.pop_back();
    events.erase(events.size() - 1);
    // the nextCursor number may have changed length: measure again when close
    if (size <= max_bytes) size = static_cast<std::int64_t>(text_size(reply));
  }
}

/// The longest string inside `node` (a pointer to it), or null.
Reply* longest_string(Reply& node) {
  if (node.is_string()) return &node;
  Reply* best = nullptr;
  if (node.is_object() || node.is_array()) {
    for (auto& child : node) {
      auto* found = longest_string(child);
      if (found && (!best || found->get_ref<const std::string&>().size() >
                                 best->get_ref<const std::string&>().size())) {
        best = found;
      }
    }
  }
  return best;
}

}  // namespace

std::string result_uri(const std::string& session_id) {
  return std::string(kUriPrefix) + session_id + std::string(kUriSuffix);
}

std::string session_of_result_uri(const std::string& uri) {
  if (!uri.starts_with(kUriPrefix) || !uri.ends_with(kUriSuffix)) return {};
  const auto id = uri.substr(kUriPrefix.size(), uri.size() - kUriPrefix.size() - kUriSuffix.size());
  return id.find('/') == std::string::npos ? id : std::string();
}

Reply result_in_reading_order(const Json& result) {
  if (!result.is_object()) return Reply(result);
  return ordered(result, kResultLead, kResultTail,
                 [](std::string_view, const Json& value) { return Reply(value); });
}

Reply in_reading_order(const Json& reply) {
  if (!reply.is_object()) return Reply(reply);
  return ordered(reply, kReplyLead, kReplyTail, [](std::string_view key, const Json& value) {
    if (key == "result") return result_in_reading_order(value);
    if (key == "events" && value.is_array()) {
      Reply events = Reply::array();
      for (const auto& event : value) {
        events.push_back(
            event.is_object()
                ? ordered(event, kEventLead, std::array<std::string_view, 1>{"data"},
                          [](std::string_view, const Json& member) { return Reply(member); })
                : Reply(event));
      }
      return events;
    }
    return Reply(value);
  });
}

bool fit_reply(Reply& reply, std::int64_t max_bytes) {
  const auto over = [&] { return static_cast<std::int64_t>(text_size(reply)) > max_bytes; };
  if (!over()) return false;
  const auto reorder = [&] {
    // The markers were added at the end: put them back where a reader looks first.
    Reply front = Reply::object();
    for (const auto key : kReplyLead) {
      if (reply.contains(std::string(key))) front[std::string(key)] = reply[std::string(key)];
    }
    for (auto it = reply.begin(); it != reply.end(); ++it) {
      if (!listed(kReplyLead, it.key())) front[it.key()] = std::move(it.value());
    }
    reply = std::move(front);
  };

  if (reply.contains("events") && reply["events"].is_array() && !reply["events"].empty()) {
    mark_cut(reply, "events");
    drop_trailing_events(reply, max_bytes);
  }
  // The result's bulk: the raw backend output first, the answer's text last.
  for (const auto* name : {"output", "diff", "text", "structuredOutput"}) {
    if (!over()) break;
    if (!reply.contains("result") || !reply["result"].contains(name)) continue;
    mark_cut(reply, std::string("result/") + name);
    link_result(reply);
    shorten_by_excess(reply, reply["result"][name], max_bytes);
  }
  // Pathological: actions with huge strings. Cut the longest until the reply fits.
  for (int guard = 0; guard < 64 && over() && reply.contains("actions"); ++guard) {
    auto* longest = longest_string(reply["actions"]);
    if (!longest || longest->get_ref<const std::string&>().size() < 64) break;
    mark_cut(reply, "actions");
    shorten_by_excess(reply, *longest, max_bytes);
  }
  for (const auto* hint : {"progress", "execution"}) {
    if (!over()) break;
    if (reply.erase(hint) > 0) mark_cut(reply, hint);
  }
  reorder();
  return true;
}

}  // namespace codex_mcp::tools
