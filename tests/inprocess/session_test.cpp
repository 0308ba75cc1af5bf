// The session's state machine against the fake codex: start, turns, deltas, approvals
// (answered, timed out), interrupt, cancel, a crash mid-turn, resume in a new process,
// fork, and what it publishes on its change feed.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "asio_test_loop.hpp"
#include "codex_mcp/session/session.hpp"
#include "fake_codex.hpp"

namespace codex_mcp::session {
namespace {

using testing::FakeProvider;
using testing::run_awaitable;
using testing::run_until;
using namespace std::chrono_literals;

class SessionCore : public ::testing::Test {
 protected:
  SessionServices services() {
    return {
        .executor = io.get_executor(),
        .provider = provider,
        .wording = {
            .param = [](const Json& params, std::string_view error) -> std::optional<std::string> {
              if (error.find("unknown variant") == std::string_view::npos) {
                return std::nullopt;
              }
              return "refused: " + params.value("approvalPolicy", std::string("?"));
            },
            .config = [](const Json&, std::string_view text) -> std::optional<std::string> {
              if (text.find("bad.key") == std::string_view::npos) return std::nullopt;
              return std::string("advanced.config bad.key refused");
            }}};
  }

  std::shared_ptr<Session> started(StartSpec spec = {.prompt = "hello"}) {
    auto session = std::make_shared<Session>(services(), "sess_test");
    run_awaitable(io, session->start(std::move(spec)));
    return session;
  }

  /// Runs the loop until nothing is ready (timers not yet due are left).
  void settle() {
    io.poll();
    io.restart();
  }

  boost::asio::io_context io{1};
  std::shared_ptr<FakeProvider> provider = std::make_shared<FakeProvider>(io.get_executor());
};

TEST_F(SessionCore, StartOpensAChannelStartsTheThreadAndTheFirstTurn) {
  StartSpec spec{.prompt = "write tests"};
  spec.settings.profile = "fast";
  spec.settings.config_overrides = {{"model_verbosity", "low"}};
  spec.turn.approval_policy = "on-request";
  spec.turn.sandbox = "workspace-write";
  spec.turn.cwd = "/work/project";
  auto session = started(spec);

  ASSERT_EQ(provider->opened.size(), 1u);
  const auto& request = provider->requests.at(0);
  EXPECT_EQ(request.profile, "fast");
  EXPECT_EQ(request.cwd, "/work/project");
  EXPECT_EQ(request.codex_home, "/fake/codex-home");
  EXPECT_EQ(request.config_overrides, spec.settings.config_overrides);
  auto& codex = provider->last();
  const auto thread_start = codex.last_params("thread/start");
  EXPECT_EQ(thread_start["approvalPolicy"], "on-request");
  EXPECT_EQ(thread_start["cwd"], "/work/project");
  const auto turn_start = codex.last_params("turn/start");
  EXPECT_EQ(turn_start["threadId"], codex.thread_id());
  EXPECT_EQ(turn_start["effort"], "low");  // the contract's default, sent with every turn
  EXPECT_EQ(session->status(), Status::running);
  EXPECT_EQ(session->thread_id(), codex.thread_id());
  EXPECT_EQ(session->settings().sandbox, "workspace-write");
}

TEST_F(SessionCore, DeltasMergeAndTheCompletedTurnIsTheResult) {
  auto session = started();
  auto& codex = provider->last();
  codex.turn_started();
  codex.delta("msg_1", "Hel");
  codex.delta("msg_1", "lo");
  const auto slice = session->events().read(0, 100);
  std::string streamed;
  for (const auto* event : slice.events) {
    if (event->data.contains("delta")) streamed += event->data["delta"].get<std::string>();
  }
  EXPECT_EQ(streamed, "Hello");
  codex.complete_turn("Hello, world");
  EXPECT_EQ(session->status(), Status::idle);
  const auto result = session->result_json();
  EXPECT_EQ(result["status"], "completed");
  EXPECT_EQ(result["text"], "Hello, world");
  EXPECT_EQ(result["turnId"], codex.turn_id());
}

TEST_F(SessionCore, AnApprovalWaitsForTheCallerAndTakesTheAnswer) {
  auto session = started();
  auto& codex = provider->last();
  codex.turn_started();
  auto request =
      codex.ask("item/commandExecution/requestApproval", {{"threadId", codex.thread_id()},
                                                          {"turnId", codex.turn_id()},
                                                          {"itemId", "cmd_1"},
                                                          {"command", "make test"},
                                                          {"cwd", "/work"}});
  settle();
  EXPECT_EQ(session->status(), Status::waiting_approval);
  const auto actions = session->actions_json();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["command"], "make test");
  EXPECT_EQ(session->interaction_state(), "waiting_input");
  session->respond_permission(
      {.request_id = actions[0]["requestId"].get<std::string>(), .decision = "accept"});
  settle();
  ASSERT_TRUE(request->answer.has_value());
  EXPECT_EQ((*request->answer)["decision"], "accept");
  EXPECT_EQ(session->status(), Status::running);
  // Answered once: a second answer is refused.
  try {
    session->respond_permission(
        {.request_id = actions[0]["requestId"].get<std::string>(), .decision = "decline"});
    FAIL() << "a second answer was taken";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::request_not_found);
  }
}

TEST_F(SessionCore, AnUnansweredApprovalIsDeclinedAtItsTimeout) {
  StartSpec spec{.prompt = "go"};
  spec.settings.approval_timeout_ms = 1;
  auto session = started(spec);
  auto& codex = provider->last();
  codex.turn_started();
  auto request =
      codex.ask("item/fileChange/requestApproval",
                {{"threadId", codex.thread_id()}, {"turnId", codex.turn_id()}, {"itemId", "fc_1"}});
  ASSERT_TRUE(run_until(
      io, [&] { return request->answer.has_value(); }, 10s));
  EXPECT_EQ((*request->answer)["decision"], "decline");
  const auto timeout = session->events().last_of_type("approval_result");
  ASSERT_NE(timeout, nullptr);
  EXPECT_NE(timeout->data["reason"].get<std::string>().find("approvalTimeoutMs"),
            std::string::npos);
  EXPECT_EQ(session->open_actions(), 0u);
}

TEST_F(SessionCore, InterruptDeclinesWhatIsPendingAndEndsTheTurn) {
  auto session = started();
  auto& codex = provider->last();
  codex.turn_started();
  auto request = codex.ask("item/commandExecution/requestApproval",
                           {{"threadId", codex.thread_id()}, {"command", "rm -rf /"}});
  settle();
  run_awaitable(io, session->interrupt());
  settle();
  ASSERT_TRUE(request->answer.has_value());
  EXPECT_EQ((*request->answer)["decision"], "decline");
  EXPECT_EQ(codex.last_params("turn/interrupt")["turnId"], codex.turn_id());
  EXPECT_EQ(session->status(), Status::idle);
  EXPECT_EQ(session->result_json()["status"], "interrupted");
  // Nothing to interrupt now.
  try {
    run_awaitable(io, session->interrupt());
    FAIL() << "an idle session was interrupted";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::not_running);
  }
}

TEST_F(SessionCore, CancelStopsTheProcessAndCancelsWhatIsPending) {
  auto session = started();
  auto& codex = provider->last();
  auto request = codex.ask("item/commandExecution/requestApproval", {{"command", "ls"}});
  settle();
  run_awaitable(io, session->cancel("cancelled by the caller"));
  settle();
  EXPECT_EQ(session->status(), Status::cancelled);
  EXPECT_TRUE(codex.shut_down());
  EXPECT_FALSE(session->has_child());
  ASSERT_TRUE(request->answer.has_value());
  EXPECT_EQ((*request->answer)["decision"], "cancel");
  run_awaitable(io, session->cancel("again"));  // idempotent
  EXPECT_EQ(session->status(), Status::cancelled);
}

TEST_F(SessionCore, ACrashMidTurnIsAnErrorAndAReplyResumesInANewProcess) {
  auto session = started();
  auto& first = provider->last();
  const auto thread = first.thread_id();
  first.turn_started();
  first.crash(137, "killed by the OOM killer");
  EXPECT_EQ(session->status(), Status::error);
  const auto error = session->events().last_of_type("error");
  ASSERT_NE(error, nullptr);
  EXPECT_NE(error->data["message"].get<std::string>().find("exited with code 137 during the turn"),
            std::string::npos);
  EXPECT_FALSE(session->has_child());

  run_awaitable(io, session->reply("again", {}));
  ASSERT_EQ(provider->opened.size(), 2u);
  auto& second = provider->last();
  EXPECT_EQ(second.last_params("thread/resume")["threadId"], thread);
  EXPECT_EQ(second.last_params("turn/start")["threadId"], thread);
  EXPECT_EQ(session->status(), Status::running);
  // What the dead process might still say never reaches the session.
  first.complete_turn("stale");
  EXPECT_EQ(session->status(), Status::running);
}

TEST_F(SessionCore, AReplyWhileATurnRunsIsBusy) {
  auto session = started();
  try {
    run_awaitable(io, session->reply("more", {}));
    FAIL() << "a second turn started";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::busy);
  }
}

TEST_F(SessionCore, AForkCarriesTheSettingsIntoAThreadForkOfItsOwn) {
  StartSpec spec{.prompt = "go"};
  spec.settings.developer_instructions = "be brief";
  spec.turn.model = "gpt-x";
  auto source = started(spec);
  provider->last().complete_turn("done");
  auto fork = std::make_shared<Session>(services(), "sess_fork");
  run_awaitable(io, fork->start_fork(source));
  ASSERT_EQ(provider->opened.size(), 2u);
  EXPECT_EQ(provider->last().last_params("thread/fork")["threadId"], source->thread_id());
  EXPECT_EQ(fork->status(), Status::idle);
  EXPECT_NE(fork->thread_id(), source->thread_id());
  EXPECT_EQ(fork->settings().developer_instructions, "be brief");
  EXPECT_EQ(fork->settings().model, "gpt-x");
  EXPECT_EQ(fork->meta_json()["forkedFrom"], "sess_test");
}

TEST_F(SessionCore, ARefusedValueIsInvalidInTheContractsWords) {
  auto session = std::make_shared<Session>(services(), "sess_refused");
  provider->arm_next.emplace_back("thread/start",
                                  jsonrpc::RpcError(-32600,
                                                    "unknown variant `sometimes`, expected one of "
                                                    "`untrusted`, `on-request`, `never`"));
  try {
    run_awaitable(io, session->start({.prompt = "x", .turn = {.approval_policy = "sometimes"}}));
    FAIL() << "the start succeeded";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::invalid);
    EXPECT_STREQ(e.what(), "refused: sometimes");
  }
  EXPECT_EQ(session->status(), Status::error);
  EXPECT_TRUE(provider->last().shut_down());  // a session that could not start is over
}

TEST_F(SessionCore, AProcessThatDiesAtStartOverAConfigValueIsInvalid) {
  auto session = std::make_shared<Session>(services(), "sess_config");
  provider->fail_next_open = "Error: failed to load configuration: bad.key";
  try {
    run_awaitable(io, session->start({.prompt = "x"}));
    FAIL() << "the start succeeded";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::invalid);
    EXPECT_STREQ(e.what(), "advanced.config bad.key refused");
  }
  EXPECT_EQ(session->status(), Status::error);
}

TEST_F(SessionCore, NoCodexIsCodexUnavailable) {
  auto session = std::make_shared<Session>(services(), "sess_none");
  provider->unavailable = "no codex executable found";
  try {
    run_awaitable(io, session->start({.prompt = "x"}));
    FAIL() << "the start succeeded";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::codex_unavailable);
  }
  EXPECT_EQ(session->status(), Status::error);
}

TEST_F(SessionCore, EveryChangeIsPublishedOnTheFeed) {
  auto session = started();
  unsigned seen = 0;
  auto subscription = session->changes().subscribe([&seen](unsigned changes) { seen |= changes; });
  auto& codex = provider->last();
  codex.turn_started();
  EXPECT_TRUE(seen & change::kEvents);
  seen = 0;
  codex.ask("item/commandExecution/requestApproval", {{"command", "ls"}});
  settle();
  EXPECT_TRUE(seen & change::kActions);
  EXPECT_TRUE(seen & change::kStatus);  // running → waiting_approval
  seen = 0;
  codex.complete_turn("ok");
  EXPECT_TRUE(seen & change::kResult);
  subscription.reset();
  seen = 0;
  codex.notify("thread/tokenUsage/updated", {{"tokenUsage", {{"total", {{"totalTokens", 3}}}}}});
  EXPECT_EQ(seen, 0u);  // unsubscribed
}

}  // namespace
}  // namespace codex_mcp::session
