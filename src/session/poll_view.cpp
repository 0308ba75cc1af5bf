#include "codex_mcp/session/poll_view.hpp"

#include <algorithm>

#include "codex_mcp/util/json_text.hpp"

namespace codex_mcp::session {

namespace {

constexpr std::size_t kMinimalTextLimit = 2000;

std::string clip(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  // Cut on a UTF-8 boundary so the JSON stays valid text.
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…[" + std::to_string(text.size() - cut) + " more bytes]";
}

// Fields a caller acts on; everything else is bulk for `full` mode only.
constexpr const char* kMinimalFields[] = {
    "method",   "itemId",   "itemType",  "status",    "delta",           "text",
    "command",  "exitCode", "message",   "willRetry", "requestId",       "kind",
    "decision", "phase",    "turnId",    "error",     "tokenUsage",      "reason",
    "path",     "changes",  "questions", "answers",   "aggregatedOutput"};

Json minimal_data(const Json& data) {
  if (!data.is_object()) return data;
  Json out = Json::object();
  for (const auto* field : kMinimalFields) {
    const auto it = data.find(field);
    if (it == data.end()) continue;
    out[field] = it->is_string() ? Json(clip(it->get<std::string>(), kMinimalTextLimit)) : *it;
  }
  return out;
}

Json render(const Event& event, bool full) {
  Json out = {{"id", event.id}, {"type", event.type}, {"time", event.time_ms}};
  out["data"] = full ? event.data : minimal_data(event.data);
  return out;
}

}  // namespace

bool is_delta(const Event& event) {
  return !event.coalesce_key.empty();
}

EventView render_events(const PollSlice& slice, const ViewOptions& options) {
  EventView view;
  view.next_cursor = slice.next_cursor;
  if (!options.include_events || options.final_only) return view;
  const bool full = options.response_mode == "full";
  const bool compact = options.response_mode == "delta_compact";
  for (const Event* event : slice.events) {
    if (options.skip_deltas && is_delta(*event)) continue;
    if (compact && is_delta(*event) && !view.events.empty()) {
      auto& last = view.events.back();
      if (last["data"].value("itemId", Json()) == event->data.value("itemId", Json()) &&
          last["data"].value("method", Json()) == event->data.value("method", Json()) &&
          last["data"].contains("delta")) {
        last["data"]["delta"] =
            last["data"]["delta"].get<std::string>() + event->data.value("delta", std::string());
        last["lastId"] = event->id;
        continue;
      }
    }
    view.events.push_back(render(*event, full));
  }
  return view;
}

void enforce_max_bytes(Json& response, std::int64_t max_bytes) {
  const auto size = [&] { return static_cast<std::int64_t>(util::json_text(response).size()); };
  if (size() <= max_bytes) return;
  Json truncated_fields = Json::array();
  auto& events = response["events"];
  if (events.is_array() && !events.empty()) {
    std::size_t dropped = 0;
    while (!events.empty() && size() > max_bytes) {
      response["nextCursor"] = events.back()["id"];  // resume at the first dropped event
      events.erase(events.size() - 1);
      ++dropped;
    }
    if (dropped > 0) truncated_fields.push_back("events");
  }
  // Still too big: shorten the long texts (the result's first, it is usually the largest).
  for (const auto* path : {"/result/text", "/result/output", "/result/structuredOutput"}) {
    if (size() <= max_bytes) break;
    const Json::json_pointer pointer(path);
    if (!response.contains(pointer)) continue;
    auto& field = response[pointer];
    const auto excess = static_cast<std::size_t>(size() - max_bytes) + 64;
    const auto text = field.is_string() ? field.get<std::string>() : field.dump();
    field = clip(text, text.size() > excess ? text.size() - excess : 0);
    truncated_fields.push_back(std::string(path).substr(1));
  }
  if (!truncated_fields.empty()) {
    response["truncated"] = true;
    response["truncatedFields"] = std::move(truncated_fields);
  }
}

}  // namespace codex_mcp::session
