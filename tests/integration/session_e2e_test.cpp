// End to end through the MCP server: the real `codex app-server` (pinned npm package,
// installed by scripts/deps) against the mock model on 127.0.0.1, and the scripted fake
// app-server for what the real one cannot do on demand.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "e2e_fixture.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp::testing;
using namespace std::chrono_literals;

namespace {

class SessionE2E : public E2EFixture {
 protected:
  /// Sends a `codex` call (request id 42) without waiting for its answer, and returns the
  /// listing once its session shows up (the fake's start gate holds it in `starting`).
  Json send_codex_call_and_list() {
    server_->send(
        {{"jsonrpc", "2.0"},
         {"id", 42},
         {"method", "tools/call"},
         {"params",
          {{"name", "codex"},
           {"arguments",
            {{"prompt", "hello"}, {"approvalPolicy", "never"}, {"sandbox", "read-only"}}}}}});
    Json list;
    for (int i = 0; i < 200 && (list.empty() || list["sessions"].empty()); ++i) {
      if (i > 0) std::this_thread::sleep_for(50ms);
      list = tool("codex_session", {{"action", "list"}});
    }
    return list;
  }

  /// Sends a `codex` call (request id 42) whose session the fake holds in `starting`
  /// until `gate` exists, cancels the call, and returns the session's id.
  std::string cancel_codex_call_while_starting(const fs::path& gate) {
    const auto list = send_codex_call_and_list();
    EXPECT_EQ(list["sessions"].size(), 1u);
    if (list["sessions"].empty()) return "";
    EXPECT_EQ(list["sessions"][0]["status"], "starting");
    cancel_request(42, "user pressed escape");
    std::ofstream(gate) << "open";
    return list["sessions"][0]["sessionId"];
  }
};

}  // namespace

TEST_F(SessionE2E, PlainTurnWaitsForTheResultThenPollsItsEvents) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto started = start("say hello", {{"waitForResult", 60000}});
  EXPECT_EQ(started["status"], "idle");
  EXPECT_EQ(started["result"]["text"], "ECHO[say hello]");
  EXPECT_EQ(started["result"]["usage"]["totalTokens"], 49);
  EXPECT_FALSE(started["execution"]["fellBackToPolling"].get<bool>());

  const auto poll = tool(
      "codex_check",
      {{"action", "poll"}, {"sessionId", started["sessionId"]}, {"cursor", 0}, {"maxEvents", 200}});
  bool saw_delta = false, saw_result = false;
  for (const auto& event : poll["events"]) {
    saw_delta = saw_delta || event["data"].value("method", "") == "item/agentMessage/delta";
    saw_result = saw_result || event["type"] == "result";
  }
  EXPECT_TRUE(saw_delta);
  EXPECT_TRUE(saw_result);
  EXPECT_GT(poll["nextCursor"].get<int>(), 5);
  // The caller has the result already (the codex reply carried it whole): linked, not repeated.
  EXPECT_FALSE(poll.contains("result")) << poll.dump();
  EXPECT_EQ(poll["resultUri"],
            "codex-mcp://sessions/" + started["sessionId"].get<std::string>() + "/result");
}

TEST_F(SessionE2E, ReplyContinuesTheThreadWithItsHistory) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto first = start("first question", {{"waitForResult", 60000}});
  const auto second = tool(
      "codex_reply",
      {{"sessionId", first["sessionId"]}, {"prompt", "second question"}, {"waitForResult", 60000}});
  EXPECT_EQ(second["result"]["text"], "ECHO[first question | second question]");
}

TEST_F(SessionE2E, CommandApprovalAcceptedRunsTheCommandDeclinedDoesNot) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "touch"}}},
                  {"reply", {{"exec", {{"cmd", "touch approved.txt"}, {"escalated", true}}}}}}}}});
  start_server(kCodex);
  for (const std::string decision : {"decline", "accept"}) {
    const auto started = start("please touch the file");
    const auto sid = started["sessionId"];
    const auto waiting = poll_until(sid, [](const Json& p) { return p.contains("actions"); });
    ASSERT_TRUE(waiting.contains("actions"));
    const auto action = waiting["actions"][0];
    EXPECT_EQ(action["kind"], "command_approval");
    EXPECT_NE(action["command"].get<std::string>().find("touch approved.txt"), std::string::npos);
    EXPECT_EQ(waiting["recommendedNextAction"], "respond_permission");
    const auto answered = tool("codex_check", {{"action", "respond_permission"},
                                               {"sessionId", sid},
                                               {"requestId", action["requestId"]},
                                               {"decision", decision}});
    EXPECT_NE(answered["status"], "waiting_approval") << answered.dump();
    const auto done = poll_until(sid, finished);
    EXPECT_EQ(done["status"], "idle");
    EXPECT_EQ(fs::exists(root_ / "work" / "approved.txt"), decision == "accept") << decision;
  }
}

TEST_F(SessionE2E, ModelFailureIsSurfacedAsTheTurnsError) {
  start_model(
      {{"rules", {{{"when", {{"userTextContains", "fail"}}}, {"reply", {{"fail", "boom"}}}}}}});
  start_server(kCodex);
  const auto started = start("please fail", {{"waitForResult", 60000}});
  EXPECT_EQ(started["status"], "error");
  EXPECT_EQ(started["result"]["status"], "failed");
  EXPECT_NE(started["result"]["error"].dump().find("boom"), std::string::npos);
}

TEST_F(SessionE2E, CancelStopsTheChildAndIsIdempotent) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto started = start("hello", {{"waitForResult", 60000}});
  const auto sid = started["sessionId"];
  const auto info =
      tool("codex_session", {{"action", "get"}, {"sessionId", sid}, {"includeSensitive", true}});
  const int pid = info["pid"];
  ASSERT_GT(pid, 0);
  EXPECT_EQ(::kill(pid, 0), 0);
  tool("codex_session", {{"action", "cancel"}, {"sessionId", sid}});
  EXPECT_NE(::kill(pid, 0), 0);  // reaped: no such process
  const auto again = tool("codex_session", {{"action", "cancel"}, {"sessionId", sid}});
  EXPECT_TRUE(again["success"].get<bool>());
  const auto plain = tool("codex_session", {{"action", "get"}, {"sessionId", sid}});
  EXPECT_EQ(plain["status"], "cancelled");
  EXPECT_FALSE(plain.contains("cwd"));  // redacted without includeSensitive
  EXPECT_FALSE(plain.contains("threadId"));
}

TEST_F(SessionE2E, UserInputRequestIsAnsweredThroughActions) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=user_input"});
  const auto started = start("ask me");
  const auto sid = started["sessionId"];
  const auto waiting = poll_until(sid, [](const Json& p) { return p.contains("actions"); });
  ASSERT_TRUE(waiting.contains("actions"));
  const auto action = waiting["actions"][0];
  EXPECT_EQ(action["kind"], "user_input");
  EXPECT_EQ(waiting["recommendedNextAction"], "respond_user_input");
  EXPECT_EQ(waiting["status"], "waiting_approval");
  const auto answered = tool("codex_check", {{"action", "respond_user_input"},
                                             {"sessionId", sid},
                                             {"requestId", action["requestId"]},
                                             {"answers", {{"q1", {{"answers", {"blue"}}}}}}});
  // The answer's own reply already says the session is working again.
  EXPECT_EQ(answered["status"], "running") << answered.dump();
  EXPECT_EQ(answered["progress"]["pendingActions"], 0);
  const auto done = poll_until(sid, finished);
  EXPECT_NE(done["result"]["text"].get<std::string>().find("blue"), std::string::npos)
      << done.dump();
}

TEST_F(SessionE2E, CrashMidTurnIsASessionErrorAndTheServerKeepsServing) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=crash_mid_turn"});
  const auto started = start("crash please");
  const auto done = poll_until(started["sessionId"], finished);
  EXPECT_EQ(done["status"], "error");
  const auto info = tool("codex_session", {{"action", "get"}, {"sessionId", started["sessionId"]}});
  EXPECT_NE(info["lastError"].get<std::string>().find("exited with code 3"), std::string::npos)
      << info.dump();
  const auto list = tool("codex_session", {{"action", "list"}});
  EXPECT_EQ(list["sessions"].size(), 1u);
}

TEST_F(SessionE2E, WaitForResultSendsProgressWhenAskedTo) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "slow"}}},
                  {"reply", {{"text", "slow answer"}, {"chunks", 4}, {"delayMs", 300}}}}}}});
  start_server(kCodex);
  server_->send({{"jsonrpc", "2.0"},
                 {"id", 77},
                 {"method", "tools/call"},
                 {"params",
                  {{"name", "codex"},
                   {"arguments",
                    {{"prompt", "slow please"},
                     {"approvalPolicy", "never"},
                     {"sandbox", "read-only"},
                     {"cwd", (root_ / "work").string()},
                     {"advanced", {{"waitForResult", 60000}}}}},
                   {"_meta", {{"progressToken", "p-1"}}}}}});
  const auto response = server_->read_response(77, 60s);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["result"]["structuredContent"]["result"]["text"], "slow answer");
  double last = 0;
  int progress = 0;
  for (const auto& message : server_->skipped) {
    if (message.value("method", "") != "notifications/progress") continue;
    EXPECT_EQ(message["params"]["progressToken"], "p-1");
    EXPECT_GT(message["params"]["progress"].get<double>(), last);  // strictly increasing
    last = message["params"]["progress"].get<double>();
    ++progress;
  }
  EXPECT_GE(progress, 1);
}

TEST_F(SessionE2E, InterruptEndsTheTurnAsInterrupted) {
  start_model(
      {{"rules",
        {{{"when", {{"userTextContains", "long"}}},
          {"reply", {{"text", "a very long answer"}, {"chunks", 40}, {"delayMs", 500}}}}}}});
  start_server(kCodex);
  const auto started = start("a long story");
  const auto sid = started["sessionId"];
  poll_until(sid, [](const Json& p) {
    return p["progress"].value("phase", "") == "responding" || p.value("status", "") == "idle";
  });
  const auto interrupted = tool("codex_session", {{"action", "interrupt"}, {"sessionId", sid}});
  EXPECT_TRUE(interrupted["success"].get<bool>());
  const auto done = poll_until(sid, finished);
  EXPECT_EQ(done["result"]["status"], "interrupted");
  const auto idle =
      server_->call_tool("codex_session", {{"action", "interrupt"}, {"sessionId", sid}});
  EXPECT_NE(idle["result"]["content"][0]["text"].get<std::string>().find("SESSION_NOT_RUNNING"),
            std::string::npos);
}

TEST_F(SessionE2E, ForkStartsANewSessionWithTheHistory) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto first = start("remember apples", {{"waitForResult", 60000}});
  const auto fork = tool("codex_session", {{"action", "fork"}, {"sessionId", first["sessionId"]}});
  EXPECT_NE(fork["sessionId"], first["sessionId"]);
  EXPECT_EQ(fork["status"], "idle");
  const auto reply = tool(
      "codex_reply",
      {{"sessionId", fork["sessionId"]}, {"prompt", "what did I say"}, {"waitForResult", 60000}});
  EXPECT_EQ(reply["result"]["text"], "ECHO[remember apples | what did I say]");
  EXPECT_EQ(tool("codex_session", {{"action", "list"}})["sessions"].size(), 2u);
}

TEST_F(SessionE2E, FileChangeApprovalIsAnAction) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "file"}}},
                  {"reply", {{"patch", {{"path", "hello.txt"}, {"content", "hello\n"}}}}}}}}});
  start_server(kCodex);
  const auto started = start("write the file");
  const auto sid = started["sessionId"];
  const auto waiting = poll_until(sid, [](const Json& p) { return p.contains("actions"); });
  ASSERT_TRUE(waiting.contains("actions"));
  EXPECT_EQ(waiting["actions"][0]["kind"], "file_change_approval");
  // The files and the diff, from the item (codex sends them there, not in the request).
  const auto changes = waiting["actions"][0].value("changes", Json::array());
  ASSERT_EQ(changes.size(), 1u) << waiting.dump();
  EXPECT_TRUE(changes[0]["path"].get<std::string>().ends_with("hello.txt")) << changes.dump();
  EXPECT_NE(changes[0]["diff"].get<std::string>().find("hello"), std::string::npos);
  const auto bad =
      server_->call_tool("codex_check", {{"action", "respond_permission"},
                                         {"sessionId", sid},
                                         {"requestId", waiting["actions"][0]["requestId"]},
                                         {"decision", "acceptWithExecpolicyAmendment"},
                                         {"execpolicy_amendment", {"x"}}});
  EXPECT_TRUE(bad["result"]["isError"].get<bool>());  // not a decision for file changes
  tool("codex_check", {{"action", "respond_permission"},
                       {"sessionId", sid},
                       {"requestId", waiting["actions"][0]["requestId"]},
                       {"decision", "accept"}});
  poll_until(sid, finished);
  EXPECT_TRUE(fs::exists(root_ / "work" / "hello.txt"));
}

TEST_F(SessionE2E, EveryOtherServerRequestGetsAnExplicitAnswer) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=server_requests"});
  const auto started = start("ask everything", {{"waitForResult", 60000}});
  const auto text = started["result"]["text"].get<std::string>();
  for (const auto* expected :
       {"item/permissions/requestApproval=result", "mcpServer/elicitation/request=result",
        "item/tool/call=result", "account/chatgptAuthTokens/refresh=error",
        "attestation/generate=error", "currentTime/read=result", "execCommandApproval=result",
        "applyPatchApproval=result"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " in " << text;
  }
}

TEST_F(SessionE2E, UnansweredApprovalIsDeclinedAfterTheTimeout) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=command_approval"});
  const auto started = start("run something", {{"approvalTimeoutMs", 1000}});
  const auto done = poll_until(started["sessionId"], finished);
  EXPECT_NE(done["result"]["text"].get<std::string>().find("decline"), std::string::npos)
      << done.dump();
}

TEST_F(SessionE2E, ChildThatDiesBeforeInitializeIsAClearError) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=exit_before_init"});
  const auto response = server_->call_tool(
      "codex", {{"prompt", "hi"}, {"approvalPolicy", "never"}, {"sandbox", "read-only"}});
  const auto text = response["result"]["content"][0]["text"].get<std::string>();
  EXPECT_TRUE(response["result"]["isError"].get<bool>());
  EXPECT_NE(text.find("could not start codex"), std::string::npos) << text;
  EXPECT_NE(text.find("exited"), std::string::npos) << text;
  server_->send({{"jsonrpc", "2.0"}, {"id", 5}, {"method", "ping"}});
  EXPECT_TRUE(server_->read_response(5));
  // One error event says it all (the exit and the failed start are one story).
  const auto list = tool("codex_session", {{"action", "list"}});
  ASSERT_EQ(list["sessions"].size(), 1u);
  const auto poll = tool("codex_check", {{"action", "poll"},
                                         {"sessionId", list["sessions"][0]["sessionId"]},
                                         {"cursor", 0},
                                         {"maxEvents", 100}});
  EXPECT_EQ(poll["status"], "error");
  std::size_t errors = 0;
  for (const auto& event : poll["events"]) errors += event["type"] == "error" ? 1 : 0;
  EXPECT_EQ(errors, 1u) << poll.dump();
}

TEST_F(SessionE2E, StartupTimeoutIsAClearErrorAndLeavesNoChild) {
  // The fake reads initialize and never answers it.
  start_server(kFake, {"FAKE_CODEX_SCENARIO=hang", "CODEX_MCP_STARTUP_TIMEOUT_MS=500"});
  const auto response = server_->call_tool(
      "codex", {{"prompt", "hi"}, {"approvalPolicy", "never"}, {"sandbox", "read-only"}});
  const auto text = response["result"]["content"][0]["text"].get<std::string>();
  EXPECT_TRUE(response["result"]["isError"].get<bool>());
  EXPECT_NE(text.find("did not answer initialize within 500 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("CODEX_MCP_STARTUP_TIMEOUT_MS"), std::string::npos) << text;
  EXPECT_NE(text.find("config.toml"), std::string::npos) << text;

  // The session is an error with that message, and its child is stopped and reaped.
  const auto list = tool("codex_session", {{"action", "list"}});
  ASSERT_EQ(list["sessions"].size(), 1u);
  EXPECT_EQ(list["sessions"][0]["status"], "error");
  const auto info = tool("codex_session", {{"action", "get"},
                                           {"sessionId", list["sessions"][0]["sessionId"]},
                                           {"includeSensitive", true}});
  EXPECT_NE(info["lastError"].get<std::string>().find("within 500 ms"), std::string::npos)
      << info.dump();
  EXPECT_EQ(info["pid"], -1);  // no child any more, and none left behind:
  EXPECT_TRUE(codex_mcp::testing::child_pids(server_->pid()).empty());

  // The server keeps serving.
  server_->send({{"jsonrpc", "2.0"}, {"id", 5}, {"method", "ping"}});
  EXPECT_TRUE(server_->read_response(5));
  const auto poll = tool(
      "codex_check",
      {{"action", "poll"}, {"sessionId", list["sessions"][0]["sessionId"]}, {"maxEvents", 100}});
  EXPECT_EQ(poll["status"], "error");
}

TEST_F(SessionE2E, GarbageFromTheChildDoesNotBreakTheTurn) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=garbage"});
  const auto started = start("hello", {{"waitForResult", 60000}});
  EXPECT_EQ(started["status"], "idle");
  EXPECT_EQ(started["result"]["text"], "fake reply to: hello");
}

TEST_F(SessionE2E, EffortTheModelDoesNotAdvertiseIsRefusedWithTheValidOnes) {
  if (older_than_pinned_codex()) GTEST_SKIP() << "an older codex has another model catalog";
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  // codex 0.169 itself takes any effort; its catalog (model/list) says gpt-5.5 takes
  // low, medium, high and xhigh. The mock answers whatever the model name.
  auto arguments = Json{{"prompt", "think hard"}, {"approvalPolicy", "never"},
                        {"sandbox", "read-only"}, {"cwd", (root_ / "work").string()},
                        {"model", "gpt-5.5"},     {"effort", "minimal"}};
  const auto refused = server_->call_tool("codex", arguments);
  const auto text = refused["result"]["content"][0]["text"].get<std::string>();
  EXPECT_EQ(text,
            "Error [INVALID_ARGUMENT]: effort \"minimal\" is not supported by model gpt-5.5; use "
            "one of: low, medium, high, xhigh (from codex model/list)");
  // That session never ran: it is an error, with its child stopped.
  auto list = tool("codex_session", {{"action", "list"}});
  ASSERT_EQ(list["sessions"].size(), 1u);
  EXPECT_EQ(list["sessions"][0]["status"], "error");
  EXPECT_TRUE(codex_mcp::testing::child_pids(server_->pid()).empty());

  arguments["effort"] = "xhigh";
  arguments["advanced"] = {{"waitForResult", 60000}};
  const auto started = tool("codex", arguments);
  EXPECT_EQ(started["status"], "idle");
  EXPECT_EQ(started["result"]["text"], "ECHO[think hard]");
  const auto sid = started["sessionId"];
  // A reply with an effort gpt-5.5 lacks is refused, and the session stays usable.
  const auto bad_reply = server_->call_tool(
      "codex_reply", {{"sessionId", sid}, {"prompt", "harder"}, {"effort", "ultra"}});
  EXPECT_NE(bad_reply["result"]["content"][0]["text"].get<std::string>().find(
                "effort \"ultra\" is not supported by model gpt-5.5; use one of: low, medium, "
                "high, xhigh"),
            std::string::npos)
      << bad_reply.dump();
  EXPECT_EQ(tool("codex_session", {{"action", "get"}, {"sessionId", sid}})["status"], "idle");
  const auto reply = tool(
      "codex_reply",
      {{"sessionId", sid}, {"prompt", "harder"}, {"effort", "high"}, {"waitForResult", 60000}});
  EXPECT_EQ(reply["result"]["text"], "ECHO[think hard | harder]");
  // A model codex does not know (the config's mock-model) is not judged.
  const auto mock = tool("codex_reply", {{"sessionId", sid},
                                         {"prompt", "again"},
                                         {"model", "mock-model"},
                                         {"effort", "minimal"},
                                         {"waitForResult", 60000}});
  EXPECT_EQ(mock["status"], "idle") << mock.dump();
  // Only accepted efforts reached the model.
  std::ifstream requests(root_ / "requests.jsonl");
  std::string line;
  std::vector<std::string> efforts;
  while (std::getline(requests, line)) {
    const auto request = Json::parse(line);
    if (request.contains("reasoning")) efforts.push_back(request["reasoning"].value("effort", ""));
  }
  EXPECT_EQ(efforts, (std::vector<std::string>{"xhigh", "high", "minimal"}));
}

TEST_F(SessionE2E, ConfigValueCodexRefusesIsAnInvalidArgumentListingTheValidOnes) {
  if (older_than_pinned_codex()) {
    // codex 0.80's app-server reports a configuration it refuses only once its stdin
    // closes (nothing on the wire or stderr before): the start fails at
    // --startup-timeout-ms, and the texts are another release's.
    GTEST_SKIP() << "an older codex refuses its config differently";
  }
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  // codex refuses the -c value at startup (exit 1, "Error: unknown variant ..." on stderr).
  auto arguments = Json{{"prompt", "hi"},
                        {"approvalPolicy", "never"},
                        {"sandbox", "read-only"},
                        {"cwd", (root_ / "work").string()},
                        {"advanced", {{"config", {{"model_reasoning_summary", "bogus"}}}}}};
  const auto refused = server_->call_tool("codex", arguments);
  EXPECT_EQ(refused["result"]["content"][0]["text"],
            "Error [INVALID_ARGUMENT]: advanced.config.model_reasoning_summary \"bogus\" is "
            "refused by codex; use one of: auto, concise, detailed, none");
  const auto list = tool("codex_session", {{"action", "list"}});
  ASSERT_EQ(list["sessions"].size(), 1u);
  EXPECT_EQ(list["sessions"][0]["status"], "error");

  // A profile without its file (codex keeps one in <CODEX_HOME>/<name>.config.toml).
  arguments["advanced"] = Json::object();
  arguments["profile"] = "fast";
  const auto profile = server_->call_tool("codex", arguments);
  EXPECT_EQ(profile["result"]["content"][0]["text"],
            "Error [INVALID_ARGUMENT]: profile \"fast\" not found: codex keeps a profile in " +
                (root_ / "home" / "fast.config.toml").string() +
                " (settings layered over config.toml)");

  // A bad value in config.toml is not the call's fault: codex names the file and line.
  std::string config;
  {
    std::ifstream in(root_ / "home" / "config.toml");
    config.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(root_ / "home" / "config.toml") << "model_verbosity = \"bogus\"\n" << config;
  arguments.erase("profile");
  const auto broken = server_->call_tool("codex", arguments);
  const auto text = broken["result"]["content"][0]["text"].get<std::string>();
  EXPECT_EQ(text.rfind("Error [INTERNAL]: could not start codex", 0), 0u) << text;
  EXPECT_NE(text.find("config.toml:1:19: unknown variant `bogus`, expected one of `low`, "
                      "`medium`, `high`"),
            std::string::npos)
      << text;
  EXPECT_TRUE(codex_mcp::testing::child_pids(server_->pid()).empty());
}

TEST_F(SessionE2E, AProfileFileIsLayeredUnderTheCallersConfig) {
  start_model({{"rules", Json::array()}});
  std::ofstream(root_ / "home" / "fast.config.toml")
      << "model = \"profile-model\"\n[model_providers.mock_provider]\nname = \"Via profile\"\n";
  start_server(kCodex);
  Json arguments = {{"prompt", "hi"},         {"approvalPolicy", "never"},
                    {"sandbox", "read-only"}, {"cwd", (root_ / "work").string()},
                    {"profile", "fast"},      {"advanced", {{"waitForResult", 60000}}}};
  const auto with_profile = tool("codex", arguments);
  EXPECT_EQ(with_profile["status"], "idle") << with_profile.dump();
  EXPECT_EQ(
      tool("codex_session", {{"action", "get"}, {"sessionId", with_profile["sessionId"]}})["model"],
      "profile-model");
  arguments["advanced"]["config"] = {{"model", "config-model"}};  // the caller's config wins
  const auto overridden = tool("codex", arguments);
  EXPECT_EQ(
      tool("codex_session", {{"action", "get"}, {"sessionId", overridden["sessionId"]}})["model"],
      "config-model");
  // The model was asked under those names.
  std::ifstream log(root_ / "requests.jsonl");
  std::vector<std::string> models;
  for (std::string line; std::getline(log, line);) {
    models.push_back(Json::parse(line).value("model", ""));
  }
  EXPECT_EQ(models, (std::vector<std::string>{"profile-model", "config-model"}));
}

class OutputSchemaE2E : public SessionE2E, public ::testing::WithParamInterface<const char*> {};

TEST_P(OutputSchemaE2E, OutputSchemaGivesStructuredOutput) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "health"}}},
                  {"reply", {{"json", {{"ok", true}, {"summary", "fine"}}}}}}}}});
  start_server(kCodex, {std::string("CODEX_MCP_MODE=") + GetParam()});
  const Json schema = {
      {"type", "object"},
      {"properties", {{"ok", {{"type", "boolean"}}}, {"summary", {{"type", "string"}}}}},
      {"required", {"ok", "summary"}},
      {"additionalProperties", false}};
  const auto started = start("health check", {{"waitForResult", 60000}, {"outputSchema", schema}});
  EXPECT_EQ(started["result"]["structuredOutput"]["summary"], "fine") << started.dump();
  // The schema reached the model as the response format.
  std::ifstream requests(root_ / "requests.jsonl");
  std::string line, all;
  while (std::getline(requests, line)) all += line;
  EXPECT_NE(all.find("codex_output_schema"), std::string::npos);
}

// In exec mode the schema goes to `codex exec --output-schema` as a file.
INSTANTIATE_TEST_SUITE_P(BothModes, OutputSchemaE2E, ::testing::Values("app-server", "exec"));

TEST_F(SessionE2E, CancelledWaitGetsNoResponseAndTheSessionGoesOn) {
  start_server(kFake, {"FAKE_CODEX_SCENARIO=hang_turn", "CODEX_MCP_DRAIN_TIMEOUT_MS=1000"});
  server_->send({{"jsonrpc", "2.0"},
                 {"id", 42},
                 {"method", "tools/call"},
                 {"params",
                  {{"name", "codex"},
                   {"arguments",
                    {{"prompt", "wait forever"},
                     {"approvalPolicy", "never"},
                     {"sandbox", "read-only"},
                     {"advanced", {{"waitForResult", 300000}}}}}}}});
  // Once the session exists, cancel the waiting call.
  Json list;
  for (int i = 0; i < 100; ++i) {
    list = tool("codex_session", {{"action", "list"}});
    if (!list["sessions"].empty() && list["sessions"][0]["status"] == "running") break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(list["sessions"].size(), 1u);
  server_->send({{"jsonrpc", "2.0"},
                 {"method", "notifications/cancelled"},
                 {"params", {{"requestId", 42}, {"reason", "user pressed escape"}}}});
  // The cancelled call unwinds on the loop after the notification; a few round trips
  // later it must be gone, so id 42 is free again (an id in flight is refused).
  for (int id = 43; id < 46; ++id) {
    server_->send({{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}});
    ASSERT_TRUE(server_->read_response(id));
  }
  server_->send({{"jsonrpc", "2.0"}, {"id", 42}, {"method", "ping"}});
  const auto ping = server_->read_response(42);
  ASSERT_TRUE(ping);
  EXPECT_EQ((*ping)["result"], Json::object()) << ping->dump();
  const auto replies_to_42 =
      std::count_if(server_->skipped.begin(), server_->skipped.end(),
                    [](const Json& m) { return m.value("id", Json()) == 42; });
  EXPECT_EQ(replies_to_42, 0);
  EXPECT_EQ(tool("codex_session", {{"action", "list"}})["sessions"][0]["status"], "running");
}

TEST_F(SessionE2E, CancelledCallWhileStartingLeavesTheStartToFinish) {
  start_server(kFake, {"FAKE_CODEX_START_GATE=" + (root_ / "gate").string()});
  const auto sid = cancel_codex_call_while_starting(root_ / "gate");
  ASSERT_FALSE(sid.empty());
  // The start goes on without its caller: the turn runs and ends as usual.
  const auto done = poll_until(sid, finished);
  EXPECT_EQ(done["status"], "idle") << done.dump();
  EXPECT_EQ(done["result"]["text"], "fake reply to: hello");
  EXPECT_EQ(replies_to(42), 0u);  // a cancelled request gets no response
}

TEST_F(SessionE2E, CancelledCallWhoseStartThenFailsLeavesAnErrorSession) {
  start_server(kFake, {"FAKE_CODEX_START_GATE=" + (root_ / "gate").string(),
                       "FAKE_CODEX_SCENARIO=exit_before_init"});
  const auto sid = cancel_codex_call_while_starting(root_ / "gate");
  ASSERT_FALSE(sid.empty());
  const auto done = poll_until(sid, finished);
  EXPECT_EQ(done["status"], "error") << done.dump();
  const auto info = tool("codex_session", {{"action", "get"}, {"sessionId", sid}});
  EXPECT_NE(info["lastError"].get<std::string>().find("could not start codex"), std::string::npos)
      << info.dump();
  EXPECT_TRUE(codex_mcp::testing::child_pids(server_->pid()).empty());
  EXPECT_EQ(replies_to(42), 0u);
}

TEST_F(SessionE2E, SessionCancelledWhileStartingEndsTheCallAsCancelled) {
  start_server(kFake, {"FAKE_CODEX_START_GATE=" + (root_ / "gate").string()});
  const auto list = send_codex_call_and_list();
  ASSERT_EQ(list["sessions"].size(), 1u);
  const auto sid = list["sessions"][0]["sessionId"];
  // The gate never opens: cancel stops the child under the start.
  tool("codex_session", {{"action", "cancel"}, {"sessionId", sid}});
  // The codex call may end before or after the cancel call's own answer.
  std::optional<Json> response;
  for (const auto& message : server_->skipped) {
    if (message.value("id", Json()) == 42) response = message;
  }
  if (!response) response = server_->read_response(42);
  ASSERT_TRUE(response);
  EXPECT_EQ(
      (*response)["result"]["content"][0]["text"].get<std::string>().rfind("Error [CANCELLED]", 0),
      0u)
      << response->dump();
  const auto info = tool("codex_session", {{"action", "get"}, {"sessionId", sid}});
  EXPECT_EQ(info["status"], "cancelled");
  EXPECT_FALSE(info.contains("lastError")) << info.dump();  // not a failure of codex
  EXPECT_TRUE(codex_mcp::testing::child_pids(server_->pid()).empty());
}

TEST_F(SessionE2E, ValueACodexRefusesOnTheWireNamesTheArgumentAndTheValidOnes) {
  // A codex stricter than the tools' lists (the fake refuses personality "friendly" as
  // codex 0.169 refuses an unknown variant), at thread/start and at turn/start.
  start_server(kFake, {"FAKE_CODEX_PERSONALITIES=none,pragmatic"});
  const auto refused = server_->call_tool("codex", {{"prompt", "hi"},
                                                    {"approvalPolicy", "never"},
                                                    {"sandbox", "read-only"},
                                                    {"advanced", {{"personality", "friendly"}}}});
  EXPECT_EQ(refused["result"]["content"][0]["text"],
            "Error [INVALID_ARGUMENT]: personality \"friendly\" is refused by codex; use one of: "
            "none, pragmatic");
  EXPECT_TRUE(codex_mcp::testing::child_pids(server_->pid()).empty());

  const auto started = start("hello", {{"waitForResult", 60000}});
  const auto sid = started["sessionId"];
  const auto reply = server_->call_tool(
      "codex_reply", {{"sessionId", sid}, {"prompt", "again"}, {"personality", "friendly"}});
  EXPECT_EQ(reply["result"]["content"][0]["text"],
            "Error [INVALID_ARGUMENT]: personality \"friendly\" is refused by codex; use one of: "
            "none, pragmatic");
  // The refused turn never started: the session is as it was.
  const auto info = tool("codex_session", {{"action", "get"}, {"sessionId", sid}});
  EXPECT_EQ(info["status"], "idle");
  const auto fine = tool("codex_reply", {{"sessionId", sid},
                                         {"prompt", "again"},
                                         {"personality", "pragmatic"},
                                         {"waitForResult", 60000}});
  EXPECT_EQ(fine["result"]["text"], "fake reply to: again");
}

TEST_F(SessionE2E, UnknownSessionAndBusySessionAreToolErrors) {
  // A turn that never ends: on EOF the server waits only the (short) drain timeout.
  start_server(kFake, {"FAKE_CODEX_SCENARIO=hang_turn", "CODEX_MCP_DRAIN_TIMEOUT_MS=1000"});
  const auto missing =
      server_->call_tool("codex_check", {{"action", "poll"}, {"sessionId", "sess_nope"}});
  EXPECT_EQ(missing["result"]["content"][0]["text"].get<std::string>().rfind(
                "Error [SESSION_NOT_FOUND]", 0),
            0u);
  const auto started = start("never ends");
  const auto busy =
      server_->call_tool("codex_reply", {{"sessionId", started["sessionId"]}, {"prompt", "again"}});
  EXPECT_EQ(
      busy["result"]["content"][0]["text"].get<std::string>().rfind("Error [SESSION_BUSY]", 0), 0u);
}

TEST_F(SessionE2E, AReplyWithoutAnEffortKeepsTheSessions) {
  const auto log = root_ / "fake.log";
  start_server(kFake, {"FAKE_CODEX_LOG=" + log.string()});
  const auto first = tool("codex", {{"prompt", "first"},
                                    {"approvalPolicy", "never"},
                                    {"sandbox", "read-only"},
                                    {"effort", "high"},
                                    {"advanced", {{"waitForResult", 60000}}}});
  ASSERT_EQ(first["status"], "idle") << first.dump();
  tool("codex_reply",
       {{"sessionId", first["sessionId"]}, {"prompt", "second"}, {"waitForResult", 60000}});
  tool("codex_reply", {{"sessionId", first["sessionId"]},
                       {"prompt", "third"},
                       {"effort", "minimal"},
                       {"waitForResult", 60000}});
  std::vector<std::string> efforts;
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    const auto message = Json::parse(line, nullptr, false);
    if (message.is_object() && message.value("method", "") == "turn/start") {
      efforts.push_back(message["params"].value("effort", "(none)"));
    }
  }
  EXPECT_EQ(efforts, (std::vector<std::string>{"high", "high", "minimal"}));
}

TEST_F(SessionE2E, CleanBackgroundTerminalsAsksTheAppServer) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto started = start("hello", {{"waitForResult", 60000}});
  ASSERT_EQ(started["status"], "idle");
  const auto response = server_->call_tool(
      "codex_session",
      {{"action", "clean_background_terminals"}, {"sessionId", started["sessionId"]}});
  if (!codex_release().has_background_terminals_clean()) {  // before codex 0.100
    EXPECT_NE(response["result"]["content"][0]
                  .value("text", std::string())
                  .find("clean_background_terminals is not supported by " + codex_release().name()),
              std::string::npos)
        << response.dump();
    return;
  }
  EXPECT_FALSE(response["result"].value("isError", false)) << response.dump();
}

TEST_F(SessionE2E, ACallCodexRefusesIsAToolErrorAndTheServerKeepsServing) {
  start_server(kFake, {"FAKE_CODEX_REFUSE=thread/backgroundTerminals/clean"});
  const auto started = start("hello", {{"waitForResult", 60000}});
  const auto response = server_->call_tool(
      "codex_session",
      {{"action", "clean_background_terminals"}, {"sessionId", started["sessionId"]}});
  ASSERT_TRUE(response.contains("result")) << "a transport error: " << response.dump();
  EXPECT_TRUE(response["result"].value("isError", false));
  const auto text = response["result"]["content"][0]["text"].get<std::string>();
  EXPECT_EQ(text.rfind("Error [CODEX_ERROR]: ", 0), 0u) << text;
  EXPECT_NE(text.find("refused"), std::string::npos) << text;
  EXPECT_EQ(
      tool("codex_session", {{"action", "get"}, {"sessionId", started["sessionId"]}})["status"],
      "idle");
}

TEST_F(SessionE2E, SetupReportsTheRealCodex) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto setup = tool("codex_setup", {{"cwd", (root_ / "work").string()}});
  EXPECT_EQ(setup["codex"]["path"], kCodex);
  ASSERT_TRUE(codex_release().version);
  const auto release = codex_release().version->to_string();  // 0.169.0 unless told otherwise
  EXPECT_NE(setup["codex"]["version"].get<std::string>().find(release), std::string::npos)
      << setup.dump();
  EXPECT_EQ(setup["codex"]["release"], release);
  EXPECT_TRUE(setup["codex"]["supported"].get<bool>());
  EXPECT_TRUE(setup["appServerSupported"].get<bool>());
  EXPECT_EQ(setup["clientMode"], "app-server");
  bool user_config = false;
  for (const auto& file : setup["configFiles"]) {
    user_config = user_config || (file["path"] == (root_ / "home" / "config.toml").string() &&
                                  file["scope"] == "user");
  }
  EXPECT_TRUE(user_config) << setup["configFiles"].dump();
  EXPECT_EQ(setup["stateDir"]["path"], (root_ / "state").string());
  EXPECT_EQ(setup["stateDir"]["access"], "owner");
  // No credentials here: codex says so, and the report passes it on.
  EXPECT_FALSE(setup["login"]["loggedIn"].get<bool>()) << setup["login"].dump();
}
