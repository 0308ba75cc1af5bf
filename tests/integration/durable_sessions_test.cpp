// Sessions that outlive the server: persistence, recovery after a restart, orphan
// reaping, clean exits, damaged/locked/unwritable state directories, retention and the
// lifecycle sweep. The real codex (with the mock model) where the model's view matters,
// the fake app-server where a process must misbehave on demand.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/stat.h>

#include "e2e_fixture.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp::testing;
using namespace std::chrono_literals;

namespace {

class DurableSessions : public E2EFixture {
 protected:
  fs::path state() const { return root_ / "state"; }
  fs::path session_dir(const std::string& id) const { return state() / "sessions" / id; }

  Json get(const std::string& id, bool sensitive = false) {
    return tool("codex_session",
                {{"action", "get"}, {"sessionId", id}, {"includeSensitive", sensitive}});
  }

  Json listed(const std::string& id) {
    const auto list = tool("codex_session", {{"action", "list"}});
    for (const auto& session : list["sessions"]) {
      if (session["sessionId"] == id) return session;
    }
    return nullptr;
  }

  Json poll_from_zero(const std::string& id) {
    return tool("codex_check", {{"action", "poll"},
                                {"sessionId", id},
                                {"cursor", 0},
                                {"maxEvents", 500},
                                {"responseMode", "full"}});
  }

  /// A model whose reply to a prompt containing "slow" streams for about 20 s.
  void start_slow_model() {
    start_model(
        {{"rules",
          {{{"when", {{"userTextContains", "slow"}}},
            {"reply", {{"text", std::string(80, 'z')}, {"chunks", 80}, {"delayMs", 250}}}}}}});
  }

  /// Starts a slow turn and returns (session id, app-server pid) once it streams.
  std::pair<std::string, int> start_streaming_turn() {
    const auto started = start("slow please");
    const std::string sid = started["sessionId"];
    poll_until(sid, [](const Json& poll) {
      for (const auto& event : poll["events"]) {
        if (event.value("type", "") == "output") return true;
      }
      return false;
    });
    const int pid = get(sid, true)["pid"];
    return {sid, pid};
  }

  /// A hand-written session directory, as a dead server would have left it.
  void write_session(const std::string& id, const Json& meta_overrides,
                     const std::string& events = "", const std::string& result = "") {
    fs::create_directories(session_dir(id));
    Json meta = {{"format", "codex-mcp/session/1"},
                 {"sessionId", id},
                 {"status", "idle"},
                 {"createdAt", now_ms() - 60000},
                 {"updatedAt", now_ms() - 60000},
                 {"threadId", "thread-" + id},
                 {"approvalPolicy", "on-request"},
                 {"sandbox", "read-only"},
                 {"cwd", (root_ / "work").string()}};
    if (meta_overrides.is_object()) meta.update(meta_overrides);
    std::ofstream(session_dir(id) / "meta.json") << meta.dump();
    if (!events.empty()) std::ofstream(session_dir(id) / "events.jsonl") << events;
    if (!result.empty()) std::ofstream(session_dir(id) / "result.json") << result;
  }

  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  static std::string event(int id, const std::string& type, const Json& data) {
    return Json{{"type", type}, {"time", 1}, {"pinned", false}, {"data", data}, {"id", id}}.dump() +
           "\n";
  }
};

unsigned permissions_of(const fs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? (info.st_mode & 0777) : 0;
}

TEST_F(DurableSessions, RestartAfterAFinishedTurnKeepsTheSessionItsEventsAndResult) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto first = start("remember the walrus", {{"waitForResult", 60000}});
  const std::string sid = first["sessionId"];
  ASSERT_EQ(first["status"], "idle") << first.dump();
  const std::string text = first["result"]["text"];
  const auto before = poll_from_zero(sid);
  stop_server();

  // Private files, written atomically (no temp file left behind).
  EXPECT_EQ(permissions_of(state()), 0700u);
  EXPECT_EQ(permissions_of(session_dir(sid)), 0700u);
  for (const char* file : {"meta.json", "events.jsonl", "result.json"}) {
    EXPECT_EQ(permissions_of(session_dir(sid) / file), 0600u) << file;
  }
  for (const auto& entry : fs::directory_iterator(session_dir(sid))) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }

  start_server(kCodex);
  const auto info = listed(sid);
  ASSERT_FALSE(info.is_null()) << "session not listed after the restart\n"
                               << server_->stderr_text();
  EXPECT_EQ(info["status"], "idle");
  EXPECT_EQ(info["lastTurnStatus"], "completed");
  EXPECT_TRUE(info.value("recovered", false));
  EXPECT_EQ(get(sid, true)["pid"], -1);  // no child until it is needed

  const auto after = poll_from_zero(sid);
  EXPECT_EQ(after["result"]["text"], text);
  // The same events with the same ids (plus the note that the shutdown stopped the child).
  ASSERT_GE(after["events"].size(), before["events"].size()) << after.dump();
  for (std::size_t i = 0; i < before["events"].size(); ++i) {
    EXPECT_EQ(after["events"][i]["id"], before["events"][i]["id"]);
    EXPECT_EQ(after["events"][i]["type"], before["events"][i]["type"]);
  }
  EXPECT_FALSE(after.contains("cursorResetTo"));
}

TEST_F(DurableSessions, ReplyAfterARestartContinuesTheThreadWithItsHistory) {
  start_model({{"rules", Json::array()}});
  start_server(kCodex);
  const auto first = start("first prompt alpha", {{"waitForResult", 60000}});
  const std::string sid = first["sessionId"];
  ASSERT_EQ(first["status"], "idle");
  stop_server();

  start_server(kCodex);
  const auto reply =
      tool("codex_reply",
           {{"sessionId", sid}, {"prompt", "second prompt beta"}, {"waitForResult", 60000}});
  ASSERT_EQ(reply["status"], "idle") << reply.dump();
  // The mock model echoes every user text it was sent: the earlier turn is in the history.
  const std::string text = reply["result"]["text"];
  EXPECT_NE(text.find("first prompt alpha"), std::string::npos) << text;
  EXPECT_NE(text.find("second prompt beta"), std::string::npos) << text;
  EXPECT_EQ(reply["threadId"], first["threadId"]);
  EXPECT_GT(get(sid, true)["pid"].get<int>(), 0);
}

TEST_F(DurableSessions, ACancelledReplyStillResumesTheThreadAndRunsTheTurn) {
  const auto gate = root_ / "gate";
  const std::vector<std::string> env = {"FAKE_CODEX_START_GATE=" + gate.string()};
  std::ofstream(gate) << "open";
  start_server(kFake, env);
  const std::string sid = start("first", {{"waitForResult", 30000}})["sessionId"];
  stop_server();
  fs::remove(gate);  // the next app-server waits at its start

  start_server(kFake, env);
  server_->send(
      {{"jsonrpc", "2.0"},
       {"id", 42},
       {"method", "tools/call"},
       {"params",
        {{"name", "codex_reply"}, {"arguments", {{"sessionId", sid}, {"prompt", "again"}}}}}});
  Json info = Json::object();
  for (int i = 0; i < 200 && info.value("status", "") != "starting"; ++i) {
    if (i > 0) std::this_thread::sleep_for(50ms);
    info = get(sid);
  }
  ASSERT_EQ(info["status"], "starting");
  cancel_request(42, "changed my mind");
  std::ofstream(gate) << "open";
  const auto done = poll_until(sid, finished);
  EXPECT_EQ(done["status"], "idle") << done.dump();
  EXPECT_EQ(poll_from_zero(sid)["result"]["text"], "fake reply to: again");
  for (const auto& message : server_->skipped) EXPECT_NE(message.value("id", Json()), 42);
}

TEST_F(DurableSessions, ServerKilledMidTurnLeavesNoOrphanAndTheSessionIsKnownAfterARestart) {
  start_slow_model();
  start_server(kCodex);
  const auto [sid, child] = start_streaming_turn();
  ASSERT_GT(child, 0);
  server_->kill_now(SIGKILL);
  server_->wait_exit();
  server_.reset();

  start_server(kCodex);
  EXPECT_TRUE(wait_until_gone(child)) << "app-server " << child << " outlived its server";
  const auto info = get(sid);
  EXPECT_EQ(info["status"], "error") << info.dump();
  EXPECT_NE(info["lastError"].get<std::string>().find("restarted"), std::string::npos);
  const auto poll = poll_from_zero(sid);
  EXPECT_EQ(poll["result"]["status"], "failed");
  EXPECT_EQ(poll["result"]["error"]["code"], "SERVER_RESTARTED");
  bool streamed = false, error_event = false;
  for (const auto& event : poll["events"]) {
    streamed = streamed || event["type"] == "output";
    error_event = error_event || event["type"] == "error";
  }
  EXPECT_TRUE(streamed) << "events before the crash are kept";
  EXPECT_TRUE(error_event);
}

TEST_F(DurableSessions, StubbornOrphanOfAKilledServerIsReapedAtStartup) {
  const std::vector<std::string> env = {"FAKE_CODEX_SCENARIO=slow", "FAKE_CODEX_STUBBORN=1",
                                        "FAKE_CODEX_DELTAS=1000"};
  start_server(kFake, env);
  const auto [sid, child] = start_streaming_turn();
  server_->kill_now(SIGKILL);
  server_->wait_exit();
  server_.reset();
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(process_alive(child)) << "the stubborn fake should survive its server";

  start_server(kFake, env);  // recovery runs before the first request is answered
  EXPECT_FALSE(process_alive(child)) << "orphan " << child << " was not reaped";
  EXPECT_EQ(get(sid)["status"], "error");
}

TEST_F(DurableSessions, ARecordedPidNowOwnedBySomeoneElseIsNeverKilled) {
  McpProcess bystander("/bin/sleep", {"120"});
  std::ifstream stat("/proc/" + std::to_string(bystander.pid()) + "/stat");
  ASSERT_TRUE(stat.good());
  std::ifstream boot("/proc/sys/kernel/random/boot_id");
  std::string boot_id;
  std::getline(boot, boot_id);
  // Same pid and boot, another start time: the pid was reused after the crash.
  write_session("sess_0123456789ab",
                {{"status", "running"},
                 {"child", {{"pid", bystander.pid()}, {"startTicks", 1}, {"bootId", boot_id}}},
                 {"server", {{"pid", 999999}, {"startTicks", 1}, {"bootId", boot_id}}}});
  start_server(kFake);
  EXPECT_TRUE(process_alive(bystander.pid()));
  EXPECT_EQ(get("sess_0123456789ab")["status"], "error");  // its turn is known to be lost
  bystander.kill_now(SIGKILL);
}

TEST_F(DurableSessions, StdinEofWithARunningTurnInterruptsItAndLeavesNoChild) {
  start_slow_model();
  start_server(kCodex, {"CODEX_MCP_DRAIN_TIMEOUT_MS=500"});
  const auto [sid, child] = start_streaming_turn();
  const auto family = descendants(server_->pid());
  ASSERT_FALSE(family.empty());
  server_->close_stdin();
  EXPECT_EQ(server_->wait_exit(30s), 0) << server_->stderr_text();
  server_.reset();
  for (const int pid : family) EXPECT_FALSE(process_alive(pid)) << "child " << pid << " left";

  start_server(kCodex);
  const auto info = get(sid);
  EXPECT_EQ(info["status"], "idle") << info.dump();
  EXPECT_EQ(info["lastTurnStatus"], "interrupted");
}

TEST_F(DurableSessions, SigtermWithARunningTurnExitsWithNoChildLeft) {
  start_slow_model();
  start_server(kCodex);
  const auto [sid, child] = start_streaming_turn();
  start("slow as well");  // a second session: children are stopped in parallel
  const auto family = descendants(server_->pid());
  ASSERT_GE(family.size(), 2u);
  server_->kill_now(SIGTERM);
  EXPECT_EQ(server_->wait_exit(30s), 0) << server_->stderr_text();
  server_.reset();
  for (const int pid : family) EXPECT_FALSE(process_alive(pid)) << "child " << pid << " left";
  EXPECT_TRUE(fs::exists(session_dir(sid) / "meta.json"));
}

TEST_F(DurableSessions, DamagedAndForeignStateFilesAreSkippedWithAWarning) {
  // Events 0 and 2 are intact; 1 is garbage and 3 was cut off by a crash.
  write_session("sess_aaaaaaaaaaaa", {},
                event(0, "progress", {{"method", "thread/started"}}) + "}{ not json\n" +
                    event(2, "output", {{"text", "kept"}}) + R"({"type":"progress","ti)");
  fs::create_directories(session_dir("sess_bbbbbbbbbbbb"));
  std::ofstream(session_dir("sess_bbbbbbbbbbbb") / "meta.json") << "{\"format\": \"codex-mc";
  write_session("sess_cccccccccccc", {{"format", "someone-else/1"}});
  write_session("sess_dddddddddddd", {}, "", "{ truncated result");
  fs::create_directories(state() / "sessions" / "notes");
  std::ofstream(state() / "sessions" / "README.txt") << "not a session";

  start_server(kFake);
  const auto list = tool("codex_session", {{"action", "list"}});
  std::vector<std::string> ids;
  for (const auto& session : list["sessions"]) ids.push_back(session["sessionId"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"sess_aaaaaaaaaaaa", "sess_dddddddddddd"}));

  const auto poll = poll_from_zero("sess_aaaaaaaaaaaa");
  ASSERT_EQ(poll["events"].size(), 2u) << poll.dump();
  EXPECT_EQ(poll["events"][0]["id"], 0);
  EXPECT_EQ(poll["events"][1]["id"], 2);
  EXPECT_FALSE(poll_from_zero("sess_dddddddddddd").contains("result"));

  const auto log = server_->stderr_text();
  for (const char* name : {"sess_bbbbbbbbbbbb", "sess_cccccccccccc", "notes", "README.txt",
                           "damaged line(s)", "result.json"}) {
    EXPECT_NE(log.find(name), std::string::npos) << "no warning naming " << name << "\n" << log;
  }
  EXPECT_TRUE(tool("codex_setup", Json::object()).contains("stateDir"));  // still serving
}

TEST_F(DurableSessions, ASecondServerLeavesTheFirstOnesLiveSessionsAlone) {
  start_server(kFake);
  const auto mine = start("first server's", {{"waitForResult", 30000}});
  const std::string first_sid = mine["sessionId"];
  const int first_child = get(first_sid, true)["pid"];

  auto second = launch_server(kFake);
  EXPECT_NE(second->stderr_text().find("in use by another codex-mcp"), std::string::npos)
      << second->stderr_text();
  const auto theirs = second->call_tool("codex", {{"prompt", "second server's"},
                                                  {"approvalPolicy", "never"},
                                                  {"sandbox", "read-only"},
                                                  {"cwd", (root_ / "work").string()},
                                                  {"advanced", {{"waitForResult", 30000}}}});
  const std::string second_sid = theirs["result"]["structuredContent"]["sessionId"];
  const auto second_list = second->call_tool("codex_session", {{"action", "list"}});
  EXPECT_EQ(second_list["result"]["structuredContent"]["sessions"].size(), 1u)
      << "the second server must not adopt the first one's sessions";
  EXPECT_TRUE(process_alive(first_child));

  // The first server dies; its successor takes over the directory while the second runs.
  const auto second_info = second->call_tool(
      "codex_session", {{"action", "get"}, {"sessionId", second_sid}, {"includeSensitive", true}});
  const int second_child = second_info["result"]["structuredContent"]["pid"];
  server_->kill_now(SIGKILL);
  server_->wait_exit();
  start_server(kFake);
  EXPECT_FALSE(listed(first_sid).is_null()) << "the dead server's session is recovered";
  EXPECT_TRUE(listed(second_sid).is_null()) << "a live server's session is not adopted";
  EXPECT_TRUE(process_alive(second_child)) << "a live server's child was reaped";
  const auto still = second->call_tool(
      "codex_check",
      {{"action", "poll"}, {"sessionId", second_sid}, {"cursor", 0}, {"maxEvents", 100}});
  EXPECT_FALSE(still["result"].value("isError", false)) << still.dump();
  second->close_stdin();
  EXPECT_EQ(second->wait_exit(30s), 0);
}

TEST_F(DurableSessions, WhenTheOwnerExitsAnotherServerTakesTheDirectoryOver) {
  start_server(kFake);
  const std::string first_sid = start("owner's", {{"waitForResult", 30000}})["sessionId"];
  auto second = launch_server(kFake, {"CODEX_MCP_SWEEP_INTERVAL_MS=100"});
  server_->kill_now(SIGKILL);
  server_->wait_exit();
  server_.reset();
  // The second server's sweep finds the lock free and recovers what the owner left.
  bool adopted = false;
  for (int i = 0; i < 200 && !adopted; ++i) {
    std::this_thread::sleep_for(50ms);
    const auto list = second->call_tool("codex_session", {{"action", "list"}});
    for (const auto& session : list["result"]["structuredContent"]["sessions"]) {
      adopted = adopted || session["sessionId"] == first_sid;
    }
  }
  EXPECT_TRUE(adopted) << second->stderr_text();
  second->close_stdin();
  EXPECT_EQ(second->wait_exit(30s), 0);
}

TEST_F(DurableSessions, UnwritableStateDirWarnsAndSessionsWorkInMemory) {
  std::ofstream(root_ / "a-file") << "x";
  start_server(kFake, {"CODEX_MCP_STATE_DIR=" + (root_ / "a-file" / "state").string()});
  EXPECT_NE(server_->stderr_text().find("memory only"), std::string::npos)
      << server_->stderr_text();
  const auto setup = tool("codex_setup", Json::object());
  EXPECT_EQ(setup["stateDir"]["persistent"], false);
  EXPECT_TRUE(setup["stateDir"].contains("problem"));
  const auto done = start("in memory", {{"waitForResult", 30000}});
  EXPECT_EQ(done["status"], "idle") << done.dump();
  EXPECT_EQ(tool("codex_session", {{"action", "list"}})["sessions"].size(), 1u);
}

TEST_F(DurableSessions, RetentionPrunesByAgeThenSizeThenCount) {
  const auto now = now_ms();
  const auto hour = 3600 * 1000LL;
  write_session("sess_000000000001", {{"updatedAt", now - 30 * 24 * hour}});
  write_session("sess_000000000002", {{"updatedAt", now - 4 * hour}},
                event(0, "output", {{"text", std::string(2 << 20, 'x')}}));
  write_session("sess_000000000003", {{"updatedAt", now - 3 * hour}});
  write_session("sess_000000000004", {{"updatedAt", now - 2 * hour}});
  write_session("sess_000000000005", {{"updatedAt", now - 1 * hour}});

  start_server(kFake, {"CODEX_MCP_RETENTION_MAX_MB=1"});
  EXPECT_FALSE(fs::exists(session_dir("sess_000000000001"))) << "older than 7 days";
  EXPECT_FALSE(fs::exists(session_dir("sess_000000000002"))) << "over the size limit";
  EXPECT_TRUE(fs::exists(session_dir("sess_000000000003")));
  stop_server();

  start_server(kFake, {"CODEX_MCP_RETENTION_MAX_SESSIONS=2"});
  EXPECT_FALSE(fs::exists(session_dir("sess_000000000003"))) << "over the count limit";
  EXPECT_TRUE(fs::exists(session_dir("sess_000000000004")));
  EXPECT_TRUE(fs::exists(session_dir("sess_000000000005")));
  EXPECT_EQ(tool("codex_session", {{"action", "list"}})["sessions"].size(), 2u);
}

TEST_F(DurableSessions, CleanRemovesPersistedSessionsUnlessToldToKeepTheDisk) {
  write_session("sess_00000000000a", {{"status", "cancelled"}});
  write_session("sess_00000000000b", {{"status", "error"}});
  start_server(kFake);
  const auto kept = tool(
      "codex_session", {{"action", "clean"}, {"statuses", {"cancelled"}}, {"includeDisk", false}});
  EXPECT_EQ(kept["matchedSessionIds"], Json::array({"sess_00000000000a"}));
  EXPECT_EQ(kept["diskSessionsRemoved"], 0);
  EXPECT_TRUE(fs::exists(session_dir("sess_00000000000a")));
  const auto removed = tool("codex_session", {{"action", "clean"}, {"statuses", {"error"}}});
  EXPECT_EQ(removed["removedSessionIds"], Json::array({"sess_00000000000b"}));
  EXPECT_EQ(removed["diskSessionsRemoved"], 1);
  EXPECT_FALSE(fs::exists(session_dir("sess_00000000000b")));
}

TEST_F(DurableSessions, SweepStopsIdleChildrenCancelsStuckTurnsAndRepliesResume) {
  start_server(kFake, {"CODEX_MCP_IDLE_TIMEOUT_MS=300", "CODEX_MCP_STUCK_TIMEOUT_MS=1500",
                       "CODEX_MCP_UNLOAD_AFTER_MS=300", "CODEX_MCP_SWEEP_INTERVAL_MS=100"});
  const auto idle = start("finish quickly", {{"waitForResult", 30000}});
  const std::string idle_sid = idle["sessionId"];
  const int idle_child = get(idle_sid, true)["pid"];
  const auto stuck = start("@fake:hang_turn never finishes");
  const std::string stuck_sid = stuck["sessionId"];

  EXPECT_TRUE(wait_until_gone(idle_child)) << "idle child not stopped";
  const auto cancelled = poll_until(stuck_sid, finished);
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_NE(poll_from_zero(stuck_sid).dump().find("stuck: no progress"), std::string::npos);

  // Stopped and (after unload_after) out of memory, yet listed, pollable and resumable.
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(get(idle_sid)["status"], "idle");
  EXPECT_EQ(poll_from_zero(idle_sid)["result"]["text"], "fake reply to: finish quickly");
  const auto reply = tool(
      "codex_reply", {{"sessionId", idle_sid}, {"prompt", "and again"}, {"waitForResult", 30000}});
  EXPECT_EQ(reply["status"], "idle") << reply.dump();
  EXPECT_EQ(reply["result"]["text"], "fake reply to: and again");
  EXPECT_NE(get(idle_sid, true)["pid"], idle_child);
}

}  // namespace
