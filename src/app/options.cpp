#include "codex_mcp/app/options.hpp"

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "codex_mcp/version.hpp"

namespace codex_mcp::app {

namespace {

std::string default_state_dir() {
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.codex-mcp/state";
}

}  // namespace

ParseOutcome parse_options(int argc, const char* const* argv) {
  Options options;
  CLI::App cli{
      "codex-mcp: an MCP server (stdio) that runs OpenAI Codex agents in the background.\n"
      "With no arguments it serves MCP on stdin/stdout; register it with your MCP client.",
      "codex-mcp"};
  cli.set_version_flag("--version", std::string("codex-mcp ") + kVersion);
  cli.add_option("--state-dir", options.state_dir, "Directory for persisted session state")
      ->envname("CODEX_MCP_STATE_DIR");
  cli.add_option("--codex-path", options.codex_path, "Path of the codex executable")
      ->envname("CODEX_MCP_PATH");
  cli.add_option("--codex-command", options.codex_command,
                 "Name of the codex executable to find on PATH (default: codex, codex-internal)")
      ->envname("CODEX_MCP_COMMAND");
  cli.add_option("--log-level", options.log_level, "trace|debug|info|warn|error|off")
      ->envname("CODEX_MCP_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  cli.add_option("--log-file", options.log_file, "Also write logs to this file")
      ->envname("CODEX_MCP_LOG_FILE");
  cli.add_option("--stdio-mode", options.stdio_mode,
                 "stdout guard: auto (warn on a terminal), strict (refuse), off")
      ->envname("CODEX_MCP_STDIO_MODE")
      ->check(CLI::IsMember({"auto", "strict", "off"}))
      ->capture_default_str();
  cli.add_option("--max-line-bytes", options.max_line_bytes,
                 "Largest accepted input message in bytes")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->capture_default_str();
  std::int64_t drain_ms = options.drain_timeout.count();
  cli.add_option("--drain-timeout-ms", drain_ms,
                 "On stdin EOF, how long running turns may finish before they are stopped")
      ->envname("CODEX_MCP_DRAIN_TIMEOUT_MS")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{3600000}))
      ->capture_default_str();
  std::int64_t startup_ms = options.startup_timeout.count();
  cli.add_option("--startup-timeout-ms", startup_ms,
                 "How long a codex app-server child may take to start (answer initialize)")
      ->envname("CODEX_MCP_STARTUP_TIMEOUT_MS")
      ->check(CLI::Range(std::int64_t{100}, std::int64_t{3600000}))
      ->capture_default_str();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << cli.help();  // allowed-stdout: --help output, not serving MCP
    return {std::nullopt, 0};
  } catch (const CLI::CallForVersion&) {
    std::cout << "codex-mcp " << kVersion << "\n";  // allowed-stdout: --version output
    return {std::nullopt, 0};
  } catch (const CLI::ParseError& e) {
    std::cerr << "codex-mcp: " << e.what() << "\nRun 'codex-mcp --help' for usage.\n";
    return {std::nullopt, 2};
  }
  options.drain_timeout = std::chrono::milliseconds(drain_ms);
  options.startup_timeout = std::chrono::milliseconds(startup_ms);
  if (options.state_dir.empty()) options.state_dir = default_state_dir();
  const char* env_path = std::getenv("CODEX_MCP_PATH");
  const char* env_command = std::getenv("CODEX_MCP_COMMAND");
  if (env_path && *env_path && env_command && *env_command) {
    options.warnings.push_back(
        "CODEX_MCP_PATH and CODEX_MCP_COMMAND are both set; they are mutually exclusive and "
        "CODEX_MCP_PATH wins");
  }
  return {std::move(options), 0};
}

}  // namespace codex_mcp::app
