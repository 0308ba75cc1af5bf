#include "codex_mcp/mcp/tasks.hpp"

#include <ctime>

#include <fmt/format.h>

namespace codex_mcp::mcp {

namespace {

const Json* capability(const RequestEnvelope& envelope, std::string_view key) {
  const auto& capabilities = envelope.client_capabilities;
  if (!capabilities.is_object()) return nullptr;
  const auto it = capabilities.find(key);
  return it == capabilities.end() || !it->is_object() ? nullptr : &*it;
}

}  // namespace

bool declares_tasks(const RequestEnvelope& envelope) {
  const auto* extensions = capability(envelope, "extensions");
  return extensions != nullptr && extensions->contains(kTasksExtension);
}

bool declares_form_elicitation(const RequestEnvelope& envelope) {
  const auto* elicitation = capability(envelope, "elicitation");
  // `elicitation: {}` means form mode only; with modes listed, form must be one of them.
  return elicitation != nullptr && (elicitation->empty() || elicitation->contains("form"));
}

std::string iso8601(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ms % 1000);
}

Json task_json(const std::string& task_id, const TaskView& view) {
  Json task = {{"taskId", task_id}, {"status", view.status}};
  if (!view.status_message.empty()) task["statusMessage"] = view.status_message;
  task["createdAt"] = iso8601(view.created_ms);
  task["lastUpdatedAt"] = iso8601(view.updated_ms);
  task["ttlMs"] = view.ttl_ms ? Json(*view.ttl_ms) : Json(nullptr);
  task["pollIntervalMs"] = view.poll_interval_ms;
  if (view.status == "input_required") task["inputRequests"] = view.input_requests;
  if (view.status == "completed" && !view.result.empty()) {
    // The ext-tasks client rejects a result without its own resultType.
    auto result = Json::parse(view.result);
    result["resultType"] = "complete";
    task["result"] = std::move(result);
  }
  if (view.status == "failed") task["error"] = view.error;
  if (!view.meta.empty()) task["_meta"] = view.meta;
  return task;
}

}  // namespace codex_mcp::mcp
