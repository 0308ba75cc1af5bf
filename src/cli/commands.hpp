// One function per terminal subcommand; src/cli/subcommands.cpp picks one.
#pragma once

#include "codex_mcp/app/options.hpp"
#include "terminal.hpp"

namespace codex_mcp::cli {

int sessions_command(const app::Options& options, const Terminal& terminal);
int show_command(const app::Options& options, const Terminal& terminal);
int tail_command(const app::Options& options, const Terminal& terminal);
int doctor_command(const app::Options& options, const Terminal& terminal);

}  // namespace codex_mcp::cli
