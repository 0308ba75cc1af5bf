#include "codex_mcp/session/settings.hpp"

#include "codex_mcp/util/json_fields.hpp"

namespace codex_mcp::session {

namespace {

std::optional<std::string> unless_empty(const std::string& value) {
  return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

Json null_if_empty(const std::string& value) {
  return value.empty() ? Json(nullptr) : Json(value);
}

}  // namespace

void SessionSettings::take(const TurnSettings& turn) {
  if (turn.effort) effort = *turn.effort;
  if (turn.model) model = *turn.model;
  if (turn.approval_policy) approval_policy = *turn.approval_policy;
  if (turn.sandbox) sandbox = *turn.sandbox;
  if (turn.cwd) cwd = *turn.cwd;
  if (turn.personality) personality = *turn.personality;
}

appserver::ThreadSettings SessionSettings::thread_settings() const {
  return {.approval_policy = unless_empty(approval_policy),
          .sandbox = unless_empty(sandbox),
          .cwd = unless_empty(cwd),
          .model = unless_empty(model),
          .base_instructions = unless_empty(base_instructions),
          .developer_instructions = unless_empty(developer_instructions),
          .personality = unless_empty(personality)};
}

void SessionSettings::write_to(Json& meta) const {
  meta["model"] = null_if_empty(model);
  meta["approvalPolicy"] = approval_policy;
  meta["sandbox"] = sandbox;
  meta["cwd"] = cwd;
  meta["profile"] = null_if_empty(profile);
  meta["config"] = config_overrides;
  meta["codexHome"] = codex_home;
  meta["settings"] = {{"approvalTimeoutMs", approval_timeout_ms},
                      {"baseInstructions", base_instructions},
                      {"developerInstructions", developer_instructions},
                      {"personality", personality},
                      {"effort", effort},
                      {"ephemeral", ephemeral}};
}

SessionSettings SessionSettings::read_from(const Json& meta) {
  SessionSettings s;
  s.cwd = util::string_field(meta, "cwd");
  s.model = util::string_field(meta, "model");
  s.profile = util::string_field(meta, "profile");
  s.approval_policy = util::string_field(meta, "approvalPolicy");
  s.sandbox = util::string_field(meta, "sandbox");
  s.codex_home = util::string_field(meta, "codexHome");
  if (meta.contains("config") && meta["config"].is_object()) s.config_overrides = meta["config"];
  const auto settings = meta.value("settings", Json::object());
  if (settings.is_object()) {
    const auto timeout = settings.value("approvalTimeoutMs", Json());
    if (timeout.is_number_integer()) s.approval_timeout_ms = timeout.get<std::int64_t>();
    s.base_instructions = util::string_field(settings, "baseInstructions");
    s.developer_instructions = util::string_field(settings, "developerInstructions");
    s.personality = util::string_field(settings, "personality");
    if (const auto effort = util::string_field(settings, "effort"); !effort.empty()) {
      s.effort = effort;
    }
    const auto ephemeral = settings.value("ephemeral", Json());
    s.ephemeral = ephemeral.is_boolean() && ephemeral.get<bool>();
  }
  return s;
}

}  // namespace codex_mcp::session
