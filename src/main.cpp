// codex-mcp entry point: parse options, route logs away from stdout, serve.
#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "codex_mcp/app/logging.hpp"
#include "codex_mcp/app/options.hpp"
#include "codex_mcp/app/server_app.hpp"
#include "codex_mcp/cli/subcommands.hpp"

int main(int argc, char** argv) {
  // A write to a closed pipe (client or child gone) must be an EPIPE error, not a kill.
  std::signal(SIGPIPE, SIG_IGN);
  auto parsed = codex_mcp::app::parse_options(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  const auto& options = *parsed.options;
  if (const auto error = codex_mcp::app::configure_logging(options.log_level, options.log_file);
      !error.empty()) {
    std::cerr << "codex-mcp: " << error << "\n";
    return 2;
  }
  try {
    if (!options.subcommand.name.empty()) return codex_mcp::cli::run_subcommand(options);
    return codex_mcp::app::run_server(options);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
