// ChildProcess with plain shell commands: lines and exit codes, stderr tail, environment,
// spawn failures, and the stdin-EOF → SIGTERM → SIGKILL escalation on the process group.
#include "codex_mcp/process/child_process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "asio_test_loop.hpp"

using codex_mcp::process::ChildHandlers;
using codex_mcp::process::ChildProcess;
using codex_mcp::process::SpawnError;
using codex_mcp::process::SpawnOptions;
using codex_mcp::testing::run_awaitable;
using codex_mcp::testing::run_until;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

namespace {

struct Harness {
  boost::asio::io_context ctx{1};
  std::vector<std::string> lines;
  std::optional<int> exit_code;

  std::shared_ptr<ChildProcess> spawn(const std::string& script, SpawnOptions options = {}) {
    options.executable = "sh";
    options.args = {"-c", script};
    ChildHandlers handlers;
    handlers.on_line = [this](std::string line) { lines.push_back(std::move(line)); };
    handlers.on_exit = [this](int code) { exit_code = code; };
    return ChildProcess::spawn(ctx.get_executor(), std::move(options), std::move(handlers));
  }
};

}  // namespace

TEST(ChildProcess, EchoesStdinLinesAndReportsExit) {
  Harness h;
  SpawnOptions options;
  options.env["GREETING"] = "hi";
  options.unset_env = {"HOME"};
  options.cwd = "/";
  auto child = h.spawn(
      "echo \"$GREETING ${HOME:-nohome} $(pwd)\"; read a; echo \"got $a\"; echo oops >&2; exit 7",
      options);
  child->send_line("ping");
  ASSERT_TRUE(run_until(
      h.ctx, [&] { return h.exit_code.has_value(); }, 10s));
  EXPECT_EQ(*h.exit_code, 7);
  EXPECT_EQ(h.lines, (std::vector<std::string>{"hi nohome /", "got ping"}));
  EXPECT_THAT(child->stderr_tail(), HasSubstr("oops"));
  EXPECT_TRUE(child->finished());
}

TEST(ChildProcess, SignalExitIsReportedAs128PlusSignal) {
  Harness h;
  auto child = h.spawn("kill -9 $$");
  ASSERT_TRUE(run_until(
      h.ctx, [&] { return h.exit_code.has_value(); }, 10s));
  EXPECT_EQ(*h.exit_code, 128 + SIGKILL);
}

TEST(ChildProcess, MissingExecutableNamesThePath) {
  Harness h;
  SpawnOptions options;
  options.executable = "/nonexistent/bin/codex";
  try {
    ChildProcess::spawn(h.ctx.get_executor(), options, {});
    FAIL() << "expected SpawnError";
  } catch (const SpawnError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/bin/codex"));
  }
  options.executable = "no-such-codex-binary-xyz";
  EXPECT_THROW(ChildProcess::spawn(h.ctx.get_executor(), options, {}), SpawnError);
  options.executable = "sh";
  options.cwd = "/nonexistent/dir";
  EXPECT_THROW(ChildProcess::spawn(h.ctx.get_executor(), options, {}), SpawnError);
}

TEST(ChildProcess, TerminateGroupEscalatesToSigkillForTheWholeGroup) {
  Harness h;
  // Ignores stdin EOF and SIGTERM (inherited by the sleep, a grandchild in the same group).
  auto child = h.spawn("trap '' TERM; sleep 30 & wait; sleep 30");
  const int pid = child->pid();
  const auto begin = std::chrono::steady_clock::now();
  run_awaitable(h.ctx, child->terminate_group(200ms), 10s);
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(elapsed, 400ms);  // stdin EOF and SIGTERM were both ignored
  EXPECT_LT(elapsed, 5s);
  ASSERT_TRUE(h.exit_code.has_value());
  EXPECT_EQ(*h.exit_code, 128 + SIGKILL);
  // The killed grandchild is reaped by its new parent (init) a moment later.
  const auto gone = [pid] { return ::kill(-pid, 0) == -1 && errno == ESRCH; };
  EXPECT_TRUE(run_until(h.ctx, gone, 5s));
}

TEST(ChildProcess, WritesAfterTheChildExitedAreDropped) {
  Harness h;
  auto child = h.spawn("exit 0");
  ASSERT_TRUE(run_until(
      h.ctx, [&] { return h.exit_code.has_value(); }, 10s));
  for (int i = 0; i < 100; ++i) child->send_line(std::string(10000, 'x'));  // EPIPE tolerated
  run_until(
      h.ctx, [] { return false; }, 100ms);
  EXPECT_EQ(*h.exit_code, 0);
}
