#include "codex_mcp/appserver/exec_events.hpp"

namespace codex_mcp::appserver {

namespace {

using Json = nlohmann::json;

/// An exec item as the app-server would describe it.
Json convert_item(const Json& item) {
  Json out = Json::object();
  if (!item.is_object()) return out;
  for (const auto& [key, value] : item.items()) {
    const auto name = camel_case(key);
    out[name] = (key == "type" || key == "status") && value.is_string()
                    ? Json(camel_case(value.get<std::string>()))
                    : value;
  }
  return out;
}

Json token_usage(const Json& usage) {
  const auto count = [&](const char* key) { return usage.value(key, std::int64_t{0}); };
  const Json breakdown = {{"inputTokens", count("input_tokens")},
                          {"cachedInputTokens", count("cached_input_tokens")},
                          {"outputTokens", count("output_tokens")},
                          {"reasoningOutputTokens", count("reasoning_output_tokens")},
                          {"totalTokens", count("input_tokens") + count("output_tokens")}};
  return {{"total", breakdown}, {"last", breakdown}};
}

}  // namespace

std::string camel_case(const std::string& snake) {
  std::string out;
  bool upper = false;
  for (const char c : snake) {
    if (c == '_') {
      upper = !out.empty();
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

ExecTranslation translate_exec_event(const Json& event, const std::string& turn_id) {
  ExecTranslation out;
  if (!event.is_object()) return out;
  const auto type = event.value("type", std::string());
  const Json turn_ref = {{"id", turn_id}};
  if (type == "thread.started") {
    out.thread_id = event.value("thread_id", std::string());
  } else if (type == "turn.started") {
    out.notifications.emplace_back("turn/started", Json{{"turn", turn_ref}});
  } else if (type == "item.started" || type == "item.updated" || type == "item.completed") {
    const auto item = event.value("item", Json::object());
    if (item.value("type", std::string()) == "error") {
      // exec reports warnings this way ("Model metadata for `x` not found…").
      out.notifications.emplace_back("warning",
                                     Json{{"message", item.value("message", std::string())}});
    } else {
      const auto method = type == "item.started"   ? "item/started"
                          : type == "item.updated" ? "item/updated"
                                                   : "item/completed";
      out.notifications.emplace_back(method, Json{{"item", convert_item(item)}});
    }
  } else if (type == "turn.completed") {
    out.turn_over = true;
    if (event.contains("usage") && event["usage"].is_object()) {
      out.notifications.emplace_back("thread/tokenUsage/updated",
                                     Json{{"tokenUsage", token_usage(event["usage"])}});
    }
    out.notifications.emplace_back("turn/completed",
                                   Json{{"turn", {{"id", turn_id}, {"status", "completed"}}}});
  } else if (type == "turn.failed") {
    out.turn_over = true;
    Json error = event.value("error", Json::object());
    if (!error.is_object()) error = {{"message", error.dump()}};
    out.notifications.emplace_back(
        "turn/completed",
        Json{{"turn", {{"id", turn_id}, {"status", "failed"}, {"error", std::move(error)}}}});
  } else if (type == "error") {
    out.notifications.emplace_back(
        "error", Json{{"error", {{"message", event.value("message", std::string())}}},
                      {"willRetry", false}});
  }
  return out;
}

}  // namespace codex_mcp::appserver
