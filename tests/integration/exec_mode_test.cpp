// Exec mode end to end: the real codex run as `codex exec --json` per turn (forced, or
// because the codex has no app-server), against the mock model.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "e2e_fixture.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp::testing;
using namespace std::chrono_literals;

using ExecModeE2E = E2EFixture;

TEST_F(ExecModeE2E, ExecModeRunsTurnsRepliesWithHistoryAndRefusesWhatExecCannotDo) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex, {"CODEX_MCP_MODE=exec"});
  const auto first = start("first question", {{"waitForResult", 60000}});
  ASSERT_EQ(first["status"], "idle") << first.dump();
  EXPECT_EQ(first["result"]["text"], "ECHO[first question]");
  EXPECT_EQ(first["result"]["usage"]["outputTokens"], 7);
  const auto sid = first["sessionId"];
  const auto info =
      tool("codex_session", {{"action", "get"}, {"sessionId", sid}, {"includeSensitive", true}});
  EXPECT_FALSE(info["threadId"].get<std::string>().empty()) << info.dump();

  const auto second = tool(
      "codex_reply", {{"sessionId", sid}, {"prompt", "second question"}, {"waitForResult", 60000}});
  EXPECT_EQ(second["result"]["text"], "ECHO[first question | second question]");

  // A new server resumes the thread with `codex exec resume`, history and all.
  stop_server();
  start_server(kCodex, {"CODEX_MCP_MODE=exec"});
  const auto third = tool(
      "codex_reply", {{"sessionId", sid}, {"prompt", "third question"}, {"waitForResult", 60000}});
  EXPECT_EQ(third["result"]["text"], "ECHO[first question | second question | third question]");

  const auto fork = server_->call_tool("codex_session", {{"action", "fork"}, {"sessionId", sid}});
  EXPECT_EQ(fork["result"]["content"][0]["text"].get<std::string>().rfind(
                "Error [EXEC_NOT_SUPPORTED]", 0),
            0u)
      << fork.dump();
}

TEST_F(ExecModeE2E, ExecModeInterruptEndsTheTurnAsInterrupted) {
  const auto gate = root_ / "gate";  // never opened: the answer stays held
  start_model({{"rules",
                {{{"when", {{"userTextContains", "hold"}}},
                  {"reply", {{"text", "first then the rest"}, {"gate", gate.string()}}}}}}});
  start_server(kCodex, {"CODEX_MCP_MODE=exec"});
  const auto sid = start("hold on")["sessionId"];
  poll_until(sid, [](const Json& p) {
    for (const auto& event : p["events"]) {
      if (event["data"].value("method", "") == "turn/started") return true;
    }
    return false;
  });
  tool("codex_session", {{"action", "interrupt"}, {"sessionId", sid}});
  const auto done = poll_until(sid, finished);
  EXPECT_EQ(done["status"], "idle") << done.dump();
  EXPECT_EQ(done["result"]["status"], "interrupted") << done.dump();
  EXPECT_TRUE(descendants(server_->pid()).empty());
}

// A codex without app-server (as codex-internal builds are): auto mode finds out and runs
// the session through `codex exec`.
TEST_F(ExecModeE2E, ACodexWithoutAppServerRunsSessionsThroughExec) {
  const auto wrapper = root_ / "codex-without-app-server";
  std::ofstream(wrapper) << "#!/bin/sh\n"
                            "if [ \"$1\" = app-server ]; then\n"
                            "  echo \"error: unrecognized subcommand 'app-server'\" >&2; exit 2\n"
                            "fi\n"
                            "exec "
                         << kCodex << " \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  start_model({{"rules", Json::array()}});
  start_server(wrapper.string());
  const auto setup = tool("codex_setup", Json::object());
  EXPECT_FALSE(setup["appServerSupported"].get<bool>());
  EXPECT_EQ(setup["clientMode"], "exec") << setup.dump();
  EXPECT_TRUE(setup["ready"].get<bool>()) << setup.dump();
  const auto started = start("hello", {{"waitForResult", 60000}});
  EXPECT_EQ(started["result"]["text"], "ECHO[hello]") << started.dump();
}
