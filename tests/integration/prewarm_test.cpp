// --prewarm against the real codex app-server and the mock model: a spare app-server is
// started before any session, the next session adopts it (its child is the spare), a
// replacement is started in the background, a spare that dies is replaced, and the server
// leaves no child behind when it stops. (No timing is asserted: waits are hang guards.)
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "e2e_fixture.hpp"

namespace {

using namespace codex_mcp::testing;

class PrewarmE2E : public E2EFixture {
 protected:
  /// The server's live children, once there are `count` of them (a hang guard of 60 s).
  std::vector<int> wait_for_children(std::size_t count) {
    std::vector<int> live;
    for (int i = 0; i < 600; ++i) {
      live.clear();
      for (const auto pid : child_pids(server_->pid())) {
        if (process_alive(pid)) live.push_back(pid);
      }
      if (live.size() == count) return live;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "the server has " << live.size() << " children, not " << count << "\n"
                  << server_->stderr_text();
    return live;
  }

  /// The pid of the `nth` spare the server reported ready (its debug log; a hang guard of
  /// 60 s): a spare still starting is not adopted.
  int ready_spare(int nth) {
    const std::string marker = "a spare app-server is ready (pid ";
    for (int i = 0; i < 600; ++i) {
      const auto logs = server_->stderr_text();
      std::size_t at = 0;
      for (int seen = 0; (at = logs.find(marker, at)) != std::string::npos; ++seen) {
        at += marker.size();
        if (seen == nth) return std::atoi(logs.c_str() + at);
      }
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "no spare #" << nth << " ready\n" << server_->stderr_text();
    return -1;
  }

  int session_pid(const Json& session_id) {
    const auto info =
        tool("codex_session",
             {{"action", "get"}, {"sessionId", session_id}, {"includeSensitive", true}});
    return info.value("pid", -1);
  }

  static bool answered(const Json& poll) {
    return poll.value("status", std::string()) == "idle" &&
           poll["result"].value("text", std::string()).find("ECHO[") != std::string::npos;
  }
};

TEST_F(PrewarmE2E, SessionsAdoptTheSpareAndOneIsKeptReady) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex, {"CODEX_MCP_PREWARM=1", "CODEX_MCP_LOG_LEVEL=debug"});
  // Before any session: one spare, started and waiting.
  const std::vector<int> spare = {ready_spare(0)};
  EXPECT_EQ(wait_for_children(1), spare);

  const auto first = start("first", {{"waitForResult", 60000}});
  EXPECT_TRUE(answered(first)) << first.dump();
  EXPECT_EQ(session_pid(first["sessionId"]), spare[0]);  // the spare was adopted

  // Its replacement comes in the background: the session's child and a new spare.
  const int second_spare = ready_spare(1);
  EXPECT_NE(second_spare, spare[0]);
  EXPECT_EQ(wait_for_children(2).size(), 2u);

  const auto second = start("second", {{"waitForResult", 60000}});
  EXPECT_TRUE(answered(second)) << second.dump();
  EXPECT_EQ(session_pid(second["sessionId"]), second_spare);
  // Both sessions keep their own thread: a reply to the first reaches its history.
  tool("codex_reply", {{"sessionId", first["sessionId"]}, {"prompt", "again"}});
  const auto again = poll_until(first["sessionId"].get<std::string>(), finished);
  EXPECT_NE(again["result"].value("text", std::string()).find("first | again"), std::string::npos)
      << again.dump();

  // Idle: the two sessions' children and exactly one spare.
  const auto idle = wait_for_children(3);
  ASSERT_EQ(idle.size(), 3u);
  const std::set<int> sessions = {spare[0], second_spare};
  EXPECT_EQ(
      std::count_if(idle.begin(), idle.end(), [&](int pid) { return !sessions.contains(pid); }), 1);

  // Stopping the server leaves no child: the spare goes with the sessions' children.
  const int server_pid = server_->pid();
  stop_server();
  for (const int pid : idle) EXPECT_TRUE(wait_until_gone(pid)) << "pid " << pid;
  EXPECT_TRUE(descendants(server_pid).empty());
}

TEST_F(PrewarmE2E, ASpareThatDiesIsReplaced) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex, {"CODEX_MCP_PREWARM=1", "CODEX_MCP_LOG_LEVEL=debug"});
  const int spare = ready_spare(0);
  ASSERT_GT(spare, 0);
  ASSERT_EQ(::kill(spare, SIGKILL), 0);
  ASSERT_TRUE(wait_until_gone(spare));
  // Another one, after the backoff.
  const int replacement = ready_spare(1);
  EXPECT_NE(replacement, spare);
  EXPECT_EQ(wait_for_children(1), std::vector<int>{replacement});
  // And a session works on it.
  const auto started = start("hello", {{"waitForResult", 60000}});
  EXPECT_TRUE(answered(started)) << started.dump();
  EXPECT_EQ(session_pid(started["sessionId"]), replacement);
}

TEST_F(PrewarmE2E, ASpareReadsConfigTomlAsItIsWhenAdopted) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex, {"CODEX_MCP_PREWARM=1", "CODEX_MCP_LOG_LEVEL=debug"});
  ASSERT_GT(ready_spare(0), 0);
  // The user changes config.toml after the spare started: the session sees the change.
  std::string config;
  {
    std::ifstream in(root_ / "home" / "config.toml");
    config.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto at = config.find("model = \"mock-model\"");
  ASSERT_NE(at, std::string::npos);
  config.replace(at, std::string("model = \"mock-model\"").size(), "model = \"changed-model\"");
  std::ofstream(root_ / "home" / "config.toml") << config;
  const auto started = start("hello", {{"waitForResult", 60000}});
  EXPECT_TRUE(answered(started)) << started.dump();
  std::ifstream requests(root_ / "requests.jsonl");
  std::string line, last;
  while (std::getline(requests, line)) last = line;
  ASSERT_FALSE(last.empty());
  EXPECT_EQ(Json::parse(last).value("model", std::string()), "changed-model");
}

TEST_F(PrewarmE2E, WithoutTheOptionThereIsNoSpare) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto started = start("hello", {{"waitForResult", 60000}});
  EXPECT_TRUE(answered(started)) << started.dump();
  std::this_thread::sleep_for(500ms);  // (a spare, were one started, would be spawned by now)
  EXPECT_EQ(wait_for_children(1).size(), 1u);  // the session's own child only
}

}  // namespace
