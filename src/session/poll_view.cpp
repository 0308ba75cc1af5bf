#include "codex_mcp/session/poll_view.hpp"

#include <algorithm>

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
  // The final text is the reply's result.text (or in the result resource): not twice.
  if (!full && event.type == "result") out["data"].erase("text");
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

}  // namespace codex_mcp::session
