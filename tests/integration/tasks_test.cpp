// The MCP tasks extension (io.modelcontextprotocol/tasks, 2026-07-28) on the built server:
// codex and codex_reply answered with a task when the request declares the extension,
// tasks/get following the turn (working, input_required with the approval as an
// elicitation form, completed with the result, cancelled), tasks/update answering an
// approval, tasks/cancel (twice, as Claude Code sends it), a task polled after a server
// restart, expiry, and the error codes. End to end against the real codex app-server and the
// mock model. Hang guards only: nothing here asserts how long anything takes.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "e2e_fixture.hpp"
#include "mcp_process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace codex_mcp::testing {

namespace {

const std::string kTasks = "io.modelcontextprotocol/tasks";

/// Claude Code's interactive envelope (it declares the tasks extension and elicitation).
Json envelope(bool tasks = true) {
  Json capabilities = {{"roots", {{"listChanged", true}}},
                       {"elicitation", {{"form", Json::object()}, {"url", Json::object()}}}};
  if (tasks) capabilities["extensions"] = {{kTasks, Json::object()}};
  return {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
          {"io.modelcontextprotocol/clientInfo", {{"name", "claude-code"}, {"version", "2.1.330"}}},
          {"io.modelcontextprotocol/clientCapabilities", capabilities}};
}

Json modern(const Json& id, const std::string& method, Json params, bool tasks = true) {
  params["_meta"] = envelope(tasks);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

Json ask(McpProcess& server, const Json& message) {
  server.send(message);
  const auto response = server.read_response(message["id"], 60s);
  EXPECT_TRUE(response) << message.dump();
  return response.value_or(Json::object());
}

class TasksE2E : public E2EFixture {
 protected:
  void SetUp() override {
    E2EFixture::SetUp();
    legacy_handshake_ = false;
  }

  Json codex_arguments(const std::string& prompt, const std::string& policy = "on-request") {
    return {{"prompt", prompt},
            {"approvalPolicy", policy},
            {"sandbox", "read-only"},
            {"cwd", (root_ / "work").string()}};
  }

  /// A codex call as a task; returns the tools/call result (the task).
  Json start_task(const Json& arguments, const std::string& tool = "codex") {
    const auto response =
        ask(*server_, modern(next_id_++, "tools/call", {{"name", tool}, {"arguments", arguments}}));
    return response.value("result", Json::object());
  }

  Json get(const std::string& task_id) {
    return ask(*server_, modern(next_id_++, "tasks/get", {{"taskId", task_id}}));
  }

  /// Polls tasks/get until `done(task)`; a hang guard, not a timing assertion.
  Json poll_task(const std::string& task_id, const std::function<bool(const Json&)>& done) {
    Json task;
    for (int i = 0; i < 600; ++i) {
      task = get(task_id).value("result", Json::object());
      if (done(task)) return task;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "task condition not reached; last: " << task.dump();
    return task;
  }

  static bool terminal(const Json& task) {
    const auto status = task.value("status", std::string());
    return status == "completed" || status == "failed" || status == "cancelled";
  }

  int next_id_ = 1;
};

void expect_task_shape(const Json& task) {
  EXPECT_TRUE(std::regex_match(task.value("taskId", std::string()), std::regex("[0-9a-f]{32}")))
      << task.dump();
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(task.value("createdAt", std::string()), iso)) << task.dump();
  EXPECT_TRUE(std::regex_match(task.value("lastUpdatedAt", std::string()), iso)) << task.dump();
  EXPECT_TRUE(task["ttlMs"].is_number_integer()) << task.dump();
  EXPECT_TRUE(task["pollIntervalMs"].is_number_integer()) << task.dump();
  EXPECT_TRUE(task["_meta"]["codex-mcp/sessionId"].is_string()) << task.dump();
}

}  // namespace

TEST(Tasks, DiscoverAdvertisesTheExtensionAndTasksMethodsCheckEraCapabilityAndId) {
  McpProcess server(CODEX_MCP_BINARY, {}, {"CODEX_MCP_STATE_DIR=/tmp/codex-mcp-tasks-test-state"});
  const auto discover = ask(server, modern("probe", "server/discover", Json::object(), false));
  EXPECT_EQ(discover["result"]["capabilities"]["extensions"][kTasks], Json::object())
      << discover.dump();
  for (const std::string method : {"tasks/get", "tasks/update", "tasks/cancel"}) {
    // Legacy: no such method, as before the extension.
    const auto legacy = ask(server, {{"jsonrpc", "2.0"},
                                     {"id", method + "-legacy"},
                                     {"method", method},
                                     {"params", {{"taskId", "x"}}}});
    EXPECT_EQ(legacy["error"]["code"], -32601) << legacy.dump();
    // Modern without the extension declared: -32021 naming it.
    const auto undeclared =
        ask(server, modern(method + "-undeclared", method, {{"taskId", "x"}}, false));
    EXPECT_EQ(undeclared["error"]["code"], -32021) << undeclared.dump();
    EXPECT_EQ(undeclared["error"]["data"]["requiredCapabilities"]["extensions"][kTasks],
              Json::object());
    // Unknown id: -32602 with the SDK's words.
    const auto unknown = ask(server, modern(method + "-unknown", method,
                                            {{"taskId", "0123456789abcdef0123456789abcdef"}}));
    EXPECT_EQ(unknown["error"]["code"], -32602) << unknown.dump();
    EXPECT_EQ(unknown["error"]["message"], "Failed to retrieve task: Task not found");
  }
  const auto no_id = ask(server, modern("no-id", "tasks/get", Json::object()));
  EXPECT_EQ(no_id["error"]["code"], -32602) << no_id.dump();
  // A start that fails is the tool's error result at once, not a task.
  const auto bad = ask(
      server, modern("bad", "tools/call", {{"name", "codex"}, {"arguments", {{"sandbox", "x"}}}}));
  EXPECT_EQ(bad["result"]["resultType"], "complete") << bad.dump();
  EXPECT_TRUE(bad["result"]["isError"].get<bool>());
  // Tools other than codex/codex_reply answer as before, extension or not.
  const auto setup =
      ask(server, modern("setup", "tools/call",
                         {{"name", "codex_session"}, {"arguments", {{"action", "list"}}}}));
  EXPECT_EQ(setup["result"]["resultType"], "complete") << setup.dump();
  EXPECT_TRUE(setup["result"].contains("structuredContent"));
  server.close_stdin();
  EXPECT_EQ(server.wait_exit(30s), 0);
}

TEST_F(TasksE2E, ACodexTaskIsPolledToCompletionWithTheResultAndTheSessionStaysUsable) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "task please"}}},
                  {"reply", {{"text", "the task answer"}, {"chunks", 3}, {"delayMs", 100}}}}}}});
  start_server(kCodex);
  const auto task = start_task(codex_arguments("a task please", "never"));
  ASSERT_EQ(task.value("resultType", ""), "task") << task.dump();
  expect_task_shape(task);
  EXPECT_EQ(task["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "codex-mcp");
  const std::string id = task["taskId"];
  const std::string sid = task["_meta"]["codex-mcp/sessionId"];
  EXPECT_NE(task.value("statusMessage", "").find(sid), std::string::npos) << task.dump();
  const auto done = poll_task(id, terminal);
  EXPECT_EQ(done["resultType"], "complete");
  ASSERT_EQ(done["status"], "completed") << done.dump();
  expect_task_shape(done);
  const auto& result = done["result"];
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_FALSE(result["isError"].get<bool>());
  EXPECT_EQ(result["structuredContent"]["sessionId"], sid);
  EXPECT_EQ(result["structuredContent"]["result"]["text"], "the task answer") << result.dump();
  // Polling again gives the same answer; the session is there for the polling tools.
  EXPECT_EQ(get(id)["result"]["result"], result);
  const auto info = ask(*server_, modern(next_id_++, "tools/call",
                                         {{"name", "codex_session"},
                                          {"arguments", {{"action", "get"}, {"sessionId", sid}}}}));
  EXPECT_EQ(info["result"]["structuredContent"]["status"], "idle") << info.dump();
  // codex_reply runs as a task too: the next turn, a new task.
  const auto reply =
      start_task({{"sessionId", sid}, {"prompt", "one more task please"}}, "codex_reply");
  ASSERT_EQ(reply.value("resultType", ""), "task") << reply.dump();
  EXPECT_NE(reply["taskId"], task["taskId"]);
  const auto replied = poll_task(reply["taskId"], terminal);
  EXPECT_EQ(replied["status"], "completed") << replied.dump();
  EXPECT_EQ(replied["result"]["structuredContent"]["result"]["text"], "the task answer");
}

TEST_F(TasksE2E, AnApprovalIsAnInputRequestAnsweredThroughTasksUpdate) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "touch"}}},
                  {"reply", {{"exec", {{"cmd", "touch approved.txt"}, {"escalated", true}}}}}}}}});
  start_server(kCodex);
  for (const std::string decision : {"decline", "accept"}) {
    const auto task = start_task(codex_arguments("please touch the file"));
    ASSERT_EQ(task.value("resultType", ""), "task") << task.dump();
    const std::string id = task["taskId"];
    const auto waiting =
        poll_task(id, [](const Json& t) { return t.value("status", "") != "working"; });
    ASSERT_EQ(waiting["status"], "input_required") << waiting.dump();
    ASSERT_EQ(waiting["inputRequests"].size(), 1u);
    const auto key = waiting["inputRequests"].items().begin().key();
    const auto& request = waiting["inputRequests"][key];
    EXPECT_EQ(request["method"], "elicitation/create");
    EXPECT_EQ(request["params"]["mode"], "form");
    EXPECT_NE(request["params"]["message"].get<std::string>().find("touch approved.txt"),
              std::string::npos)
        << request.dump();
    EXPECT_EQ(request["params"]["requestedSchema"]["type"], "object");
    // Shown to a person: the approval timeout no longer runs for it.
    const auto sid = waiting["_meta"]["codex-mcp/sessionId"];
    const auto check = ask(
        *server_,
        modern(next_id_++, "tools/call",
               {{"name", "codex_check"}, {"arguments", {{"action", "poll"}, {"sessionId", sid}}}}));
    EXPECT_TRUE(check["result"]["structuredContent"]["actions"][0]["expiresAt"].is_null())
        << check.dump();
    const Json answer = {{"action", "accept"}, {"content", {{"decision", decision}}}};
    const auto ack = ask(*server_, modern(next_id_++, "tasks/update",
                                          {{"taskId", id}, {"inputResponses", {{key, answer}}}}));
    EXPECT_EQ(ack["result"]["resultType"], "complete") << ack.dump();
    // The same key again, and an unknown one: ignored.
    const auto again = ask(
        *server_, modern(next_id_++, "tasks/update",
                         {{"taskId", id}, {"inputResponses", {{key, answer}, {"nope", answer}}}}));
    EXPECT_TRUE(again.contains("result")) << again.dump();
    const auto done = poll_task(id, terminal);
    EXPECT_EQ(done["status"], "completed") << done.dump();
    EXPECT_EQ(fs::exists(root_ / "work" / "approved.txt"), decision == "accept") << decision;
  }
}

TEST_F(TasksE2E, CancelTwiceInterruptsTheTurnAndTheTaskIsCancelled) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "slow"}}},
                  {"reply", {{"text", "never finished"}, {"gate", (root_ / "gate").string()}}}}}}});
  start_server(kCodex);
  const auto task = start_task(codex_arguments("a slow task", "never"));
  ASSERT_EQ(task.value("resultType", ""), "task") << task.dump();
  const std::string id = task["taskId"];
  // As Claude Code does: two cancels at once, both acknowledged.
  server_->send(modern(100, "tasks/cancel", {{"taskId", id}}));
  server_->send(modern(101, "tasks/cancel", {{"taskId", id}}));
  for (const int cancel : {100, 101}) {
    const auto ack = server_->read_response(cancel, 60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ((*ack)["result"]["resultType"], "complete") << ack->dump();
  }
  const auto done = poll_task(id, terminal);
  EXPECT_EQ(done["status"], "cancelled") << done.dump();
  // Cancelling a finished task is still acknowledged.
  EXPECT_TRUE(
      ask(*server_, modern(next_id_++, "tasks/cancel", {{"taskId", id}})).contains("result"));
  std::ofstream(root_ / "gate") << "open";
}

TEST_F(TasksE2E, ATaskIsKnownAfterAServerRestartWithTheRestartedResult) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "slow"}}},
                  {"reply", {{"text", "never finished"}, {"gate", (root_ / "gate").string()}}}}}}});
  start_server(kCodex);
  const auto task = start_task(codex_arguments("a slow task", "never"));
  ASSERT_EQ(task.value("resultType", ""), "task") << task.dump();
  const std::string id = task["taskId"];
  EXPECT_EQ(get(id)["result"]["status"], "working");
  server_->kill_now(SIGKILL);
  server_->wait_exit();
  server_.reset();

  start_server(kCodex);
  const auto after = get(id);
  ASSERT_TRUE(after.contains("result")) << after.dump();
  EXPECT_EQ(after["result"]["status"], "completed") << after.dump();
  const auto& structured = after["result"]["result"]["structuredContent"];
  EXPECT_EQ(structured["result"]["error"]["code"], "SERVER_RESTARTED") << after.dump();
  std::ofstream(root_ / "gate") << "open";
}

TEST_F(TasksE2E, WithoutTheExtensionCodexAnswersAsBefore) {
  start_model(
      {{"rules",
        {{{"when", {{"userTextContains", "plain"}}}, {"reply", {{"text", "plain answer"}}}}}}});
  start_server(kCodex);
  auto arguments = codex_arguments("a plain call", "never");
  arguments["advanced"] = {{"waitForResult", 60000}};
  const auto response = ask(*server_, modern(next_id_++, "tools/call",
                                             {{"name", "codex"}, {"arguments", arguments}}, false));
  const auto& result = response["result"];
  EXPECT_EQ(result["resultType"], "complete") << response.dump();
  EXPECT_EQ(result["structuredContent"]["result"]["text"], "plain answer") << result.dump();
}

TEST_F(TasksE2E, ATaskExpiresAfterItsTtl) {
  start_server(kFake, {"CODEX_MCP_TASK_TTL_MS=1"});
  const auto task = start_task(codex_arguments("hello", "never"));
  ASSERT_EQ(task.value("resultType", ""), "task") << task.dump();
  EXPECT_EQ(task["ttlMs"], 1);
  // Its creation preceded the start of a codex child: it is past its 1 ms already.
  const auto expired = get(task["taskId"]);
  EXPECT_EQ(expired["error"]["code"], -32602) << expired.dump();
}

TEST_F(TasksE2E, AQuestionIsAnInputRequestAndItsAnswerReachesCodex) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=user_input"});
  const auto task = start_task(codex_arguments("ask me"));
  ASSERT_EQ(task.value("resultType", ""), "task") << task.dump();
  const std::string id = task["taskId"];
  const auto waiting =
      poll_task(id, [](const Json& t) { return t.value("status", "") != "working"; });
  ASSERT_EQ(waiting["status"], "input_required") << waiting.dump();
  const auto key = waiting["inputRequests"].items().begin().key();
  const auto& schema = waiting["inputRequests"][key]["params"]["requestedSchema"];
  EXPECT_TRUE(schema["properties"].contains("q1")) << schema.dump();
  const Json answer = {{"action", "accept"}, {"content", {{"q1", "blue"}}}};
  ask(*server_,
      modern(next_id_++, "tasks/update", {{"taskId", id}, {"inputResponses", {{key, answer}}}}));
  const auto done = poll_task(id, terminal);
  ASSERT_EQ(done["status"], "completed") << done.dump();
  EXPECT_NE(done["result"]["structuredContent"]["result"]["text"].get<std::string>().find("blue"),
            std::string::npos)
      << done.dump();
}

// The timeout rule: once shown to a person, an approval is not declined by the session's
// approval timeout; the caller may still answer it through codex_check (first answer wins).
TEST_F(TasksE2E, AnApprovalShownToAPersonOutlivesTheApprovalTimeoutAndTheCallerMayAnswerIt) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=command_approval"});
  auto arguments = codex_arguments("run something");
  arguments["advanced"] = {{"approvalTimeoutMs", 300}};
  const auto task = start_task(arguments);
  ASSERT_EQ(task.value("resultType", ""), "task") << task.dump();
  const std::string id = task["taskId"];
  const auto waiting =
      poll_task(id, [](const Json& t) { return t.value("status", "") != "working"; });
  ASSERT_EQ(waiting["status"], "input_required") << waiting.dump();
  const auto key = waiting["inputRequests"].items().begin().key();
  // Well past the 300 ms timeout (a slow machine could only make this pass spuriously).
  std::this_thread::sleep_for(1500ms);
  const auto still = get(id)["result"];
  EXPECT_EQ(still["status"], "input_required") << still.dump();
  const auto sid = waiting["_meta"]["codex-mcp/sessionId"];
  const auto answered = ask(*server_, modern(next_id_++, "tools/call",
                                             {{"name", "codex_check"},
                                              {"arguments",
                                               {{"action", "respond_permission"},
                                                {"sessionId", sid},
                                                {"requestId", key},
                                                {"decision", "accept"}}}}));
  EXPECT_FALSE(answered["result"]["isError"].get<bool>()) << answered.dump();
  // The person's later answer to the same key is ignored.
  ask(*server_,
      modern(next_id_++, "tasks/update",
             {{"taskId", id},
              {"inputResponses",
               {{key, {{"action", "accept"}, {"content", {{"decision", "decline"}}}}}}}}));
  const auto done = poll_task(id, terminal);
  EXPECT_EQ(done["status"], "completed") << done.dump();
  // The fake reports the decision it got: the caller's, not the person's later one.
  EXPECT_EQ(done["result"]["structuredContent"]["result"]["text"], "decision: \"accept\"")
      << done.dump();
}

TEST_F(TasksE2E, WithApprovalsForTheCallerTheTaskStaysWorkingAndSaysHowToAnswer) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=command_approval", "CODEX_MCP_APPROVALS=caller"});
  const auto task = start_task(codex_arguments("run something"));
  ASSERT_EQ(task.value("resultType", ""), "task") << task.dump();
  const auto waiting = poll_task(task["taskId"], [](const Json& t) {
    return t.value("statusMessage", "").find("respond_permission") != std::string::npos;
  });
  EXPECT_EQ(waiting["status"], "working") << waiting.dump();
  EXPECT_FALSE(waiting.contains("inputRequests"));
}

TEST_F(TasksE2E, AChildThatDiesMidTurnFailsTheTask) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=crash_mid_turn"});
  const auto task = start_task(codex_arguments("crash please"));
  ASSERT_EQ(task.value("resultType", ""), "task") << task.dump();
  const auto done = poll_task(task["taskId"], terminal);
  ASSERT_EQ(done["status"], "failed") << done.dump();
  EXPECT_EQ(done["error"]["code"], -32603);
  EXPECT_NE(done["error"]["message"].get<std::string>().find("exited with code 3"),
            std::string::npos)
      << done.dump();
}

}  // namespace codex_mcp::testing
