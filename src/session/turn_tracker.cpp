#include "codex_mcp/session/turn_tracker.hpp"

#include <array>
#include <string_view>

#include "codex_mcp/appserver/stream_delta.hpp"
#include "codex_mcp/util/json_fields.hpp"
#include "codex_mcp/util/json_parse.hpp"

namespace codex_mcp::session {

namespace {

// Bookkeeping the caller never needs to see.
constexpr std::array<std::string_view, 6> kNoise = {
    "account/rateLimits/updated", "thread/readState/changed", "remoteControl/status/changed",
    "serverRequest/resolved",     "thread/started",           "item/reasoning/summaryPartAdded"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, const std::string& value) {
  for (const auto item : list) {
    if (item == value) return true;
  }
  return false;
}

/// The short, useful view of an item for a progress event.
Json item_summary(const Json& item) {
  Json out = Json::object();
  if (!item.is_object()) return out;
  out["itemId"] = item.value("id", Json());
  out["itemType"] = item.value("type", Json());
  for (const auto* key : {"status", "command", "exitCode", "aggregatedOutput", "text"}) {
    if (item.contains(key)) out[key] = item[key];
  }
  if (item.contains("changes") && item["changes"].is_array()) {
    Json changes = Json::array();
    for (const auto& change : item["changes"]) {
      if (!change.is_object()) continue;
      changes.push_back(
          {{"path", change.value("path", Json())}, {"kind", change.value("kind", Json())}});
    }
    out["changes"] = std::move(changes);
  }
  return out;
}

}  // namespace

void TurnTracker::on_delta(std::string_view method, std::string_view delta) {
  last_method_ = method;
  if (method == "item/agentMessage/delta") {
    phase_ = "responding";
    streamed_text_ += delta;
  } else if (method.starts_with("item/reasoning/")) {
    phase_ = "reasoning";
  } else {
    phase_ = "acting";
  }
}

std::string TurnTracker::delta_key(std::string_view method, std::string_view item_id) {
  std::string key;
  key.reserve(method.size() + 1 + item_id.size());
  key.append(method).append(1, '\n').append(item_id);
  return key;
}

Event TurnTracker::delta_event(std::string_view method, std::string_view item_id,
                               std::string_view delta) {
  Event event;
  event.type = "output";
  event.data = {{"method", method}, {"itemId", item_id}, {"delta", delta}};
  event.coalesce_key = delta_key(method, item_id);
  return event;
}

void TurnTracker::begin_turn(bool structured, std::string cwd) {
  running_ = true;
  structured_ = structured;
  cwd_ = std::move(cwd);
  last_command_.clear();
  files_.clear();
  turn_id_.clear();
  phase_ = "starting";
  last_agent_text_.clear();
  streamed_text_.clear();
  outcome_.reset();
  commands_.clear();
  file_changes_.clear();
}

void TurnTracker::complete_command_approval(Json& details) const {
  const auto item = commands_.find(util::string_field(details, "itemId"));
  if (item == commands_.end()) return;
  for (const auto& [key, value] : item->second.items()) {
    if (!details.contains(key) || details[key].is_null()) details[key] = value;
  }
}

void TurnTracker::complete_file_change_approval(Json& details) const {
  const auto item = file_changes_.find(util::string_field(details, "itemId"));
  if (item == file_changes_.end() || details.contains("changes")) return;
  details["changes"] = item->second;
}

std::optional<Event> TurnTracker::on_notification(const std::string& method, const Json& params) {
  last_method_ = method;
  if (contains(kNoise, method)) return std::nullopt;
  Event event;
  event.type = "progress";
  event.data = {{"method", method}};

  if (appserver::is_stream_delta_method(method)) {
    const auto item_id = util::string_field(params, "itemId");
    const auto delta = util::string_field(params, "delta");
    on_delta(method, delta);
    return delta_event(method, item_id, delta);
  }
  if (method == "turn/started") {
    turn_id_ = util::string_field(params.value("turn", Json::object()), "id");
    running_ = true;
    event.data["turnId"] = turn_id_;
    return event;
  }
  if (method == "item/started" || method == "item/completed") {
    const auto item = params.value("item", Json::object());
    const auto type = util::string_field(item, "type");
    if (type == "agentMessage" && method == "item/completed") {
      last_agent_text_ = util::string_field(item, "text");
      // The completed text outranks the streamed one: keep streaming memory to the
      // message still in flight, not the whole turn.
      if (!last_agent_text_.empty()) std::string().swap(streamed_text_);
      event.type = "output";
    }
    if (type == "commandExecution") last_command_ = util::string_field(item, "command");
    if (type == "fileChange") files_.on_item(item);
    if (type == "commandExecution" && method == "item/started") {
      Json& command = commands_[util::string_field(item, "id")];
      for (const char* key : {"command", "cwd"}) {
        if (item.contains(key)) command[key] = item[key];
      }
    }
    if (type == "fileChange" && method == "item/started" && item.contains("changes") &&
        item["changes"].is_array()) {
      Json changes = Json::array();
      for (const auto& change : item["changes"]) {
        if (!change.is_object()) continue;
        Json kept = Json::object();
        for (const char* key : {"path", "kind", "diff"}) {
          if (change.contains(key)) kept[key] = change[key];
        }
        changes.push_back(std::move(kept));
      }
      file_changes_[util::string_field(item, "id")] = std::move(changes);
    }
    if (type == "commandExecution" || type == "fileChange" || type == "mcpToolCall" ||
        type == "dynamicToolCall" || type == "webSearch") {
      phase_ = "acting";
    } else if (type == "reasoning") {
      phase_ = "reasoning";
    }
    event.data.update(item_summary(item));
    return event;
  }
  if (method == "thread/tokenUsage/updated") {
    token_usage_ = params.value("tokenUsage", Json());
    event.data["tokenUsage"] = token_usage_;
    return event;
  }
  if (method == "error") {
    const auto error = params.value("error", Json::object());
    if (params.value("willRetry", false)) {
      // Transient (codex reconnects): progress, under the name the contract documents.
      event.data = {{"method", "codex-mcp/reconnect"},
                    {"willRetry", true},
                    {"message", util::string_field(error, "message")}};
      return event;
    }
    event.type = "error";
    event.pinned = true;
    event.data["message"] = util::string_field(error, "message");
    event.data["error"] = error;
    return event;
  }
  if (method == "turn/completed") {
    outcome_ = finish(params.value("turn", Json::object()));
    running_ = false;
    phase_ = "finished";
    event.type = outcome_->status == "failed" ? "error" : "result";
    event.pinned = true;
    event.data["turnId"] = outcome_->turn_id;
    event.data["status"] = outcome_->status;
    event.data["text"] = outcome_->text;
    if (!outcome_->error.is_null()) event.data["error"] = outcome_->error;
    return event;
  }
  if (method == "turn/diff/updated") files_.on_diff(util::string_field(params, "diff"));
  // Everything else (plan and diff updates, warnings, status changes, reroutes…) is
  // progress, kept with its params for `full` mode.
  if (params.is_object()) {
    for (const auto& [key, value] : params.items()) {
      if (key != "threadId" && key != "emittedAtMs") event.data[key] = value;
    }
  }
  return event;
}

TurnOutcome TurnTracker::finish(const Json& turn) {
  TurnOutcome outcome;
  outcome.turn_id = util::string_field(turn, "id");
  if (outcome.turn_id.empty()) outcome.turn_id = turn_id_;
  outcome.status = util::string_field(turn, "status");
  if (outcome.status.empty()) outcome.status = "completed";
  outcome.error = turn.value("error", Json());
  outcome.output = turn.value("output", Json());
  outcome.duration_ms = turn.value("durationMs", std::int64_t{0});
  // The totals only: `last` is codex's last model request, not the turn, and the context
  // window is the model's, not the turn's.
  outcome.usage = token_usage_.is_object() ? token_usage_.value("total", Json()) : Json();
  outcome.files = files_.summary(cwd_);
  outcome.diff = files_.diff();
  if (const auto items = turn.find("items"); items != turn.end() && items->is_array()) {
    for (auto it = items->rbegin(); it != items->rend(); ++it) {
      if (util::string_field(*it, "type") == "agentMessage") {
        outcome.text = util::string_field(*it, "text");
        break;
      }
    }
  }
  if (outcome.text.empty()) outcome.text = last_agent_text_;
  if (outcome.text.empty()) outcome.text = streamed_text_;
  if (structured_ && outcome.status == "completed") {
    auto parsed = util::parse_untrusted_json_or_discarded(outcome.text);
    if (!parsed.is_discarded()) outcome.structured_output = std::move(parsed);
  }
  return outcome;
}

}  // namespace codex_mcp::session
