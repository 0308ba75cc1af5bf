// Process identity (pid + start time + boot) and the orphan reaper: only the exact
// recorded process is ever signalled, and one that ignores SIGTERM is killed.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "codex_mcp/process/identity.hpp"

using namespace codex_mcp::process;
using namespace std::chrono_literals;

namespace {

/// A child in its own process group; `ignore_term` makes it ignore SIGTERM.
pid_t spawn_sleeper(bool ignore_term) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    if (ignore_term) std::signal(SIGTERM, SIG_IGN);
    ::execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

int reap_status(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(ProcessIdentity, IdentifiesLiveProcessesAndRoundTripsThroughJson) {
  const auto self = identify(::getpid());
  ASSERT_TRUE(self);
  EXPECT_GT(self->start_ticks, 0u);
  EXPECT_FALSE(self->boot_id.empty());
  EXPECT_TRUE(is_alive(*self));
  EXPECT_EQ(identity_from_json(to_json(*self)), self);
  EXPECT_FALSE(identity_from_json({{"pid", "12"}}));
  auto other_start = *self;
  other_start.start_ticks += 1;
  EXPECT_FALSE(is_alive(other_start));  // a reused pid is not the recorded process
  EXPECT_FALSE(identify(-1));
}

TEST(ProcessIdentity, ReapKillsWhatIgnoresSigtermAndSparesAMismatch) {
  const pid_t polite = spawn_sleeper(false);
  const pid_t stubborn = spawn_sleeper(true);
  const pid_t bystander = spawn_sleeper(false);
  std::this_thread::sleep_for(100ms);  // let the children set their signal dispositions
  const auto polite_id = identify(polite), stubborn_id = identify(stubborn);
  auto reused = *identify(bystander);
  reused.start_ticks += 7;
  ASSERT_TRUE(polite_id && stubborn_id);

  const auto report = reap({*polite_id, *stubborn_id, reused}, 500ms);
  EXPECT_EQ(report.terminated, std::vector<int>{polite});
  EXPECT_EQ(report.killed, std::vector<int>{stubborn});
  EXPECT_EQ(report.skipped, std::vector<int>{bystander});
  EXPECT_EQ(WTERMSIG(reap_status(polite)), SIGTERM);
  EXPECT_EQ(WTERMSIG(reap_status(stubborn)), SIGKILL);
  EXPECT_EQ(::kill(bystander, 0), 0);
  ::kill(bystander, SIGKILL);
  reap_status(bystander);
}

}  // namespace
