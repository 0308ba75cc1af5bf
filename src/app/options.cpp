#include "codex_mcp/app/options.hpp"

#include <cstdlib>
#include <iostream>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "codex_mcp/util/environment.hpp"
#include "codex_mcp/version.hpp"

namespace codex_mcp::app {

namespace {

std::string default_state_dir() {
  const auto home = util::env_or_empty("HOME");
  return (home.empty() ? std::string("/tmp") : home) + "/.codex-mcp/state";
}

/// The terminal view (src/cli). The server's options stay valid after a subcommand
/// (fallthrough), so `codex-mcp sessions --state-dir DIR` works as well as the other order.
void add_subcommands(CLI::App& cli, Subcommand& chosen) {
  cli.fallthrough();
  cli.require_subcommand(0, 1);
  auto* sessions = cli.add_subcommand(
      "sessions",
      "List the sessions in the state directory, newest first: id, status, age, cwd, model, "
      "last activity, pending approvals");
  sessions->add_flag("--json", chosen.json, "One JSON array, for scripts");
  auto* show = cli.add_subcommand(
      "show", "One session: its settings (no secrets), turns, final result and what changed");
  show->add_option("id", chosen.session_id, "Session id (sess_...)")->required();
  auto* tail = cli.add_subcommand(
      "tail",
      "A session's events as readable lines: agent text, commands and exit codes, file "
      "changes, approvals, errors");
  tail->add_option("id", chosen.session_id, "Session id (sess_...)")->required();
  tail->add_flag("-f,--follow", chosen.follow,
                 "Keep printing new events while the session is running (in any codex-mcp "
                 "process), then exit");
  cli.add_subcommand("doctor",
                     "Check the setup for a person: which codex and its version, login, config "
                     "files, the state directory, and what to do next");
}

}  // namespace

ParseOutcome parse_options(int argc, const char* const* argv) {
  Options options;
  CLI::App cli{
      "codex-mcp: an MCP server (stdio) that runs OpenAI Codex agents in the background.\n"
      "With no arguments it serves MCP on stdin/stdout; register it with your MCP client.\n"
      "The subcommands show the sessions in the state directory to a person (read-only).",
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
  cli.add_option("--mode", options.mode,
                 "How sessions run codex: auto (app-server when the codex has it, else "
                 "`codex exec`), app-server, exec")
      ->envname("CODEX_MCP_MODE")
      ->check(CLI::IsMember({"auto", "app-server", "exec"}))
      ->capture_default_str();
  cli.add_option("--approvals", options.approvals,
                 "Who answers codex's approvals and questions: caller (the calling model, "
                 "through codex_check), person (a dialog for the person, through MCP "
                 "elicitation, when the client declares it), auto (person for MCP tasks, "
                 "caller otherwise)")
      ->envname("CODEX_MCP_APPROVALS")
      ->check(CLI::IsMember({"caller", "person", "auto"}))
      ->capture_default_str();
  cli.add_option("--prewarm", options.prewarm,
                 "Spare codex app-servers kept started and initialized, so that a new session "
                 "adopts one instead of waiting for codex to start (each costs an idle "
                 "app-server's memory: see docs/architecture.md)")
      ->envname("CODEX_MCP_PREWARM")
      ->check(CLI::Range(0, 4))
      ->capture_default_str();
  cli.add_option("--max-line-bytes", options.max_line_bytes,
                 "Largest accepted input message in bytes")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->capture_default_str();
  // Durations are given in ms, so tests can run the lifecycle in seconds.
  struct DurationOption {
    const char* flag;
    const char* env;
    const char* help;
    std::chrono::milliseconds* target;
    std::int64_t min_ms, max_ms;
    std::int64_t value = 0;
  };
  constexpr std::int64_t kHour = std::int64_t{3600} * 1000, kMonth = std::int64_t{30} * 24 * kHour;
  std::vector<DurationOption> durations = {
      {"--drain-timeout-ms", "CODEX_MCP_DRAIN_TIMEOUT_MS",
       "On stdin EOF, how long running turns may finish before they are stopped",
       &options.drain_timeout, 0, kHour},
      {"--startup-timeout-ms", "CODEX_MCP_STARTUP_TIMEOUT_MS",
       "How long a codex app-server child may take to start (answer initialize)",
       &options.startup_timeout, 100, kHour},
      {"--idle-timeout-ms", "CODEX_MCP_IDLE_TIMEOUT_MS",
       "Stop the codex process of a session idle this long (a reply resumes it)",
       &options.idle_timeout, 100, kMonth},
      {"--stuck-timeout-ms", "CODEX_MCP_STUCK_TIMEOUT_MS",
       "Cancel a turn that made no progress for this long", &options.stuck_timeout, 100, kMonth},
      {"--unload-after-ms", "CODEX_MCP_UNLOAD_AFTER_MS",
       "Drop a session without a codex process from memory after this long (it stays on disk)",
       &options.unload_after, 100, kMonth},
      {"--sweep-interval-ms", "CODEX_MCP_SWEEP_INTERVAL_MS",
       "How often the lifecycle rules and retention are applied", &options.sweep_interval, 100,
       kMonth},
      {"--task-ttl-ms", "CODEX_MCP_TASK_TTL_MS",
       "How long a task (MCP tasks extension) is kept after its creation", &options.task_ttl, 1,
       kMonth}};
  for (auto& duration : durations) {
    duration.value = duration.target->count();
    cli.add_option(duration.flag, duration.value, duration.help)
        ->envname(duration.env)
        ->check(CLI::Range(duration.min_ms, duration.max_ms))
        ->capture_default_str();
  }
  double retention_days = 7;
  cli.add_option("--retention-days", retention_days,
                 "Delete persisted sessions not updated for this many days (0: keep)")
      ->envname("CODEX_MCP_RETENTION_DAYS")
      ->check(CLI::Range(0.0, 36500.0))
      ->capture_default_str();
  cli.add_option("--retention-max-sessions", options.retention_sessions,
                 "Keep at most this many persisted sessions (0: no limit)")
      ->envname("CODEX_MCP_RETENTION_MAX_SESSIONS")
      ->capture_default_str();
  std::uintmax_t retention_mb = options.retention_bytes >> 20;
  cli.add_option("--retention-max-mb", retention_mb,
                 "Keep at most this many MiB of persisted sessions (0: no limit)")
      ->envname("CODEX_MCP_RETENTION_MAX_MB")
      ->capture_default_str();

  add_subcommands(cli, options.subcommand);

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
  if (const auto chosen = cli.get_subcommands(); !chosen.empty()) {
    options.subcommand.name = chosen.front()->get_name();
  }
  for (const auto& duration : durations) {
    *duration.target = std::chrono::milliseconds(duration.value);
  }
  options.retention_age =
      std::chrono::milliseconds(static_cast<std::int64_t>(retention_days * 86400000.0));
  options.retention_bytes = retention_mb << 20;
  if (options.state_dir.empty()) options.state_dir = default_state_dir();
  if (!util::env_or_empty("CODEX_MCP_PATH").empty() &&
      !util::env_or_empty("CODEX_MCP_COMMAND").empty()) {
    options.warnings.push_back(
        "CODEX_MCP_PATH and CODEX_MCP_COMMAND are both set; they are mutually exclusive and "
        "CODEX_MCP_PATH wins");
  }
  return {std::move(options), 0};
}

}  // namespace codex_mcp::app
