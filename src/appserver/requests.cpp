#include "codex_mcp/appserver/requests.hpp"

namespace codex_mcp::appserver {

namespace {

void put(Json& out, const char* name, const std::optional<std::string>& value) {
  if (value) out[name] = *value;
}

void put_settings(Json& out, const ThreadSettings& settings) {
  put(out, "approvalPolicy", settings.approval_policy);
  put(out, "sandbox", settings.sandbox);
  put(out, "cwd", settings.cwd);
  put(out, "model", settings.model);
  put(out, "baseInstructions", settings.base_instructions);
  put(out, "developerInstructions", settings.developer_instructions);
  put(out, "personality", settings.personality);
}

}  // namespace

Json sandbox_policy(const std::string& sandbox) {
  if (sandbox == "read-only") return {{"type", "readOnly"}};
  if (sandbox == "workspace-write") return {{"type", "workspaceWrite"}};
  return {{"type", "dangerFullAccess"}};
}

Json ThreadStartParams::to_json() const {
  Json out = Json::object();
  put_settings(out, settings);
  if (ephemeral) out["ephemeral"] = true;
  return out;
}

Json ThreadResumeParams::to_json() const {
  Json out = {{"threadId", thread_id}};
  if (exclude_turns) out["excludeTurns"] = true;
  put_settings(out, settings);
  return out;
}

Json ThreadForkParams::to_json() const {
  return {{"threadId", thread_id}};
}

Json TurnStartParams::to_json() const {
  Json input =
      Json::array({{{"type", "text"}, {"text", prompt}, {"text_elements", Json::array()}}});
  for (const auto& image : images) input.push_back({{"type", "localImage"}, {"path", image}});
  Json out = {{"threadId", thread_id}, {"input", std::move(input)}};
  put(out, "effort", effort);
  put(out, "summary", summary);
  put(out, "model", model);
  put(out, "approvalPolicy", approval_policy);
  if (sandbox) out["sandboxPolicy"] = sandbox_policy(*sandbox);
  put(out, "cwd", cwd);
  put(out, "personality", personality);
  if (output_schema) out["outputSchema"] = *output_schema;
  return out;
}

}  // namespace codex_mcp::appserver
