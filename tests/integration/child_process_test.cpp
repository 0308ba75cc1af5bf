// ChildProcess with plain shell commands: lines and exit codes, stderr tail, environment,
// spawn failures, the stdin-EOF → SIGTERM → SIGKILL escalation on the process group, and
// the launcher (vfork + execve) under threads that allocate and lock all the time.
#include "codex_mcp/process/child_process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>

#include "asio_test_loop.hpp"
#include "codex_mcp/process/identity.hpp"
#include "test_dir.hpp"

using codex_mcp::process::ChildHandlers;
using codex_mcp::process::ChildProcess;
using codex_mcp::process::SpawnError;
using codex_mcp::process::SpawnOptions;
using codex_mcp::process::zombie_children_of;
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

std::size_t open_descriptor_count() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

/// Threads that allocate, free and hold a mutex in a tight loop until destroyed: what made
/// a fork() followed by allocation in the child deadlock-prone (a lock held at the fork).
class AllocatorChurn {
 public:
  explicit AllocatorChurn(int threads) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, i] {
        std::vector<std::unique_ptr<char[]>> blocks(64);
        std::size_t n = static_cast<std::size_t>(i);
        while (!stop_.load(std::memory_order_relaxed)) {
          const std::lock_guard lock(mutex_);
          for (auto& block : blocks) {
            n = n * 6364136223846793005ULL + 1442695040888963407ULL;
            block = std::make_unique<char[]>(16 + (n >> 52));  // 16 B to 4 KiB
          }
        }
      });
    }
  }
  ~AllocatorChurn() {
    stop_ = true;
    for (auto& thread : threads_) thread.join();
  }
  AllocatorChurn(const AllocatorChurn&) = delete;
  AllocatorChurn& operator=(const AllocatorChurn&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::thread> threads_;
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

TEST(ChildProcess, ExecFailuresNameTheErrorAndLeaveNoZombieOrDescriptor) {
  boost::asio::io_context ctx{1};
  const auto dir = codex_mcp::testing::fresh_test_dir("exec-failure");
  const auto not_executable = dir / "not-executable";
  std::ofstream(not_executable) << "#!/bin/sh\nexit 0\n";
  ::chmod(not_executable.c_str(), 0644);
  // Asio opens its reactor's descriptors on first use: before counting ours.
  const boost::asio::readable_pipe reactor_in_use(ctx);
  const auto descriptors_before = open_descriptor_count();
  const auto spawn_error = [&](SpawnOptions options) -> std::string {
    try {
      ChildProcess::spawn(ctx.get_executor(), std::move(options), {});
    } catch (const SpawnError& e) {
      return e.what();
    }
    return "no SpawnError";
  };
  SpawnOptions missing;
  missing.executable = "/nonexistent/bin/codex";
  EXPECT_EQ(spawn_error(missing),
            "cannot start '/nonexistent/bin/codex': No such file or directory");
  SpawnOptions denied;
  denied.executable = not_executable.string();
  EXPECT_EQ(spawn_error(denied),
            "cannot start '" + not_executable.string() + "': Permission denied");
  SpawnOptions bad_cwd;
  bad_cwd.executable = "/bin/sh";
  bad_cwd.cwd = (dir / "missing").string();
  EXPECT_THAT(spawn_error(bad_cwd), HasSubstr("cannot start '/bin/sh': working directory"));
  // The children that failed to exec were reaped, and none of their pipes is left open.
  EXPECT_THAT(zombie_children_of(::getpid()), ::testing::IsEmpty());
  EXPECT_EQ(open_descriptor_count(), descriptors_before);
  std::filesystem::remove_all(dir);
}

TEST(ChildProcess, RunsInAGroupOfItsOwnAndGetsSigtermWhenItsParentThreadEnds) {
  Harness h;
  std::shared_ptr<ChildProcess> child;
  // PR_SET_PDEATHSIG follows the thread that started the child: started from a thread
  // that then ends, the child gets SIGTERM as it would if the whole server died.
  std::thread([&] { child = h.spawn("exec sleep 60"); }).join();
  EXPECT_EQ(::getpgid(child->pid()), child->pid());
  ASSERT_TRUE(run_until(
      h.ctx, [&] { return h.exit_code.has_value(); }, 60s));
  EXPECT_EQ(*h.exit_code, 128 + SIGTERM);
}

TEST(ChildProcess, ManyShortChildrenStartAndReportWhileOtherThreadsAllocateAndLock) {
  constexpr int kChildren = 200;
  constexpr int kAtOnce = 8;
  boost::asio::io_context ctx{1};
  std::vector<std::optional<int>> exit_codes(kChildren);
  std::vector<std::vector<std::string>> lines(kChildren);
  std::vector<std::shared_ptr<ChildProcess>> children(kChildren);
  int started = 0;
  int reported = 0;
  const auto start_next = [&] {
    const int i = started++;
    SpawnOptions options;
    options.executable = "sh";
    options.args = {"-c", "read line; echo \"$line\"; echo to-stderr >&2; exit 3"};
    ChildHandlers handlers;
    handlers.on_line = [&, i](std::string line) { lines[i].push_back(std::move(line)); };
    handlers.on_exit = [&, i](int code) {
      exit_codes[i] = code;
      ++reported;
    };
    children[i] = ChildProcess::spawn(ctx.get_executor(), std::move(options), std::move(handlers));
    children[i]->send_line("child " + std::to_string(i));
    children[i]->close_stdin();
  };
  {
    AllocatorChurn churn(3);
    // A hang guard only (the old launcher could block here for good), not a time limit.
    ASSERT_TRUE(run_until(
        ctx,
        [&] {
          while (started < kChildren && started - reported < kAtOnce) start_next();
          return reported == kChildren;
        },
        600s))
        << reported << " of " << kChildren << " children reported";
  }
  for (int i = 0; i < kChildren; ++i) {
    ASSERT_TRUE(exit_codes[i].has_value()) << "child " << i;
    EXPECT_EQ(*exit_codes[i], 3) << "child " << i;
    EXPECT_EQ(lines[i], std::vector<std::string>{"child " + std::to_string(i)}) << "child " << i;
    EXPECT_THAT(children[i]->stderr_tail(), HasSubstr("to-stderr")) << "child " << i;
  }
  EXPECT_THAT(zombie_children_of(::getpid()), ::testing::IsEmpty());
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
