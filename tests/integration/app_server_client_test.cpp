// AppServerClient against the scripted fake app-server (tests/fixtures/fake_app_server.mjs):
// handshake and a full turn, a server→client request, startup failure, a crash mid-turn, a
// hung server, and garbage output. Each test runs an io_context on the test thread, with
// generous deadlines that only guard against hangs. Needs `node` on PATH.
#include "codex_mcp/appserver/client.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "asio_test_loop.hpp"

using codex_mcp::appserver::AppServerClient;
using codex_mcp::appserver::AppServerHandlers;
using codex_mcp::appserver::AppServerSettings;
using codex_mcp::appserver::CodexCommand;
using codex_mcp::appserver::Json;
using codex_mcp::testing::run_awaitable;
using codex_mcp::testing::run_until;
using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

const std::string kFakeAppServer = CODEX_MCP_SOURCE_DIR "/tests/fixtures/fake_app_server.mjs";

class AppServerClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    codex_home_ = std::filesystem::temp_directory_path() /
                  ("codex-mcp-appserver-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(codex_home_);
    AppServerHandlers handlers;
    handlers.on_notification = [this](const std::string& method, const Json& params) {
      notifications_.emplace_back(method, params);
    };
    handlers.on_server_request = [this](std::string method, Json params) -> asio::awaitable<Json> {
      server_requests_.emplace_back(method, params);
      if (method != "item/tool/requestUserInput") {
        throw codex_mcp::jsonrpc::RpcError(-32601, "not supported in this test");
      }
      Json answer = {{"answers", {{"q1", {{"answers", Json::array({"blue"})}}}}}};
      co_return answer;
    };
    handlers.on_exit = [this](int code, const std::string& tail) { exit_.emplace(code, tail); };
    client_ = AppServerClient::create(ctx_.get_executor(), std::move(handlers));
  }

  void TearDown() override {
    if (client_) run_awaitable(ctx_, client_->shutdown(500ms), 10s);
    std::filesystem::remove_all(codex_home_);
  }

  AppServerSettings settings(const std::string& scenario) {
    AppServerSettings s;
    s.env["FAKE_CODEX_SCENARIO"] = scenario;
    s.env["CODEX_HOME"] = codex_home_.string();
    s.name = "fake " + scenario;
    s.initialize_timeout = 10s;
    s.request_timeout = 10s;
    return s;
  }

  Json start(const std::string& scenario) {
    return run_awaitable(ctx_,
                         client_->start(CodexCommand{kFakeAppServer, {}}, settings(scenario)));
  }

  std::string start_thread() {
    Json params = {{"cwd", codex_home_.string()}};
    const Json result = run_awaitable(ctx_, client_->thread_start(params));
    return result.at("thread").at("id").get<std::string>();
  }

  Json turn_params(const std::string& thread_id, const std::string& text) {
    Json item = {{"type", "text"}, {"text", text}, {"text_elements", Json::array()}};
    return {{"threadId", thread_id}, {"input", Json::array({item})}};
  }

  const Json* find_notification(const std::string& method) const {
    for (const auto& [m, params] : notifications_) {
      if (m == method) return &params;
    }
    return nullptr;
  }

  /// Waits for turn/completed and returns its final agent text.
  std::string wait_turn_completed(std::string* status = nullptr) {
    EXPECT_TRUE(run_until(
        ctx_, [&] { return find_notification("turn/completed") != nullptr; }, 20s));
    const Json* completed = find_notification("turn/completed");
    if (completed == nullptr) return {};
    if (status) *status = completed->at("turn").value("status", "");
    std::string text;
    for (const auto& item : completed->at("turn").value("items", Json::array())) {
      if (item.value("type", "") == "agentMessage") text = item.value("text", "");
    }
    return text;
  }

  asio::io_context ctx_{1};
  std::filesystem::path codex_home_;
  std::shared_ptr<AppServerClient> client_;
  std::vector<std::pair<std::string, Json>> notifications_;
  std::vector<std::pair<std::string, Json>> server_requests_;
  std::optional<std::pair<int, std::string>> exit_;
};

}  // namespace

TEST_F(AppServerClientTest, HandshakeThreadAndTurnComplete) {
  const Json init = start("normal");
  EXPECT_TRUE(init.contains("userAgent")) << init.dump();
  EXPECT_GT(client_->pid(), 0);
  const auto thread_id = start_thread();
  const Json turn = run_awaitable(ctx_, client_->turn_start(turn_params(thread_id, "hello there")));
  EXPECT_EQ(turn.at("turn").value("status", ""), "inProgress");
  std::string status;
  EXPECT_THAT(wait_turn_completed(&status), HasSubstr("fake reply to: hello there"));
  EXPECT_EQ(status, "completed");
  EXPECT_NE(find_notification("turn/started"), nullptr);
  EXPECT_NE(find_notification("item/agentMessage/delta"), nullptr);
  EXPECT_EQ(client_->garbage_lines(), 0u);
}

TEST_F(AppServerClientTest, ServerRequestReachesOwnerAndAnswerReachesServer) {
  start("user_input");
  const auto thread_id = start_thread();
  run_awaitable(ctx_, client_->turn_start(turn_params(thread_id, "pick a color")));
  const auto text = wait_turn_completed();
  ASSERT_EQ(server_requests_.size(), 1u);
  EXPECT_EQ(server_requests_[0].first, "item/tool/requestUserInput");
  EXPECT_THAT(text, HasSubstr("blue"));
}

TEST_F(AppServerClientTest, UnknownMethodErrorReachesCaller) {
  start("normal");
  try {
    run_awaitable(ctx_, client_->call("no/such/method", Json::object(), 5s));
    FAIL() << "expected an RpcError";
  } catch (const codex_mcp::jsonrpc::RpcError& e) {
    EXPECT_EQ(e.code(), -32600);
    EXPECT_THAT(e.what(), HasSubstr("unknown variant"));
  }
}

TEST_F(AppServerClientTest, ExitBeforeInitializeFailsStartClearly) {
  try {
    start("exit_before_init");
    FAIL() << "start() should have failed";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("exited with code 1"));
    EXPECT_THAT(e.what(), HasSubstr("failed to start"));
  }
  ASSERT_TRUE(run_until(
      ctx_, [&] { return exit_.has_value(); }, 10s));
  EXPECT_EQ(exit_->first, 1);
  EXPECT_FALSE(client_->running());
}

TEST_F(AppServerClientTest, CrashMidTurnReportsExitCodeAndStderr) {
  start("crash_mid_turn");
  const auto thread_id = start_thread();
  try {
    run_awaitable(ctx_, client_->turn_start(turn_params(thread_id, "crash please")));
  } catch (const codex_mcp::jsonrpc::RpcError&) {
    // The crash may beat the turn/start response; either way the exit is reported.
  }
  ASSERT_TRUE(run_until(
      ctx_, [&] { return exit_.has_value(); }, 20s));
  EXPECT_EQ(exit_->first, 3);
  EXPECT_THAT(exit_->second, HasSubstr("panicked"));
  EXPECT_THAT(client_->stderr_tail(), HasSubstr("crashed mid-turn"));
  // Later calls fail at once instead of waiting for a timeout.
  try {
    run_awaitable(ctx_, client_->thread_start(Json::object()), 2s);
    FAIL() << "expected kConnectionClosed";
  } catch (const codex_mcp::jsonrpc::RpcError& e) {
    EXPECT_EQ(e.code(), codex_mcp::jsonrpc::code::kConnectionClosed);
  }
}

TEST_F(AppServerClientTest, HungServerTimesOutAndShutdownKillsIt) {
  auto s = settings("hang");
  s.initialize_timeout = 500ms;  // a hang guard, not a performance assertion
  try {
    run_awaitable(ctx_, client_->start(CodexCommand{kFakeAppServer, {}}, s));
    FAIL() << "start() should have timed out";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("initialize"));
    EXPECT_THAT(e.what(), HasSubstr("500 ms"));
  }
  const int pid = client_->pid();
  ASSERT_GT(pid, 0);
  EXPECT_EQ(::kill(pid, 0), 0);  // still there until shutdown
  run_awaitable(ctx_, client_->shutdown(500ms), 10s);
  EXPECT_TRUE(exit_.has_value());
  errno = 0;
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_EQ(::kill(-pid, 0), -1);  // the whole group is gone
}

TEST_F(AppServerClientTest, GarbageOutputIsCountedAndTheTurnCompletes) {
  start("garbage");
  const auto thread_id = start_thread();
  run_awaitable(ctx_, client_->turn_start(turn_params(thread_id, "after garbage")));
  EXPECT_THAT(wait_turn_completed(), HasSubstr("fake reply to: after garbage"));
  EXPECT_GE(client_->garbage_lines(), 3u);
  EXPECT_NE(find_notification("fake/huge"), nullptr);  // 2 MB is under the line cap
}

TEST_F(AppServerClientTest, MissingExecutableIsASpawnError) {
  try {
    run_awaitable(ctx_, client_->start(CodexCommand{"/nonexistent/codex", {}}, settings("normal")));
    FAIL() << "expected a spawn error";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/codex"));
  }
}
