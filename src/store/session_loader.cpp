#include "codex_mcp/store/session_loader.hpp"

#include <algorithm>
#include <fstream>

#include "codex_mcp/store/files.hpp"
#include "codex_mcp/store/session_journal.hpp"
#include "codex_mcp/util/json_parse.hpp"

namespace codex_mcp::store {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxMetaBytes = 4u << 20;
constexpr std::size_t kMaxResultBytes = 64u << 20;

const std::vector<std::string> kStatuses = {"starting", "running", "waiting_approval",
                                            "idle",     "error",   "cancelled"};

bool has_integer(const Json& json, const char* key) {
  const auto it = json.find(key);
  return it != json.end() && it->is_number_integer();
}

bool has_string(const Json& json, const char* key) {
  const auto it = json.find(key);
  return it != json.end() && it->is_string();
}

}  // namespace

std::optional<Event> parse_event_line(const std::string& line) {
  const auto json = util::parse_untrusted_json_or_discarded(line);
  if (!json.is_object() || !has_integer(json, "id") || json["id"].get<std::int64_t>() < 0) {
    return std::nullopt;
  }
  Event event;
  event.id = json["id"].get<std::int64_t>();
  if (json.size() == 2 && has_string(json, "delta")) {
    event.data = {{"delta", json["delta"]}};
    return event;
  }
  if (!has_string(json, "type") || json["type"].get<std::string>().empty() ||
      !has_integer(json, "time") || !json.contains("data")) {
    return std::nullopt;
  }
  event.type = json["type"].get<std::string>();
  event.time_ms = json["time"].get<std::int64_t>();
  event.pinned = json.value("pinned", false);
  event.data = json["data"];
  return event;
}

bool is_session_id(const std::string& name) {
  if (name.size() != 17 || name.rfind("sess_", 0) != 0) return false;
  return std::all_of(name.begin() + 5, name.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<Json> load_meta(const fs::path& dir, std::string& problem) {
  const auto path = dir / kMetaFile;
  const auto text = read_small_file(path, kMaxMetaBytes);
  if (!text) {
    problem = path.string() + " is missing, unreadable or too large";
    return std::nullopt;
  }
  auto meta = util::parse_untrusted_json_or_discarded(*text);
  if (!meta.is_object()) {
    problem = path.string() + " is not valid JSON (truncated or corrupt)";
    return std::nullopt;
  }
  if (meta.value("format", std::string()) != kSessionFormat) {
    problem =
        path.string() + " is not a codex-mcp session (no \"format\": \"" + kSessionFormat + "\")";
    return std::nullopt;
  }
  const bool valid = has_string(meta, "sessionId") &&
                     meta["sessionId"] == dir.filename().string() && has_string(meta, "status") &&
                     std::find(kStatuses.begin(), kStatuses.end(),
                               meta["status"].get<std::string>()) != kStatuses.end() &&
                     has_integer(meta, "createdAt") && has_integer(meta, "updatedAt");
  if (!valid) {
    problem =
        path.string() + " lacks sessionId/status/createdAt/updatedAt or names another session";
    return std::nullopt;
  }
  return meta;
}

ScanResult scan_sessions(const fs::path& sessions_dir) {
  ScanResult result;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(sessions_dir, ec)) {
    const auto name = entry.path().filename().string();
    std::error_code type_ec;
    if (!entry.is_directory(type_ec) || !is_session_id(name)) {
      // Another server's temp file of ours is named <file>.tmp<pid> inside a session
      // directory, never here: anything else at this level is foreign.
      result.warnings.push_back("skipping " + entry.path().string() +
                                ": not a codex-mcp session directory");
      continue;
    }
    std::string problem;
    auto meta = load_meta(entry.path(), problem);
    if (!meta) {
      result.warnings.push_back("skipping session " + name + ": " + problem);
      continue;
    }
    result.sessions.push_back(
        {.id = name, .meta = std::move(*meta), .bytes = directory_bytes(entry.path())});
  }
  if (ec) result.warnings.push_back("cannot list " + sessions_dir.string() + ": " + ec.message());
  return result;
}

std::vector<Event> load_events(const fs::path& dir, std::vector<std::string>& warnings) {
  std::vector<Event> events;
  std::error_code ec;
  const auto status = fs::symlink_status(dir / kEventsFile, ec);
  if (ec || status.type() == fs::file_type::not_found) return events;
  if (status.type() != fs::file_type::regular) {
    // A link (or a device, a FIFO) is not our log: never followed, never read.
    warnings.push_back((dir / kEventsFile).string() + " is not a regular file: ignored");
    return events;
  }
  std::ifstream in(dir / kEventsFile, std::ios::binary);
  if (!in) return events;
  std::size_t damaged = 0;
  std::string line;
  while (std::getline(in, line)) {
    // A line cut short by a crash has no newline: getline still returns it, and it fails
    // to parse like any other damaged line.
    auto event = parse_event_line(line);
    if (!event) {
      damaged += line.empty() ? 0 : 1;
      continue;
    }
    if (event->type.empty()) {  // a delta merged into an earlier event
      if (!events.empty() && events.back().id == event->id &&
          events.back().data.contains("delta") && events.back().data["delta"].is_string()) {
        auto& data = events.back().data;
        data["delta"].get_ref<std::string&>() += event->data["delta"].get<std::string>();
        data["coalesced"] = data.value("coalesced", 1) + 1;
      } else {
        ++damaged;
      }
      continue;
    }
    if (!events.empty() && event->id <= events.back().id) {
      ++damaged;  // ids only grow; a repeated or older id is not ours
      continue;
    }
    events.push_back(std::move(*event));
  }
  if (damaged > 0) {
    warnings.push_back(std::to_string(damaged) + " damaged line(s) skipped in " +
                       (dir / kEventsFile).string());
  }
  return events;
}

Json load_result(const fs::path& dir, std::vector<std::string>& warnings) {
  const auto path = dir / kResultFile;
  std::error_code ec;
  if (!fs::exists(path, ec)) return nullptr;
  const auto text = read_small_file(path, kMaxResultBytes);
  auto result =
      text ? util::parse_untrusted_json_or_discarded(*text) : Json(Json::value_t::discarded);
  if (!result.is_object()) {
    warnings.push_back("ignoring " + path.string() + ": not a valid result (truncated or corrupt)");
    return nullptr;
  }
  return result;
}

}  // namespace codex_mcp::store
