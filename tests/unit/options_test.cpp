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

TEST(Options, AnExecModeRequestIsWarnedAboutNotSilentlyIgnored) {
  ::setenv("CODEX_MCP_MODE", "exec", 1);
  const auto warnings = parse({}).options->warnings;
  ::unsetenv("CODEX_MCP_MODE");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("CODEX_MCP_MODE=exec is not supported"), std::string::npos);
  ::setenv("CODEX_MCP_MODE", "app-server", 1);
  EXPECT_TRUE(parse({}).options->warnings.empty());
  ::unsetenv("CODEX_MCP_MODE");
}
