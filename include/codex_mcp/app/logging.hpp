// Logging setup. spdlog's default logger writes to stdout, which carries MCP messages
// only, so it is replaced before anything can log: stderr, plus an optional file.
#pragma once

#include <string>

namespace codex_mcp::app {

/// Returns an error message when the log file cannot be opened, else empty.
std::string configure_logging(const std::string& level, const std::string& file);

}  // namespace codex_mcp::app
