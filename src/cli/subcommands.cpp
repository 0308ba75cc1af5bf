#include "codex_mcp/cli/subcommands.hpp"

#include <iostream>

#include <spdlog/spdlog.h>

#include "commands.hpp"

namespace codex_mcp::cli {

int run_subcommand(const app::Options& options) {
  // The server's routine info lines (children started, and so on) are not for a person
  // reading a report: only warnings and worse, unless a level was asked for.
  if (options.log_level == "info") spdlog::set_level(spdlog::level::warn);
  const auto terminal = Terminal::detect();
  const auto& name = options.subcommand.name;
  if (name == "sessions") return sessions_command(options, terminal);
  if (name == "show") return show_command(options, terminal);
  if (name == "tail") return tail_command(options, terminal);
  if (name == "doctor") return doctor_command(options, terminal);
  std::cerr << "codex-mcp: unknown subcommand " << name << "\n";
  return 2;
}

}  // namespace codex_mcp::cli
