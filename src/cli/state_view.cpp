#include "state_view.hpp"

#include <algorithm>

#include "codex_mcp/process/identity.hpp"
#include "codex_mcp/util/json_fields.hpp"

namespace codex_mcp::cli {

namespace fs = std::filesystem;

std::vector<store::StoredSession> sessions_newest_first(const fs::path& state_dir,
                                                        std::vector<std::string>& warnings) {
  std::error_code ec;
  if (!fs::exists(state_dir / "sessions", ec)) return {};  // no server has used it yet
  auto scan = store::scan_sessions(state_dir / "sessions");
  warnings.insert(warnings.end(), scan.warnings.begin(), scan.warnings.end());
  std::stable_sort(scan.sessions.begin(), scan.sessions.end(), [](const auto& a, const auto& b) {
    return a.meta["createdAt"].template get<std::int64_t>() >
           b.meta["createdAt"].template get<std::int64_t>();
  });
  return std::move(scan.sessions);
}

std::optional<Json> find_session(const fs::path& state_dir, const std::string& id, fs::path& dir,
                                 std::string& problem) {
  if (!store::is_session_id(id)) {
    problem = "'" + id + "' is not a session id (sess_ and 12 hex digits)";
    return std::nullopt;
  }
  dir = state_dir / "sessions" / id;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    problem = "no session " + id + " in " + state_dir.string();
    return std::nullopt;
  }
  return store::load_meta(dir, problem);
}

bool writer_alive(const Json& meta) {
  const auto server = process::identity_from_json(meta.value("server", Json()));
  return server && process::is_alive(*server);
}

bool turn_in_progress(const Json& meta) {
  const auto status = util::string_field(meta, "status");
  const bool active = status == "starting" || status == "running" || status == "waiting_approval";
  return active && writer_alive(meta);
}

}  // namespace codex_mcp::cli
