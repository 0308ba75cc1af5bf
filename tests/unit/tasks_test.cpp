// The tasks extension's pure parts: the task object on the wire (mcp/tasks), the records in
// the state directory (store/task_records).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "codex_mcp/mcp/tasks.hpp"
#include "codex_mcp/store/task_records.hpp"
#include "test_dir.hpp"

namespace fs = std::filesystem;
using codex_mcp::mcp::Json;
using codex_mcp::store::TaskRecord;

TEST(TaskWire, TimesAreIso8601UtcWithMilliseconds) {
  EXPECT_EQ(codex_mcp::mcp::iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(codex_mcp::mcp::iso8601(1795961192491), "2026-11-29T14:06:32.491Z");
}

TEST(TaskWire, ACompletedTaskCarriesItsResultWithResultTypeAndAFailedOneItsError) {
  codex_mcp::mcp::TaskView view;
  view.status = "completed";
  view.created_ms = 1000;
  view.updated_ms = 2000;
  view.ttl_ms = 60000;
  view.result = R"({"content":[],"isError":false})";
  view.meta = {{"codex-mcp/sessionId", "sess_x"}};
  auto task = codex_mcp::mcp::task_json("abc", view);
  EXPECT_EQ(task["taskId"], "abc");
  EXPECT_EQ(task["ttlMs"], 60000);
  EXPECT_EQ(task["result"]["resultType"], "complete");
  EXPECT_FALSE(task.contains("inputRequests"));
  EXPECT_EQ(task["_meta"]["codex-mcp/sessionId"], "sess_x");
  view.status = "failed";
  view.error = {{"code", -32603}, {"message", "died"}};
  view.ttl_ms.reset();
  task = codex_mcp::mcp::task_json("abc", view);
  EXPECT_FALSE(task.contains("result"));
  EXPECT_EQ(task["error"]["message"], "died");
  EXPECT_TRUE(task["ttlMs"].is_null());
}

TEST(TaskWire, CapabilitiesAreReadFromTheRequestsEnvelope) {
  codex_mcp::mcp::RequestEnvelope envelope{.protocol_version = "2026-07-28",
                                           .client_capabilities = Json::object(),
                                           .client_info = nullptr};
  EXPECT_FALSE(codex_mcp::mcp::declares_tasks(envelope));
  EXPECT_FALSE(codex_mcp::mcp::declares_form_elicitation(envelope));
  envelope.client_capabilities = {
      {"extensions", {{"io.modelcontextprotocol/tasks", Json::object()}}},
      {"elicitation", Json::object()}};
  EXPECT_TRUE(codex_mcp::mcp::declares_tasks(envelope));
  EXPECT_TRUE(codex_mcp::mcp::declares_form_elicitation(envelope));  // {} is form mode
  envelope.client_capabilities["elicitation"] = {{"url", Json::object()}};
  EXPECT_FALSE(codex_mcp::mcp::declares_form_elicitation(envelope));
}

TEST(TaskRecords, RoundTripThroughTheStateDirectoryAndSkipWhatIsNotOurs) {
  const auto root = codex_mcp::testing::fresh_test_dir("task-records");
  const auto sessions = root / "sessions";
  TaskRecord record;
  record.task_id = "0123456789abcdef0123456789abcdef";
  record.session_id = "sess_a";
  record.turn_id = "turn_1";
  record.tool = "codex";
  record.created_ms = 5;
  record.updated_ms = 6;
  record.ttl_ms = 7;
  record.status = "completed";
  record.result = {{"isError", false}};
  codex_mcp::store::save_task(sessions, record);
  EXPECT_TRUE(fs::exists(sessions / "sess_a" / "tasks" / (record.task_id + ".json")));
  // A record under the wrong session, a foreign file, and a temp file are skipped.
  std::ofstream(sessions / "sess_a" / "tasks" / "junk.json") << "{nope";
  std::ofstream(sessions / "sess_a" / "tasks" / (record.task_id + ".json.tmp42")) << "{}";
  fs::create_directories(sessions / "sess_b" / "tasks");
  fs::copy_file(sessions / "sess_a" / "tasks" / (record.task_id + ".json"),
                sessions / "sess_b" / "tasks" / (record.task_id + ".json"));
  std::vector<std::string> warnings;
  const auto loaded = codex_mcp::store::load_tasks(sessions, warnings);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(warnings.size(), 2u);
  EXPECT_EQ(codex_mcp::store::to_json(loaded[0]), codex_mcp::store::to_json(record));
  EXPECT_TRUE(loaded[0].terminal());
  codex_mcp::store::remove_task(sessions, record);
  EXPECT_TRUE(codex_mcp::store::load_tasks(sessions, warnings).empty());
  EXPECT_FALSE(codex_mcp::store::is_task_id("../../etc/passwd"));
  EXPECT_FALSE(codex_mcp::store::is_task_id("0123456789ABCDEF0123456789ABCDEF"));
  fs::remove_all(root);
}
