// Reading session state back after a restart (the files SessionJournal writes).
//
// Nothing in the state directory is trusted: a file may be truncated by a crash, edited
// by hand, or belong to another program. Whatever does not parse as ours is skipped with
// a warning that names it; a partial event log yields the events before the damage and
// after it. Nothing here throws on bad content.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex_mcp/store/event.hpp"

namespace codex_mcp::store {

using Json = nlohmann::json;

/// True for names this server gives sessions ("sess_" and 12 hex digits).
bool is_session_id(const std::string& name);

struct StoredSession {
  std::string id;
  Json meta;                 ///< validated meta.json
  std::uintmax_t bytes = 0;  ///< size of the session's files
};

struct ScanResult {
  std::vector<StoredSession> sessions;
  std::vector<std::string> warnings;  ///< one per skipped entry
};

/// Every valid session directory under `sessions_dir` (meta only; events stay on disk).
ScanResult scan_sessions(const std::filesystem::path& sessions_dir);

/// meta.json of one session directory, validated; nullopt with `problem` set otherwise.
std::optional<Json> load_meta(const std::filesystem::path& dir, std::string& problem);

/// One line of events.jsonl, or nullopt when it is damaged. A delta merged into an
/// earlier event comes back with an empty type, that event's id and data {"delta": ...}.
std::optional<Event> parse_event_line(const std::string& line);

/// events.jsonl in id order; damaged lines are skipped and counted in `warnings`.
std::vector<Event> load_events(const std::filesystem::path& dir,
                               std::vector<std::string>& warnings);

/// result.json, or null when there is none (or it is damaged, with a warning).
Json load_result(const std::filesystem::path& dir, std::vector<std::string>& warnings);

}  // namespace codex_mcp::store
