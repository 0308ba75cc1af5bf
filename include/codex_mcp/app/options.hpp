// Command-line and environment configuration of the server (CLI11).
// Precedence: command-line option > environment variable > built-in default.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace codex_mcp::app {

/// A terminal subcommand (src/cli): the bare command serves MCP instead.
struct Subcommand {
  std::string name;        ///< sessions | show | tail | doctor; empty: serve MCP
  std::string session_id;  ///< show, tail
  bool json = false;       ///< sessions --json
  bool follow = false;     ///< tail -f
};

struct Options {
  std::string state_dir;      ///< --state-dir / CODEX_MCP_STATE_DIR / ~/.codex-mcp/state
  std::string codex_path;     ///< --codex-path / CODEX_MCP_PATH: a filesystem path
  std::string codex_command;  ///< --codex-command / CODEX_MCP_COMMAND: a name looked up on PATH
  std::string log_level = "info";
  std::string log_file;             ///< also log here (stderr always gets logs)
  std::string stdio_mode = "auto";  ///< --stdio-mode / CODEX_MCP_STDIO_MODE: auto|strict|off
  std::string mode = "auto";        ///< --mode / CODEX_MCP_MODE: auto|app-server|exec
  /// --approvals / CODEX_MCP_APPROVALS: who answers approvals and questions. caller (the
  /// calling model, codex_check), person (an elicitation dialog, when the client shows
  /// one), auto (person for MCP tasks, caller otherwise).
  std::string approvals = "auto";
  std::size_t max_line_bytes = 16u << 20;
  /// stdin EOF: how long running turns may finish before they are interrupted. Short:
  /// clients close stdin and SIGTERM 2 s later (the TypeScript SDK).
  std::chrono::milliseconds drain_timeout{1000};
  /// --startup-timeout-ms / CODEX_MCP_STARTUP_TIMEOUT_MS: how long a new app-server child
  /// may take to answer initialize before its session fails.
  std::chrono::milliseconds startup_timeout{30000};
  /// --prewarm / CODEX_MCP_PREWARM: spare app-servers kept started and initialized for the
  /// next sessions (0: none, each start spawns its own).
  int prewarm = 0;
  // Session lifecycle (the sweep).
  std::chrono::milliseconds idle_timeout{30 * 60 * 1000};    ///< stop an idle session's child
  std::chrono::milliseconds stuck_timeout{4 * 3600 * 1000};  ///< cancel a turn without progress
  std::chrono::milliseconds unload_after{5 * 60 * 1000};  ///< drop a childless session from memory
  std::chrono::milliseconds sweep_interval{60 * 1000};
  // Retention of persisted sessions; 0 disables a limit.
  std::chrono::milliseconds retention_age{7LL * 24 * 3600 * 1000};
  std::size_t retention_sessions = 200;
  std::uintmax_t retention_bytes = std::uintmax_t{1024} << 20;
  /// --task-ttl-ms / CODEX_MCP_TASK_TTL_MS: how long a task (MCP tasks extension) is kept
  /// after its creation; never longer than the session retention age.
  std::chrono::milliseconds task_ttl{7LL * 24 * 3600 * 1000};
  std::vector<std::string> warnings;  ///< configuration problems worth reporting (not fatal)
  Subcommand subcommand;
};

/// What main() should do after parsing.
struct ParseOutcome {
  std::optional<Options> options;  ///< set when the server should run
  int exit_code = 0;               ///< otherwise: 0 for --help/--version, 2 for bad usage
};

/// Parses argv; prints help/version to stdout and usage errors to stderr.
ParseOutcome parse_options(int argc, const char* const* argv);

}  // namespace codex_mcp::app
