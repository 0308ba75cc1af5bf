// The backend knows its codex: its release (probed once, off the loop) decides what is
// refused and how. Driven with the scripted fake app-server, which reports any version
// (FAKE_CODEX_VERSION) and can send the legacy notifications of codex 0.80 to 0.100;
// scripts/test-codex-versions runs the session end-to-end tests on real releases.
#include <fstream>

#include "e2e_fixture.hpp"

namespace codex_mcp::testing {
namespace {

class CodexVersions : public E2EFixture {
 protected:
  void start_fake(const std::string& version, std::vector<std::string> env = {}) {
    env.push_back("FAKE_CODEX_VERSION=" + version);
    start_server(kFake, env);
  }

  Json start_with(const std::string& policy) {
    return server_->call_tool("codex", {{"prompt", "hello"},
                                        {"approvalPolicy", policy},
                                        {"sandbox", "read-only"},
                                        {"cwd", (root_ / "work").string()},
                                        {"advanced", {{"waitForResult", 30000}}}});
  }

  static std::string error_text(const Json& response) {
    EXPECT_TRUE(response["result"].value("isError", false)) << response.dump();
    return response["result"]["content"][0].value("text", std::string());
  }

  /// Every message the fake received, from its FAKE_CODEX_LOG.
  std::vector<Json> fake_log() const {
    std::vector<Json> out;
    std::ifstream in(root_ / "fake.log");
    for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
    return out;
  }
};

TEST_F(CodexVersions, TheProbeRunsOffTheLoopWhichKeepsAnswering) {
  const auto gate = root_ / "probe-gate";
  start_server(kFake, {"FAKE_CODEX_PROBE_GATE=" + gate.string()});
  server_->send({{"jsonrpc", "2.0"},
                 {"id", 7},
                 {"method", "tools/call"},
                 {"params",
                  {{"name", "codex"},
                   {"arguments",
                    {{"prompt", "hello"},
                     {"approvalPolicy", "never"},
                     {"sandbox", "read-only"},
                     {"advanced", {{"waitForResult", 30000}}}}}}}});
  // The probe (`codex --version`) has started and is held open...
  int probe = 0;
  for (int i = 0; i < 400 && probe == 0; ++i) {
    std::this_thread::sleep_for(25ms);
    std::ifstream(gate.string() + ".pid") >> probe;
  }
  ASSERT_GT(probe, 0) << "the probe never started";
  // ...and the server still answers: a ping, and a tool call.
  server_->send({{"jsonrpc", "2.0"}, {"id", 8}, {"method", "ping"}});
  ASSERT_TRUE(server_->read_response(8));
  const auto list = tool("codex_session", {{"action", "list"}});
  EXPECT_TRUE(list["sessions"].empty());
  EXPECT_TRUE(process_alive(probe)) << "the ping was answered only once the probe was over";
  EXPECT_EQ(replies_to(7), 0u);
  std::ofstream(gate) << "open";
  const auto started = server_->read_response(7, 60s);
  ASSERT_TRUE(started);
  EXPECT_FALSE((*started)["result"].value("isError", false)) << started->dump();
  EXPECT_EQ((*started)["result"]["structuredContent"]["result"]["text"], "fake reply to: hello");
}

TEST_F(CodexVersions, ACodexOlderThanTheMinimumIsRefusedNamingBothVersions) {
  start_fake("0.60.1");
  const auto text = error_text(start_with("never"));
  EXPECT_NE(text.find("Error [CODEX_NOT_FOUND]: codex 0.60.1 is older than codex 0.80.0, the "
                      "oldest release codex-mcp supports"),
            std::string::npos)
      << text;
  EXPECT_TRUE(tool("codex_session", {{"action", "list"}})["sessions"].empty());  // none made
  const auto setup = tool("codex_setup", Json::object());
  EXPECT_EQ(setup["codex"]["release"], "0.60.1");
  EXPECT_FALSE(setup["codex"]["supported"].get<bool>());
  EXPECT_EQ(setup["codex"]["minimumVersion"], "0.80.0");
  EXPECT_FALSE(setup["ready"].get<bool>());
  EXPECT_NE(setup["warnings"].dump().find("older than codex 0.80.0"), std::string::npos)
      << setup.dump();
}

TEST_F(CodexVersions, SetupReportsTheReleaseAndWhatItLacks) {
  start_fake("0.80.0");
  const auto setup = tool("codex_setup", Json::object());
  EXPECT_EQ(setup["codex"]["version"], "codex-cli 0.80.0");
  EXPECT_EQ(setup["codex"]["release"], "0.80.0");
  EXPECT_TRUE(setup["codex"]["supported"].get<bool>());
  EXPECT_TRUE(setup["ready"].get<bool>()) << setup.dump();
  ASSERT_EQ(setup["codex"]["missingFeatures"].size(), 1u) << setup.dump();
  EXPECT_NE(
      setup["codex"]["missingFeatures"][0].get<std::string>().find("clean_background_terminals"),
      std::string::npos);
}

TEST_F(CodexVersions, OnFailureGoesToACodexThatHasItAndIsRefusedForOneThatDoesNot) {
  start_fake("0.140.0", {"FAKE_CODEX_LOG=" + (root_ / "fake.log").string()});
  const auto started = start_with("on-failure");
  EXPECT_FALSE(started["result"].value("isError", false)) << started.dump();
  int sent = 0;
  for (const auto& message : fake_log()) {
    const auto method = message.value("method", std::string());
    if (method == "thread/start" || method == "turn/start") {
      EXPECT_EQ(message["params"]["approvalPolicy"], "on-failure") << message.dump();
      ++sent;
    }
  }
  EXPECT_EQ(sent, 2);
  stop_server();

  start_fake("0.169.0");
  const auto text = error_text(start_with("on-failure"));
  EXPECT_NE(text.find("Error [INVALID_ARGUMENT]: approvalPolicy \"on-failure\" is not supported "
                      "by codex 0.169.0"),
            std::string::npos)
      << text;
}

TEST_F(CodexVersions, BackgroundTerminalsCleanBefore0100IsRefusedNamingTheVersion) {
  start_fake("0.99.0");
  const auto sid = start_with("never")["result"]["structuredContent"]["sessionId"];
  const auto response = server_->call_tool(
      "codex_session", {{"action", "clean_background_terminals"}, {"sessionId", sid}});
  const auto text = error_text(response);
  EXPECT_NE(text.find("clean_background_terminals is not supported by codex 0.99.0"),
            std::string::npos)
      << text;
  stop_server();
  start_fake("0.100.0");
  const auto sid100 = start_with("never")["result"]["structuredContent"]["sessionId"];
  tool("codex_session", {{"action", "clean_background_terminals"}, {"sessionId", sid100}});
}

TEST_F(CodexVersions, LegacyNotificationsNeverBecomeEvents) {
  start_fake("0.80.0", {"FAKE_CODEX_LEGACY_EVENTS=1"});
  const auto sid = start_with("never")["result"]["structuredContent"]["sessionId"];
  const auto poll = tool("codex_check", {{"action", "poll"},
                                         {"sessionId", sid},
                                         {"cursor", 0},
                                         {"maxEvents", 1000},
                                         {"responseMode", "full"}});
  ASSERT_FALSE(poll["events"].empty());
  for (const auto& event : poll["events"]) {
    EXPECT_EQ(event.dump().find("codex/event/"), std::string::npos) << event.dump();
  }
  EXPECT_EQ(poll["result"]["text"], "fake reply to: hello");
}

}  // namespace
}  // namespace codex_mcp::testing
