// The end-to-end fixture: a per-test directory, the mock model on 127.0.0.1 with a
// CODEX_HOME pointing codex at it, and the MCP server driven over pipes. Shared by the
// session and durable-session end-to-end tests.
#pragma once

#include <gtest/gtest.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "codex_mcp/codex/release.hpp"
#include "mcp_process.hpp"
#include "mock_codex_config.hpp"
#include "test_dir.hpp"

namespace codex_mcp::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline const std::string kSource = CODEX_MCP_SOURCE_DIR;
/// The codex the end-to-end tests run: the pinned one, or CODEX_MCP_TEST_CODEX (the CI step
/// scripts/test-codex-versions points it at other releases).
inline const std::string kCodex = [] {
  const char* other = std::getenv("CODEX_MCP_TEST_CODEX");
  return other != nullptr && *other != '\0' ? std::string(other)
                                            : kSource + "/.deps/npm/node_modules/.bin/codex";
}();
inline const std::string kFake = kSource + "/tests/fixtures/fake_app_server.mjs";

/// The release of kCodex, from its `--version` (asked once).
inline const codex::Release& codex_release() {
  static const codex::Release release = [] {
    std::string out;
    if (FILE* pipe = ::popen((kCodex + " --version 2>/dev/null").c_str(), "r")) {
      char buffer[256];
      while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
      ::pclose(pipe);
    }
    return codex::Release{.version = codex::parse_version(out)};
  }();
  return release;
}

/// kCodex is older than the pinned release: what a test asserts of codex's own texts or
/// model catalog (codex 0.169's) may not hold for it.
inline bool older_than_pinned_codex() {
  return codex_release().version < codex::kTestedVersion;
}

/// True while `pid` is a live process (a zombie or a missing pid is not).
inline bool process_alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (pid <= 0 || !std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z' &&
         line[close + 2] != 'X';
}

/// Every live process descended from `root` (from /proc), `root` excluded.
inline std::vector<int> descendants(int root) {
  std::vector<std::pair<int, int>> parent_of;  // (pid, ppid)
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const int pid = std::atoi(entry.path().filename().c_str());
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (pid <= 0 || !std::getline(stat, line)) continue;
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string state;
    int ppid = 0;
    rest >> state >> ppid;
    if (state != "Z") parent_of.emplace_back(pid, ppid);
  }
  std::vector<int> out, frontier{root};
  while (!frontier.empty()) {
    const int parent = frontier.back();
    frontier.pop_back();
    for (const auto& [pid, ppid] : parent_of) {
      if (ppid == parent) {
        out.push_back(pid);
        frontier.push_back(pid);
      }
    }
  }
  return out;
}

/// Waits (a hang guard, not a timing assertion) until `pid` is gone; true if it went.
inline bool wait_until_gone(int pid, std::chrono::seconds guard = 20s) {
  for (auto until = std::chrono::steady_clock::now() + guard;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
    if (!process_alive(pid)) return true;
  }
  return false;
}

/// A per-test directory (work dir, CODEX_HOME, state dir), the mock model, and the server.
class E2EFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fresh_test_dir("e2e");
    fs::create_directories(root_ / "work");
    fs::create_directories(root_ / "home");
    fs::create_directories(root_ / "user");
  }
  void TearDown() override {
    if (server_) {
      // stdin EOF is how clients stop servers: it must exit 0 with its children stopped.
      server_->close_stdin();
      EXPECT_EQ(server_->wait_exit(60s), 0) << server_->stderr_text();
    }
    server_.reset();
    model_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  /// The mock model with these rules, and a CODEX_HOME pointing codex at it.
  void start_model(const Json& rules) {
    std::ofstream(root_ / "rules.json") << rules.dump();
    model_ = std::make_unique<McpProcess>(
        "/usr/bin/env", std::vector<std::string>{"node", kSource + "/tests/fixtures/mock_model.mjs",
                                                 "--script", (root_ / "rules.json").string(),
                                                 "--port-file", (root_ / "port").string(), "--log",
                                                 (root_ / "requests.jsonl").string()});
    for (int i = 0; i < 300 && !fs::exists(root_ / "port"); ++i) std::this_thread::sleep_for(50ms);
    std::string port;
    std::ifstream(root_ / "port") >> port;
    ASSERT_FALSE(port.empty()) << "mock model did not start";
    std::ofstream(root_ / "home" / "config.toml")
        << codex_mcp::testing::mock_codex_config(port, "on-request");
  }

  /// A new server process with the test's environment; `extra_env` entries win.
  std::unique_ptr<McpProcess> launch_server(const std::string& codex,
                                            const std::vector<std::string>& extra_env = {}) {
    // HOME too: codex runs commands in login shells, which must not read the machine's
    // own profile (a slow or stuck one, such as a pyenv rehash waiting on a stale lock,
    // outlasts codex's wait for the command and the test reads that as a failure).
    std::vector<std::string> env = {"CODEX_HOME=" + (root_ / "home").string(),
                                    "HOME=" + (root_ / "user").string(),
                                    "CODEX_MCP_PATH=" + codex,
                                    "CODEX_MCP_STATE_DIR=" + (root_ / "state").string(),
                                    "HTTP_PROXY=http://127.0.0.1:9",
                                    "HTTPS_PROXY=http://127.0.0.1:9",
                                    "NO_PROXY=127.0.0.1,localhost",
                                    "OPENAI_API_KEY=",
                                    "CODEX_API_KEY="};
    for (const auto& entry : extra_env) {
      const auto key = entry.substr(0, entry.find('=') + 1);
      std::erase_if(env, [&](const std::string& e) { return e.rfind(key, 0) == 0; });
      env.push_back(entry);
    }
    auto server = std::make_unique<McpProcess>(CODEX_MCP_BINARY, std::vector<std::string>{}, env);
    if (legacy_handshake_) server->initialize();
    return server;
  }

  void start_server(const std::string& codex, std::vector<std::string> extra_env = {}) {
    server_ = launch_server(codex, extra_env);
  }

  /// notifications/cancelled for request `id`, then a ping round trip: once it is answered
  /// the cancellation has been handled (the server reads lines in order).
  void cancel_request(int id, const std::string& reason) {
    server_->send({{"jsonrpc", "2.0"},
                   {"method", "notifications/cancelled"},
                   {"params", {{"requestId", id}, {"reason", reason}}}});
    server_->send({{"jsonrpc", "2.0"}, {"id", 43}, {"method", "ping"}});
    EXPECT_TRUE(server_->read_response(43));
  }

  /// Closes the server's stdin as a client does, and expects a clean exit.
  void stop_server() {
    server_->close_stdin();
    EXPECT_EQ(server_->wait_exit(60s), 0) << server_->stderr_text();
    server_.reset();
  }

  /// The tool's structured result; the test fails on an isError result.
  Json tool(const std::string& name, const Json& arguments) {
    const auto response = server_->call_tool(name, arguments);
    const auto& result = response["result"];
    EXPECT_FALSE(result.value("isError", false)) << result.dump();
    return result.value("structuredContent", Json::object());
  }

  Json start(const std::string& prompt, Json advanced = Json::object()) {
    return tool("codex", {{"prompt", prompt},
                          {"approvalPolicy", "on-request"},
                          {"sandbox", "read-only"},
                          {"cwd", (root_ / "work").string()},
                          {"advanced", advanced}});
  }

  /// Long-polls until `done(poll)` or the hang guard runs out; returns the last poll.
  Json poll_until(const std::string& session, const std::function<bool(const Json&)>& done) {
    Json poll;
    for (int i = 0; i < 60; ++i) {
      poll = tool("codex_check", {{"action", "poll"},
                                  {"sessionId", session},
                                  {"maxEvents", 100},
                                  {"pollOptions", {{"waitMs", 1000}}}});
      if (done(poll)) return poll;
    }
    ADD_FAILURE() << "condition not reached; last poll: " << poll.dump();
    return poll;
  }

  /// How many responses to request `id` were read while waiting for other ones.
  std::size_t replies_to(const Json& id) const {
    return static_cast<std::size_t>(
        std::count_if(server_->skipped.begin(), server_->skipped.end(),
                      [&](const Json& m) { return m.value("id", Json()) == id; }));
  }

  static bool finished(const Json& poll) {
    const auto status = poll.value("status", std::string());
    return status == "idle" || status == "error" || status == "cancelled";
  }

  fs::path root_;
  bool legacy_handshake_ = true;  ///< false: a modern client, which sends no initialize
  std::unique_ptr<McpProcess> model_;
  std::unique_ptr<McpProcess> server_;
};

}  // namespace codex_mcp::testing
