#include "codex_mcp/app/options.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <vector>

using codex_mcp::app::parse_options;

namespace {

codex_mcp::app::ParseOutcome parse(std::vector<const char*> args) {
  args.insert(args.begin(), "codex-mcp");
  return parse_options(static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST(Options, StartupTimeoutFromTheCommandLineTheEnvironmentOrTheDefault) {
  ::unsetenv("CODEX_MCP_STARTUP_TIMEOUT_MS");
  EXPECT_EQ(parse({}).options->startup_timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(parse({"--startup-timeout-ms", "1500"}).options->startup_timeout,
            std::chrono::milliseconds(1500));

  ::setenv("CODEX_MCP_STARTUP_TIMEOUT_MS", "2500", 1);
  EXPECT_EQ(parse({}).options->startup_timeout, std::chrono::milliseconds(2500));
  // The command line wins over the environment.
  EXPECT_EQ(parse({"--startup-timeout-ms", "700"}).options->startup_timeout,
            std::chrono::milliseconds(700));
  ::unsetenv("CODEX_MCP_STARTUP_TIMEOUT_MS");

  // Zero or a negative value would fail every start: a usage error (exit 2).
  const auto zero = parse({"--startup-timeout-ms", "0"});
  EXPECT_FALSE(zero.options);
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_EQ(parse({"--startup-timeout-ms", "soon"}).exit_code, 2);
}

TEST(Options, ModeFromTheEnvironmentOrTheCommandLine) {
  ::unsetenv("CODEX_MCP_MODE");
  EXPECT_EQ(parse({}).options->mode, "auto");
  ::setenv("CODEX_MCP_MODE", "exec", 1);
  EXPECT_EQ(parse({}).options->mode, "exec");
  EXPECT_EQ(parse({"--mode", "app-server"}).options->mode, "app-server");
  ::setenv("CODEX_MCP_MODE", "sideways", 1);
  EXPECT_EQ(parse({}).exit_code, 2);  // refused with a message, not ignored
  ::unsetenv("CODEX_MCP_MODE");
}

TEST(Options, ApprovalsFromTheEnvironmentOrTheCommandLine) {
  ::unsetenv("CODEX_MCP_APPROVALS");
  EXPECT_EQ(parse({}).options->approvals, "auto");
  ::setenv("CODEX_MCP_APPROVALS", "person", 1);
  EXPECT_EQ(parse({}).options->approvals, "person");
  EXPECT_EQ(parse({"--approvals", "caller"}).options->approvals, "caller");
  ::setenv("CODEX_MCP_APPROVALS", "nobody", 1);
  EXPECT_EQ(parse({}).exit_code, 2);
  ::unsetenv("CODEX_MCP_APPROVALS");
  EXPECT_EQ(parse({"--approvals", "model"}).exit_code, 2);
}
