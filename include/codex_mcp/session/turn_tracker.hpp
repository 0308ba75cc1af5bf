// TurnTracker: turns the app-server's notification stream into session events and the
// turn's outcome. Pure logic (no I/O, no clock), so every mapping rule is unit-tested.
//
// Rules worth knowing (observed on codex 0.169, see docs/app-server-protocol.md):
// - the turn is over only at `turn/completed` (`thread/status/changed idle` comes first);
// - `error` with willRetry:true is progress (a reconnect), not failure;
// - the final text is the last agentMessage in turn/completed's items, else the last
//   completed agentMessage seen, else the streamed deltas.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "codex_mcp/session/event_ring.hpp"
#include "codex_mcp/session/file_changes.hpp"

namespace codex_mcp::session {

struct TurnOutcome {
  std::string turn_id;
  std::string status;  ///< completed | interrupted | failed
  std::string text;
  std::optional<Json> structured_output;  ///< when an output schema was set and text parses
  Json usage;        ///< the thread's token totals at the end (tokenUsage.total; null if none)
  Json files;        ///< {created?, modified?, deleted?} paths (null when nothing changed)
  std::string diff;  ///< the turn's unified diff (empty when nothing changed)
  Json error;        ///< the turn's error (null unless failed)
  Json output;       ///< the backend's raw turn.output, when it sends one (null otherwise)
  std::int64_t duration_ms = 0;
};

class TurnTracker {
 public:
  /// A new turn begins (turn/start sent); `structured` when it has an outputSchema. Changed
  /// files are reported relative to `cwd` (the thread's working directory).
  void begin_turn(bool structured, std::string cwd = {});
  /// Maps one notification to the event to record (nullopt: noise, not recorded).
  std::optional<Event> on_notification(const std::string& method, const Json& params);
  /// A streaming delta: the phase and the streamed text follow it. Sessions take deltas
  /// here (then merge or record delta_event) without a JSON document per delta.
  void on_delta(std::string_view method, std::string_view delta);
  /// Consecutive unread deltas with the same key merge in the ring: one per method and item.
  static std::string delta_key(std::string_view method, std::string_view item_id);
  static Event delta_event(std::string_view method, std::string_view item_id,
                           std::string_view delta);
  /// Set once turn/completed arrived; cleared by begin_turn.
  const std::optional<TurnOutcome>& outcome() const { return outcome_; }
  bool turn_running() const { return running_; }
  const std::string& turn_id() const { return turn_id_; }
  /// Coarse phase: starting, reasoning, acting, responding, finished.
  const std::string& phase() const { return phase_; }
  const std::string& last_method() const { return last_method_; }
  const Json& token_usage() const { return token_usage_; }
  /// The command run last and the file changed last in this turn (for progress messages).
  const std::string& last_command() const { return last_command_; }
  const std::string& last_file() const { return files_.last_path(); }
  /// Adds the `command` and `cwd` of its item to a command approval that lacks them
  /// (codex 0.80 sends them in item/started only, not in the request).
  void complete_command_approval(Json& details) const;
  /// Adds the `changes` ({path, kind, diff} each) of its fileChange item to a file-change
  /// approval: codex 0.169 sends them in item/started only, and whoever approves (the caller,
  /// or a person in a dialog) needs to see them.
  void complete_file_change_approval(Json& details) const;

 private:
  TurnOutcome finish(const Json& turn);

  bool running_ = false;
  bool structured_ = false;
  std::string turn_id_;
  std::string phase_ = "starting";
  std::string last_method_;
  std::string last_agent_text_;
  std::string streamed_text_;
  std::string cwd_;
  std::string last_command_;
  FileChanges files_;
  Json token_usage_;
  std::optional<TurnOutcome> outcome_;
  std::map<std::string, Json> commands_;      ///< this turn's command items: id → {command, cwd}
  std::map<std::string, Json> file_changes_;  ///< this turn's fileChange items: id → changes
};

}  // namespace codex_mcp::session
