// What a session is asked to do, in its own terms: the settings it keeps (one value, set
// by the start, changed by the turns that name them, carried into resumes and forks,
// persisted in meta.json), a turn's own settings, and the answers to codex's requests.
// The tools layer decodes the tool contract into these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex_mcp/appserver/requests.hpp"

namespace codex_mcp::session {

using Json = nlohmann::json;

/// One turn's settings: those it names become the session's from then on (output_schema
/// and summary are the turn's alone).
struct TurnSettings {
  std::optional<std::string> model{}, approval_policy{}, sandbox{}, effort{}, summary{},
      personality{}, cwd{};
  std::optional<Json> output_schema{};
};

/// The settings a session keeps. An empty string is "not chosen": codex applies its own
/// (config.toml's, or the profile's).
struct SessionSettings {
  std::string cwd{}, model{}, profile{}, approval_policy{}, sandbox{};
  std::string base_instructions{}, developer_instructions{}, personality{};
  /// The reasoning effort of the last turn, sent with every turn (a reply without one keeps
  /// it; the first turn's default is the contract's "low").
  std::string effort = "low";
  bool ephemeral = false;    ///< codex keeps no rollout: the thread cannot be resumed
  std::string codex_home{};  ///< where the thread's rollout lives: a resume needs the same one
  Json config_overrides = Json::object();  ///< advanced.config (dotted keys)
  std::int64_t approval_timeout_ms = 60000;

  /// Takes on what `turn` names.
  void take(const TurnSettings& turn);
  /// The settings thread/start and thread/resume carry (the chosen ones).
  appserver::ThreadSettings thread_settings() const;
  /// Written into a meta.json (its top-level fields and `settings`).
  void write_to(Json& meta) const;
  /// Read back from a meta.json; fields it lacks keep their defaults.
  static SessionSettings read_from(const Json& meta);
};

/// A new session: its settings and its first turn.
struct StartSpec {
  std::string prompt{};
  std::vector<std::string> images{};  ///< local paths
  SessionSettings settings{};         ///< codex_home empty: the provider's
  TurnSettings turn{};
};

/// The caller's answer to an approval (codex_check respond_permission).
struct PermissionAnswer {
  std::string request_id{};
  std::string decision{};  ///< accept | acceptForSession | decline | cancel (per kind)
  std::vector<std::string> execpolicy_amendment{};
  std::optional<Json> network_policy_amendment{};
  std::optional<std::string> deny_message{};
  std::optional<std::string> answered_by{};  ///< "person": a dialog, not the caller
};

/// The caller's answers to a question (codex_check respond_user_input).
struct UserInputAnswer {
  std::string request_id{};
  Json answers{};
  std::optional<std::string> answered_by{};
};

}  // namespace codex_mcp::session
