// The state directory as the terminal view reads it: through store/session_loader, the
// same validation the server applies on recovery, and never through StateDir::open (which
// creates the directory and takes the owner's lock).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex_mcp/store/session_loader.hpp"

namespace codex_mcp::cli {

using Json = nlohmann::json;

/// Every valid session, newest (createdAt) first; skipped entries go to `warnings`.
std::vector<store::StoredSession> sessions_newest_first(const std::filesystem::path& state_dir,
                                                        std::vector<std::string>& warnings);

/// The directory of session `id` and its meta.json, or nullopt with `problem` set.
std::optional<Json> find_session(const std::filesystem::path& state_dir, const std::string& id,
                                 std::filesystem::path& dir, std::string& problem);

/// True while a live codex-mcp process is running a turn of this session: its status is
/// starting/running/waiting_approval and the server that wrote it is still that process
/// (a server that died mid-turn leaves "running" behind until the next owner recovers it).
bool turn_in_progress(const Json& meta);

/// The server process recorded in meta.json is alive (pid, start time and boot match).
bool writer_alive(const Json& meta);

}  // namespace codex_mcp::cli
