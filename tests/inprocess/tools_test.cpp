// The five tools' handlers against the fake codex: the arguments decoded, the session
// driven, the reply shaped as docs/tools.md promises, and the session layer's errors
// turned into the contract's codes. Each handler is called as the MCP server calls it
// (tools::make_tools), without a progress token.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "asio_test_loop.hpp"
#include "codex_mcp/tools/refusals.hpp"
#include "codex_mcp/tools/registry.hpp"
#include "fake_codex.hpp"
#include "test_dir.hpp"

namespace codex_mcp::tools {
namespace {

namespace fs = std::filesystem;
using session::Status;
using testing::FakeProvider;
using testing::run_awaitable;
using namespace std::chrono_literals;

/// A failed call: its contract code and message.
struct Failure {
  std::string code;
  std::string message;
};

class Tools : public ::testing::Test {
 protected:
  Tools() {
    manager->start();
    tools = make_tools(box);
  }
  ~Tools() override {
    tools.clear();
    manager.reset();  // its journals flushed before their directory goes
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  /// Calls tool `name` as the server does; the reply in its reading order.
  mcp::ToolReply call(const std::string& name, Json arguments) {
    for (const auto& tool : tools) {
      if (tool.descriptor["name"] != name) continue;
      mcp::ToolCallContext context(nullptr, [](const Json&) {});
      return run_awaitable(io, tool.handler(std::move(arguments), context), 5s);
    }
    throw std::logic_error("no tool " + name);
  }

  /// Calls tool `name` expecting a ToolError.
  Failure failure(const std::string& name, Json arguments) {
    try {
      const auto reply = call(name, std::move(arguments));
      ADD_FAILURE() << name << " succeeded: " << reply.dump();
    } catch (const mcp::ToolError& e) {
      return {e.code(), e.what()};
    }
    return {};
  }

  /// Starts a session through the `codex` tool; returns its reply.
  mcp::ToolReply start(Json advanced = Json::object()) {
    Json arguments = {{"prompt", "write the tests"},
                      {"approvalPolicy", "on-request"},
                      {"sandbox", "workspace-write"}};
    if (!advanced.empty()) arguments["advanced"] = std::move(advanced);
    return call("codex", std::move(arguments));
  }

  /// Runs the loop until nothing is ready (timers not yet due are left).
  void settle() {
    io.poll();
    io.restart();
  }

  /// Runs `step` on the loop once the session's codex has a turn (from a posted handler:
  /// the tool call that starts the turn is running meanwhile).
  void once_a_turn_runs(std::function<void(testing::FakeCodex&)> step) {
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [this, step = std::move(step), poll] {
      if (provider->opened.empty() || provider->last().turn_id().empty()) {
        boost::asio::post(io, *poll);
        return;
      }
      step(provider->last());
      *poll = nullptr;  // (breaks the cycle)
    };
    boost::asio::post(io, *poll);
  }

  fs::path dir = testing::fresh_memory_test_dir("tools");
  boost::asio::io_context io{1};
  std::shared_ptr<FakeProvider> provider = std::make_shared<FakeProvider>(io.get_executor());
  std::unique_ptr<session::SessionManager> manager = [this] {
    session::ManagerOptions options;
    options.state_dir = dir.string();
    return std::make_unique<session::SessionManager>(
        session::SessionServices{
            .executor = io.get_executor(),
            .provider = provider,
            .wording = {.param = describe_param_refusal, .config = describe_config_refusal}},
        std::move(options));
  }();
  /// Set by a test that calls codex_setup.
  std::string codex_path;
  Toolbox box{
      .sessions = *manager,
      .codex = {.executable =
                    [this] {
                      return codex::ExecutableChoice{.path = codex_path,
                                                     .source = "--codex-path",
                                                     .error = codex_path.empty() ? "not found" : "",
                                                     .warnings = {}};
                    },
                .probe = std::make_shared<codex::CodexProbe>(io.get_executor(), 5s),
                .client_mode = [] { return std::string("app-server"); }},
      .config = {.state_dir = dir.string(), .mode = "auto", .warnings = {}, .retention = {}}};
  std::vector<mcp::ToolDefinition> tools;
};

TEST_F(Tools, TheFiveToolsOfTheContract) {
  std::vector<std::string> names;
  for (const auto& tool : tools) names.push_back(tool.descriptor["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"codex_setup", "codex", "codex_reply", "codex_session",
                                             "codex_check"}));
  for (const auto& tool : tools) {
    EXPECT_EQ(tool.descriptor["inputSchema"]["type"], "object") << tool.descriptor["name"];
  }
}

TEST_F(Tools, CodexStartsASessionAndAnswersRunning) {
  const auto reply = start();
  ASSERT_EQ(provider->opened.size(), 1u);
  auto& codex = provider->last();
  EXPECT_EQ(reply.begin().key(), "sessionId");  // what the caller needs first
  EXPECT_TRUE(reply["sessionId"].get<std::string>().starts_with("sess_"));
  EXPECT_EQ(reply["threadId"], codex.thread_id());
  EXPECT_EQ(reply["status"], "running");
  EXPECT_EQ(reply["interactionState"], "working");
  EXPECT_EQ(reply["recommendedNextAction"], "poll");
  EXPECT_EQ(reply["pollInterval"], 2000);
  EXPECT_EQ(reply["execution"]["waitRequested"], false);
  EXPECT_EQ(reply["execution"]["fellBackToPolling"], false);
  EXPECT_TRUE(reply["progress"].contains("phase"));
  EXPECT_FALSE(reply.contains("result"));
  EXPECT_FALSE(reply.contains("actions"));
  // The arguments reached codex.
  EXPECT_EQ(codex.last_params("thread/start")["approvalPolicy"], "on-request");
  EXPECT_EQ(codex.last_params("turn/start")["input"][0]["text"], "write the tests");
  EXPECT_EQ(codex.last_params("turn/start")["effort"], "low");
  // And the manager has it.
  const auto session = manager->find(reply["sessionId"]);
  EXPECT_EQ(session->status(), Status::running);
  EXPECT_EQ(session->settings().sandbox, "workspace-write");
}

TEST_F(Tools, PollShowsEventsAndAnApprovalWhichRespondPermissionAnswers) {
  const auto started = start();
  const std::string id = started["sessionId"];
  auto& codex = provider->last();
  codex.turn_started();
  codex.delta("msg_1", "Looking at the code");
  auto request =
      codex.ask("item/commandExecution/requestApproval", {{"threadId", codex.thread_id()},
                                                          {"turnId", codex.turn_id()},
                                                          {"itemId", "cmd_1"},
                                                          {"command", "make test"},
                                                          {"cwd", "/work"}});
  settle();

  const auto poll = call("codex_check",
                         {{"action", "poll"}, {"sessionId", id}, {"cursor", 0}, {"maxEvents", 50}});
  EXPECT_EQ(poll["status"], "waiting_approval");
  EXPECT_EQ(poll["interactionState"], "waiting_input");
  EXPECT_EQ(poll["recommendedNextAction"], "respond_permission");
  ASSERT_EQ(poll["actions"].size(), 1u);
  const auto& action = poll["actions"][0];
  EXPECT_EQ(action["kind"], "command_approval");
  EXPECT_EQ(action["command"], "make test");
  EXPECT_EQ(action["itemId"], "cmd_1");
  bool saw_delta = false, saw_request = false;
  for (const auto& event : poll["events"]) {
    saw_delta = saw_delta || event["data"].value("delta", "") == "Looking at the code";
    saw_request = saw_request || event["type"] == "approval_request";
  }
  EXPECT_TRUE(saw_delta) << poll.dump();
  EXPECT_TRUE(saw_request) << poll.dump();
  EXPECT_GT(poll["nextCursor"].get<int>(), 0);
  EXPECT_FALSE(request->answer.has_value());

  const auto answered = call("codex_check", {{"action", "respond_permission"},
                                             {"sessionId", id},
                                             {"requestId", action["requestId"]},
                                             {"decision", "accept"}});
  EXPECT_TRUE(answered["events"].empty());  // maxEvents 0 by default: an acknowledgement
  EXPECT_EQ(answered["status"], "running");
  settle();
  ASSERT_TRUE(request->answer.has_value());
  EXPECT_EQ((*request->answer)["decision"], "accept");
  // Answered: a second answer is REQUEST_NOT_FOUND.
  const auto again = failure("codex_check", {{"action", "respond_permission"},
                                             {"sessionId", id},
                                             {"requestId", action["requestId"]},
                                             {"decision", "decline"}});
  EXPECT_EQ(again.code, "REQUEST_NOT_FOUND");
}

TEST_F(Tools, AReplyWhileBusyIsSessionBusyAndAfterTheTurnStartsTheNext) {
  const std::string id = start()["sessionId"];
  const auto busy = failure("codex_reply", {{"sessionId", id}, {"prompt", "more"}});
  EXPECT_EQ(busy.code, "SESSION_BUSY");
  EXPECT_NE(busy.message.find(id), std::string::npos);

  provider->last().complete_turn("first done");
  const auto reply =
      call("codex_reply", {{"sessionId", id}, {"prompt", "more"}, {"effort", "high"}});
  EXPECT_EQ(reply["sessionId"], id);
  EXPECT_EQ(reply["status"], "running");
  EXPECT_EQ(provider->opened.size(), 1u);  // the same codex, the same thread
  EXPECT_EQ(provider->last().last_params("turn/start")["input"][0]["text"], "more");
  EXPECT_EQ(provider->last().last_params("turn/start")["effort"], "high");
}

TEST_F(Tools, AnUnknownSessionIsSessionNotFound) {
  EXPECT_EQ(failure("codex_check", {{"action", "poll"}, {"sessionId", "sess_nope"}}).code,
            "SESSION_NOT_FOUND");
  EXPECT_EQ(failure("codex_reply", {{"sessionId", "sess_nope"}, {"prompt", "x"}}).code,
            "SESSION_NOT_FOUND");
  EXPECT_EQ(failure("codex_session", {{"action", "get"}, {"sessionId", "sess_nope"}}).code,
            "SESSION_NOT_FOUND");
}

TEST_F(Tools, NoCodexIsCodexNotFound) {
  provider->unavailable = "no codex executable found";
  const auto none =
      failure("codex", {{"prompt", "x"}, {"approvalPolicy", "never"}, {"sandbox", "read-only"}});
  EXPECT_EQ(none.code, "CODEX_NOT_FOUND");
  EXPECT_EQ(none.message, "no codex executable found");
}

TEST_F(Tools, CodexSessionListGetInterruptForkAndCancel) {
  const std::string id = start()["sessionId"];
  auto& codex = provider->last();
  codex.turn_started();

  const auto list = call("codex_session", {{"action", "list"}});
  ASSERT_EQ(list["sessions"].size(), 1u);
  EXPECT_EQ(list["sessions"][0]["sessionId"], id);
  EXPECT_EQ(list["sessions"][0]["status"], "running");
  EXPECT_FALSE(list["sessions"][0].contains("threadId"));  // not without includeSensitive

  const auto get = call("codex_session", {{"action", "get"}, {"sessionId", id}});
  EXPECT_EQ(get["sessionId"], id);
  EXPECT_EQ(get["approvalPolicy"], "on-request");
  EXPECT_FALSE(get.contains("pid"));
  const auto sensitive =
      call("codex_session", {{"action", "get"}, {"sessionId", id}, {"includeSensitive", true}});
  EXPECT_EQ(sensitive["threadId"], codex.thread_id());
  EXPECT_EQ(sensitive["pid"], codex.pid());

  const auto interrupted = call("codex_session", {{"action", "interrupt"}, {"sessionId", id}});
  EXPECT_EQ(interrupted["success"], true);
  EXPECT_EQ(codex.last_params("turn/interrupt")["turnId"], codex.turn_id());
  settle();  // codex ends the turn as interrupted
  const auto after = call("codex_check", {{"action", "poll"}, {"sessionId", id}});
  EXPECT_EQ(after["status"], "idle");
  EXPECT_EQ(after["result"]["status"], "interrupted");
  EXPECT_EQ(failure("codex_session", {{"action", "interrupt"}, {"sessionId", id}}).code,
            "SESSION_NOT_RUNNING");

  const auto fork = call("codex_session", {{"action", "fork"}, {"sessionId", id}});
  EXPECT_EQ(fork.begin().key(), "sessionId");
  EXPECT_NE(fork["sessionId"], id);
  EXPECT_EQ(fork["status"], "idle");
  EXPECT_EQ(fork["forkedFrom"], id);
  EXPECT_EQ(fork["pollInterval"], 2000);
  ASSERT_EQ(provider->opened.size(), 2u);
  EXPECT_EQ(fork["threadId"], provider->last().thread_id());
  EXPECT_EQ(provider->last().last_params("thread/fork")["threadId"], codex.thread_id());
  EXPECT_EQ(call("codex_session", {{"action", "list"}})["sessions"].size(), 2u);

  const auto cancelled = call("codex_session", {{"action", "cancel"}, {"sessionId", id}});
  EXPECT_EQ(cancelled["success"], true);
  EXPECT_EQ(manager->find(id)->status(), Status::cancelled);
  EXPECT_TRUE(codex.shut_down());
  const auto again = call("codex_session", {{"action", "cancel"}, {"sessionId", id}});
  EXPECT_NE(again["message"].get<std::string>().find("already cancelled"), std::string::npos);
}

TEST_F(Tools, WaitForResultReturnsWhenTheTurnEnds) {
  once_a_turn_runs([](testing::FakeCodex& codex) {
    codex.turn_started();
    codex.complete_turn("All tests pass.");
  });
  const auto reply = start({{"waitForResult", 60000}});
  EXPECT_EQ(reply["status"], "idle");
  EXPECT_EQ(reply["interactionState"], "finished");
  EXPECT_EQ(reply["recommendedNextAction"], "none");
  EXPECT_FALSE(reply.contains("pollInterval"));
  EXPECT_EQ(reply["execution"]["waitRequested"], true);
  EXPECT_EQ(reply["execution"]["fellBackToPolling"], false);
  EXPECT_TRUE(reply["completedAt"].is_number());  // at the top, said once
  EXPECT_EQ(reply["result"]["status"], "completed");
  EXPECT_EQ(reply["result"]["text"], "All tests pass.");
  EXPECT_FALSE(reply["result"].contains("completedAt"));
  // The caller has it whole: a default poll links it rather than repeating it.
  const auto poll = call("codex_check", {{"action", "poll"}, {"sessionId", reply["sessionId"]}});
  EXPECT_FALSE(poll.contains("result"));
  EXPECT_EQ(poll["resultUri"],
            "codex-mcp://sessions/" + reply["sessionId"].get<std::string>() + "/result");
}

TEST_F(Tools, WaitForResultReturnsWhenTheCallerIsNeeded) {
  once_a_turn_runs([](testing::FakeCodex& codex) {
    codex.ask("item/fileChange/requestApproval",
              {{"threadId", codex.thread_id()}, {"turnId", codex.turn_id()}, {"itemId", "fc_1"}});
  });
  const auto reply = start({{"waitForResult", 60000}});
  EXPECT_EQ(reply["status"], "waiting_approval");
  EXPECT_EQ(reply["execution"]["fellBackToPolling"], true);
  EXPECT_EQ(reply["execution"]["reason"], "needs_caller");
  ASSERT_EQ(reply["actions"].size(), 1u);
  EXPECT_EQ(reply["actions"][0]["kind"], "file_change_approval");
}

TEST_F(Tools, InvalidArgumentsNameTheField) {
  const auto expect_invalid = [this](const std::string& tool, Json arguments,
                                     const std::string& field) {
    const auto failed = failure(tool, arguments);
    EXPECT_EQ(failed.code, "INVALID_ARGUMENT") << arguments.dump();
    EXPECT_NE(failed.message.find(field), std::string::npos)
        << failed.message << " does not name " << field;
  };
  expect_invalid("codex", {{"approvalPolicy", "never"}, {"sandbox", "read-only"}}, "prompt");
  expect_invalid("codex", {{"prompt", "x"}, {"approvalPolicy", "never"}, {"sandbox", "sometimes"}},
                 "sandbox");
  expect_invalid("codex",
                 {{"prompt", "x"},
                  {"approvalPolicy", "never"},
                  {"sandbox", "read-only"},
                  {"advanced", {{"waitForResult", "soon"}}}},
                 "advanced.waitForResult");
  expect_invalid("codex_check", {{"action", "poll"}, {"sessionId", "sess_x"}, {"cursr", 3}},
                 "cursr");
  expect_invalid("codex_check", {{"action", "respond_permission"}, {"sessionId", "sess_x"}},
                 "requestId");
  expect_invalid("codex_session", {{"action", "get"}}, "sessionId");
  expect_invalid("codex_reply", {{"sessionId", "sess_x"}}, "prompt");
  expect_invalid("codex_setup", {{"cwd", 7}}, "cwd");
  EXPECT_TRUE(provider->opened.empty());  // nothing started
}

TEST_F(Tools, CodexSetupReportsTheCodexItFinds) {
  const auto bin = testing::fresh_test_dir("tools-codex");
  codex_path = (bin / "codex").string();
  {
    std::ofstream script(codex_path);
    script << "#!/bin/sh\n"
              "case \"$1\" in\n"
              "  --version) echo 'codex-cli 0.169.0' ;;\n"
              "  login) echo 'Logged in using ChatGPT' ;;\n"
              "esac\n"
              "exit 0\n";
  }
  fs::permissions(codex_path, fs::perms::owner_all);
  const auto report = call("codex_setup", {{"cwd", bin.string()}});
  fs::remove_all(bin);
  EXPECT_EQ(report["ready"], true) << report.dump();
  EXPECT_EQ(report["codex"]["path"], codex_path);
  EXPECT_EQ(report["codex"]["resolvedFrom"], "--codex-path");
  EXPECT_EQ(report["codex"]["version"], "codex-cli 0.169.0");
  EXPECT_EQ(report["codex"]["release"], "0.169.0");
  EXPECT_EQ(report["codex"]["supported"], true);
  EXPECT_TRUE(report["codex"]["missingFeatures"].is_array());
  EXPECT_EQ(report["login"]["loggedIn"], true);
  EXPECT_EQ(report["appServerSupported"], true);
  EXPECT_EQ(report["clientMode"], "app-server");
  EXPECT_EQ(report["cwd"], bin.string());
  EXPECT_EQ(report["stateDir"]["path"], dir.string());
  EXPECT_EQ(report["stateDir"]["access"], "owner");
  EXPECT_EQ(report["stateDir"]["sessions"], 0);
  EXPECT_TRUE(report["warnings"].is_array());
  EXPECT_TRUE(report["nextSteps"].is_array());
}

TEST_F(Tools, CodexSetupWithoutACodexIsNotReady) {
  const auto report = call("codex_setup", Json::object());
  EXPECT_EQ(report["ready"], false);
  EXPECT_EQ(report["codex"]["error"], "not found");
  EXPECT_EQ(report["clientMode"], "none");
  EXPECT_FALSE(report["nextSteps"].empty());
}

}  // namespace
}  // namespace codex_mcp::tools
