// The terminal view (codex-mcp sessions | show | tail | doctor) on state directories written
// by real sessions: the real codex app-server against the mock model, through the server.
#include <sys/stat.h>

#include <map>

#include "e2e_fixture.hpp"

namespace codex_mcp::testing {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

class CliSubcommands : public E2EFixture {
 protected:
  /// The environment a person's shell would have for this test's state directory.
  std::vector<std::string> cli_env() const {
    return {"CODEX_MCP_STATE_DIR=" + (root_ / "state").string(),
            "CODEX_HOME=" + (root_ / "home").string(), "HOME=" + (root_ / "user").string(),
            "CODEX_MCP_PATH=" + kCodex};
  }

  /// Runs `codex-mcp args...` to its end (stdout is a pipe: plain text).
  CliRun run_cli(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    auto full_env = cli_env();
    for (const auto& entry : env) {  // an entry replaces the default of its name
      const auto name = entry.substr(0, entry.find('=') + 1);
      std::erase_if(full_env, [&](const std::string& e) { return e.starts_with(name); });
      full_env.push_back(entry);
    }
    McpProcess cli(CODEX_MCP_BINARY, args, full_env);
    cli.close_stdin();
    CliRun run;
    while (auto line = cli.read_line(60s)) run.out += *line + "\n";
    run.exit_code = cli.wait_exit(60s).value_or(-1);
    run.err = cli.stderr_text();
    return run;
  }

  /// Every file under the state directory with its size and modification time.
  std::map<std::string, std::pair<std::uintmax_t, std::int64_t>> snapshot() const {
    std::map<std::string, std::pair<std::uintmax_t, std::int64_t>> files;
    for (const auto& entry : fs::recursive_directory_iterator(root_ / "state")) {
      struct stat info {};
      ::stat(entry.path().c_str(), &info);
      files[entry.path().string()] = {static_cast<std::uintmax_t>(info.st_size),
                                      info.st_mtim.tv_sec * 1000000000LL + info.st_mtim.tv_nsec};
    }
    return files;
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(CliSubcommands, SessionsShowTailAndDoctorReadWhatARealSessionLeft) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "touch"}}},
                  {"reply", {{"exec", {{"cmd", "touch approved.txt"}, {"escalated", true}}}}}}}}});
  start_server(kCodex);
  const auto first = start("hello there", {{"waitForResult", 60000}});
  ASSERT_EQ(first["status"], "idle") << first.dump();
  const std::string first_id = first["sessionId"];
  const auto started = start("please touch the file");
  const std::string second_id = started["sessionId"];
  const auto waiting = poll_until(second_id, [](const Json& p) { return p.contains("actions"); });
  ASSERT_TRUE(waiting.contains("actions"));
  const std::string request_id = waiting["actions"][0]["requestId"];
  tool("codex_check", {{"action", "respond_permission"},
                       {"sessionId", second_id},
                       {"requestId", request_id},
                       {"decision", "accept"}});
  ASSERT_EQ(poll_until(second_id, finished)["status"], "idle");
  ASSERT_TRUE(fs::exists(root_ / "work" / "approved.txt"));
  const auto before = snapshot();

  // The server still runs and owns the directory: the readers work beside it.
  const auto list = run_cli({"sessions"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(contains(list.out, "ID")) << list.out;
  const auto second_at = list.out.find(second_id), first_at = list.out.find(first_id);
  ASSERT_NE(second_at, std::string::npos) << list.out;
  ASSERT_NE(first_at, std::string::npos) << list.out;
  EXPECT_LT(second_at, first_at) << "newest first:\n" << list.out;
  EXPECT_TRUE(contains(list.out, (root_ / "work").string())) << list.out;
  EXPECT_FALSE(contains(list.out, "\033[")) << "no colour when stdout is not a terminal";

  const auto json_run = run_cli({"sessions", "--json"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const auto sessions = Json::parse(json_run.out);
  ASSERT_EQ(sessions.size(), 2u) << json_run.out;
  EXPECT_EQ(sessions[0]["sessionId"], second_id);
  EXPECT_EQ(sessions[1]["sessionId"], first_id);
  EXPECT_EQ(sessions[0]["status"], "idle");
  EXPECT_EQ(sessions[0]["pendingActions"], 0);
  EXPECT_EQ(sessions[0]["cwd"], (root_ / "work").string());
  EXPECT_EQ(sessions[0]["turnInProgress"], false);
  EXPECT_EQ(sessions[0]["model"], "mock-model");
  // --state-dir on the command line wins over the environment, after the subcommand too.
  const auto elsewhere =
      run_cli({"sessions", "--json", "--state-dir", (root_ / "nothing-here").string()});
  ASSERT_EQ(elsewhere.exit_code, 0) << elsewhere.err;
  EXPECT_EQ(Json::parse(elsewhere.out), Json::array());
  EXPECT_TRUE(elsewhere.err.empty())
      << "a state directory no server has used is not an error: " << elsewhere.err;
  EXPECT_FALSE(fs::exists(root_ / "nothing-here")) << "a reader creates nothing";

  const auto shown = run_cli({"show", second_id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_TRUE(contains(shown.out, "Turns (1)")) << shown.out;
  EXPECT_TRUE(contains(shown.out, "completed")) << shown.out;
  EXPECT_TRUE(contains(shown.out, "commands run: 1")) << shown.out;
  EXPECT_TRUE(contains(shown.out, "DONE[")) << "the final result:\n" << shown.out;
  EXPECT_TRUE(contains(shown.out, "mock-model")) << shown.out;
  const auto shown_first = run_cli({"show", first_id});
  EXPECT_TRUE(contains(shown_first.out, "ECHO[hello there]")) << shown_first.out;
  EXPECT_TRUE(contains(shown_first.out, "commands run: 0")) << shown_first.out;

  const auto tailed = run_cli({"tail", second_id});
  ASSERT_EQ(tailed.exit_code, 0) << tailed.err;
  for (const std::string& part :
       {std::string("turn started"), std::string("approval asked"),
        std::string("touch approved.txt"), "[" + request_id + "] accept", std::string("exit 0"),
        std::string("turn completed"), std::string("agent DONE[")}) {
    EXPECT_TRUE(contains(tailed.out, part)) << "missing '" << part << "' in\n" << tailed.out;
  }
  const auto tailed_first = run_cli({"tail", first_id});
  EXPECT_TRUE(contains(tailed_first.out, "agent ECHO[hello there]")) << tailed_first.out;

  const auto doctor = run_cli({"doctor"});
  EXPECT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
  EXPECT_TRUE(contains(doctor.out, "codex-cli 0.169.0")) << doctor.out;
  EXPECT_TRUE(contains(doctor.out, "app-server")) << doctor.out;
  EXPECT_TRUE(contains(doctor.out, (root_ / "home" / "config.toml").string())) << doctor.out;
  EXPECT_TRUE(contains(doctor.out, "2 session(s), 0 turn(s) running")) << doctor.out;
  EXPECT_TRUE(contains(doctor.out, "Ready.")) << doctor.out;

  EXPECT_EQ(snapshot(), before) << "the readers changed the state directory";
}

TEST_F(CliSubcommands, ErrorsArePlainAndExitNonZero) {
  fs::create_directories(root_ / "state" / "sessions");
  const auto missing = run_cli({"show", "sess_0123456789ab"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.err, "no session sess_0123456789ab")) << missing.err;
  EXPECT_TRUE(missing.out.empty()) << missing.out;
  const auto bad = run_cli({"tail", "../../etc"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.err, "not a session id")) << bad.err;
  EXPECT_EQ(run_cli({"show"}).exit_code, 2) << "the id is required";
  const auto no_codex = run_cli({"doctor"}, {"CODEX_MCP_PATH=" + (root_ / "no-codex").string()});
  EXPECT_EQ(no_codex.exit_code, 1);
  EXPECT_TRUE(contains(no_codex.out, "not found")) << no_codex.out;
  EXPECT_TRUE(contains(no_codex.out, "Not ready.")) << no_codex.out;
}

TEST_F(CliSubcommands, TailFollowsARunningSessionUntilItStops) {
  // The model streams its first delta, then holds the rest until the gate file exists.
  const auto gate = root_ / "gate";
  start_model({{"rules",
                {{{"when", {{"userTextContains", "hold"}}},
                  {"reply", {{"text", "first then the rest"}, {"gate", gate.string()}}}}}}});
  start_server(kCodex);
  const std::string id = start("hold on")["sessionId"];
  poll_until(id, [](const Json& poll) { return contains(poll.dump(), "first"); });

  const auto listed = run_cli({"sessions", "--json"});
  ASSERT_EQ(Json::parse(listed.out)[0]["turnInProgress"], true) << listed.out;

  McpProcess follower(CODEX_MCP_BINARY, {"tail", "-f", id}, cli_env());
  std::string out;
  while (!contains(out, "turn started")) {
    const auto line = follower.read_line(60s);
    ASSERT_TRUE(line) << "tail -f printed no 'turn started'; so far:\n" << out;
    out += *line + "\n";
  }
  // The turn is held at the gate: the follower is still following.
  EXPECT_FALSE(follower.wait_exit(0ms)) << out;

  std::ofstream(gate) << "open";
  while (auto line = follower.read_line(60s)) out += *line + "\n";
  EXPECT_EQ(follower.wait_exit(60s), 0) << "tail -f exits once the turn is over\n" << out;
  EXPECT_TRUE(contains(out, "agent first then the rest")) << out;
  EXPECT_TRUE(contains(out, "turn completed")) << out;
}

}  // namespace
}  // namespace codex_mcp::testing
