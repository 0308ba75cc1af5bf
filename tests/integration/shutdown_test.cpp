// Shutdowns as the real clients do them (issue 9). Claude Code on Linux and macOS sends
// SIGINT, SIGTERM 100 ms later and SIGKILL 400 ms after that; the TypeScript SDK closes
// stdin and sends SIGTERM 2 s later. Whatever runs, every running turn must be recorded
// as interrupted, no process of ours may survive, and the server must have exited before
// the SIGKILL. The times are printed as figures, never asserted (a shared machine).
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/prctl.h>

#include "e2e_fixture.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp::testing;
using namespace std::chrono_literals;

namespace {

class Shutdown : public E2EFixture {
 protected:
  void SetUp() override {
    E2EFixture::SetUp();
    // Whatever the server leaves behind is re-parented to this test, not to init, so
    // walking our own descendants finds every survivor.
    ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  }

  Json get(const std::string& id, bool sensitive = false) {
    return tool("codex_session",
                {{"action", "get"}, {"sessionId", id}, {"includeSensitive", sensitive}});
  }

  /// Claude Code's sequence: SIGINT, +100 ms SIGTERM, +400 ms SIGKILL (to the pid only,
  /// each only while it still runs). Returns the exit status and prints how long it took.
  int claude_code_stop(const std::string& label) {
    const auto t0 = std::chrono::steady_clock::now();
    server_->kill_now(SIGINT);
    bool termed = false, killed = false;
    std::optional<int> status;
    while (!(status = server_->wait_exit(5ms))) {
      const auto elapsed = std::chrono::steady_clock::now() - t0;
      if (!termed && elapsed >= 100ms) {
        server_->kill_now(SIGTERM);
        termed = true;
      }
      if (!killed && elapsed >= 500ms) {
        server_->kill_now(SIGKILL);
        killed = true;
      }
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    std::printf("[figure] %s: exited %lld ms after SIGINT (status %d)\n", label.c_str(),
                static_cast<long long>(ms), *status);
    server_.reset();
    return *status;
  }

  /// Live processes descended from this test other than the mock model: what a stopped
  /// server left behind.
  std::vector<int> survivors() const {
    auto all = descendants(::getpid());
    if (model_) {
      const auto model_family = descendants(model_->pid());
      std::erase_if(all, [&](int pid) {
        return pid == model_->pid() ||
               std::find(model_family.begin(), model_family.end(), pid) != model_family.end();
      });
    }
    return all;
  }

  void expect_interrupted(const std::string& sid) {
    const auto info = get(sid);
    EXPECT_EQ(info["status"], "idle") << info.dump();
    EXPECT_EQ(info["lastTurnStatus"], "interrupted") << info.dump();
    const auto poll = tool("codex_check", {{"action", "poll"},
                                           {"sessionId", sid},
                                           {"cursor", 0},
                                           {"maxEvents", 1000},
                                           {"responseMode", "full"}});
    EXPECT_EQ(poll["result"]["status"], "interrupted") << poll.dump();
  }
};

}  // namespace

TEST_F(Shutdown, ClaudeCodesSignalsWithAHungChildAndASessionStarting) {
  const auto gate = root_ / "gate";
  std::ofstream(gate) << "open";
  start_server(kFake, {"FAKE_CODEX_START_GATE=" + gate.string()});
  const std::string hung = start("@fake:hang_turn runs until interrupted")["sessionId"];
  const int hung_child = get(hung, true)["pid"];
  ASSERT_EQ(::kill(hung_child, SIGSTOP), 0);  // answers nothing, not even signals but KILL
  // A second server-side child held before initialize: its session stays `starting`.
  fs::remove(gate);
  server_->send(
      {{"jsonrpc", "2.0"},
       {"id", 42},
       {"method", "tools/call"},
       {"params",
        {{"name", "codex"},
         {"arguments",
          {{"prompt", "never starts"}, {"approvalPolicy", "never"}, {"sandbox", "read-only"}}}}}});
  std::string starting;
  Json list;
  for (int i = 0; i < 200 && starting.empty(); ++i) {
    if (i > 0) std::this_thread::sleep_for(50ms);
    list = tool("codex_session", {{"action", "list"}});
    for (const auto& s : list["sessions"]) {
      if (s["status"] == "starting") starting = s["sessionId"];
    }
  }
  ASSERT_FALSE(starting.empty()) << list.dump() << server_->stderr_text();

  EXPECT_EQ(claude_code_stop("hung child + starting session"), 0) << "killed, not exited";
  EXPECT_EQ(survivors(), std::vector<int>{});
  for (const int pid : survivors()) ::kill(pid, SIGKILL);

  std::ofstream(gate) << "open";
  start_server(kFake, {"FAKE_CODEX_START_GATE=" + gate.string()});
  expect_interrupted(hung);
  EXPECT_EQ(get(starting)["status"], "error");
}

TEST_F(Shutdown, ClaudeCodesSignalsWithARunningTurnOnTheRealAppServer) {
  start_model(
      {{"rules",
        {{{"when", {{"userTextContains", "slow"}}},
          {"reply", {{"text", std::string(80, 'z')}, {"chunks", 80}, {"delayMs", 250}}}}}}});
  start_server(kCodex);
  const std::string sid = start("slow please")["sessionId"];
  poll_until(sid, [](const Json& poll) {
    for (const auto& event : poll["events"]) {
      if (event.value("type", "") == "output") return true;
    }
    return false;
  });
  EXPECT_EQ(claude_code_stop("real app-server, streaming turn"), 0) << "killed, not exited";
  EXPECT_EQ(survivors(), std::vector<int>{});
  for (const int pid : survivors()) ::kill(pid, SIGKILL);

  start_server(kCodex);
  expect_interrupted(sid);
}

TEST_F(Shutdown, StdinEofWithAHungChildEndsWithinTheClientsPatience) {
  start_server(kFake);
  const std::string sid = start("@fake:hang_turn runs until interrupted")["sessionId"];
  ASSERT_EQ(::kill(get(sid, true)["pid"].get<int>(), SIGSTOP), 0);
  const auto t0 = std::chrono::steady_clock::now();
  server_->close_stdin();
  // The guard is far above the default budget (about 2 s) and far below the old 126 s.
  const auto status = server_->wait_exit(20s);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf("[figure] stdin EOF, hung child: exited %lld ms after EOF\n",
              static_cast<long long>(ms));
  EXPECT_EQ(status, 0) << server_->stderr_text();
  server_.reset();
  EXPECT_EQ(survivors(), std::vector<int>{});
  for (const int pid : survivors()) ::kill(pid, SIGKILL);

  start_server(kFake);
  expect_interrupted(sid);
}
