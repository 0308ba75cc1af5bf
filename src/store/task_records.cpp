#include "codex_mcp/store/task_records.hpp"

#include <algorithm>

#include "codex_mcp/store/files.hpp"
#include "codex_mcp/util/json_parse.hpp"

namespace codex_mcp::store {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr std::size_t kMaxRecordBytes = 64u << 20;  // a result may carry a large diff
constexpr const char* kFormat = "codex-mcp-task/1";

fs::path record_path(const fs::path& sessions_dir, const TaskRecord& record) {
  return sessions_dir / record.session_id / "tasks" / (record.task_id + ".json");
}

}  // namespace

bool is_task_id(const std::string& text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Json to_json(const TaskRecord& record) {
  Json json = {{"format", kFormat},
               {"taskId", record.task_id},
               {"sessionId", record.session_id},
               {"turnId", record.turn_id},
               {"tool", record.tool},
               {"createdAt", record.created_ms},
               {"updatedAt", record.updated_ms},
               {"ttlMs", record.ttl_ms},
               {"status", record.status},
               {"statusMessage", record.status_message},
               {"cancelRequested", record.cancel_requested}};
  if (!record.result.is_null()) json["result"] = record.result;
  if (!record.error.is_null()) json["error"] = record.error;
  return json;
}

std::optional<TaskRecord> task_from_json(const Json& json) {
  if (!json.is_object() || json.value("format", std::string()) != kFormat) return std::nullopt;
  try {
    TaskRecord record;
    record.task_id = json.at("taskId").get<std::string>();
    record.session_id = json.at("sessionId").get<std::string>();
    record.turn_id = json.value("turnId", std::string());
    record.tool = json.value("tool", std::string());
    record.created_ms = json.at("createdAt").get<std::int64_t>();
    record.updated_ms = json.value("updatedAt", record.created_ms);
    record.ttl_ms = json.at("ttlMs").get<std::int64_t>();
    record.status = json.at("status").get<std::string>();
    record.status_message = json.value("statusMessage", std::string());
    record.cancel_requested = json.value("cancelRequested", false);
    record.result = json.value("result", Json());
    record.error = json.value("error", Json());
    if (!is_task_id(record.task_id)) return std::nullopt;
    return record;
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

void save_task(const fs::path& sessions_dir, const TaskRecord& record) {
  create_private_directory(sessions_dir / record.session_id / "tasks");
  write_file_atomically(record_path(sessions_dir, record), to_json(record).dump());
}

void remove_task(const fs::path& sessions_dir, const TaskRecord& record) {
  std::error_code ec;
  fs::remove(record_path(sessions_dir, record), ec);
}

std::vector<TaskRecord> load_tasks(const fs::path& sessions_dir,
                                   std::vector<std::string>& warnings) {
  std::vector<TaskRecord> records;
  std::error_code ec;
  for (const auto& session : fs::directory_iterator(sessions_dir, ec)) {
    std::error_code type_ec;
    const auto tasks_dir = session.path() / "tasks";
    if (!session.is_directory(type_ec) ||
        fs::symlink_status(tasks_dir, type_ec).type() != fs::file_type::directory) {
      continue;
    }
    for (const auto& file : fs::directory_iterator(tasks_dir, type_ec)) {
      if (file.path().extension() != ".json") continue;  // a temp file of a write in progress
      const auto text = read_small_file(file.path(), kMaxRecordBytes);
      auto record =
          text ? task_from_json(util::parse_untrusted_json_or_discarded(*text)) : std::nullopt;
      if (!record || record->session_id != session.path().filename().string() ||
          record->task_id + ".json" != file.path().filename().string()) {
        warnings.push_back("skipping task record " + file.path().string() + ": unreadable");
        continue;
      }
      records.push_back(std::move(*record));
    }
  }
  return records;
}

}  // namespace codex_mcp::store
