// The terminal view: `codex-mcp sessions | show | tail | doctor`, for the person at the
// keyboard. Each reads the state directory only: no lock is taken and no file is changed,
// so they are safe to run while servers are running.
#pragma once

#include "codex_mcp/app/options.hpp"

namespace codex_mcp::cli {

/// Runs options.subcommand; prints to stdout (errors to stderr) and returns the exit code:
/// 0, 1 when the session or state directory is not there, 2 on bad usage.
int run_subcommand(const app::Options& options);

}  // namespace codex_mcp::cli
