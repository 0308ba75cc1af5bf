// ServerApp: wires stdio, the MCP server, the tools and the session manager onto one
// io_context thread, and owns the process's shutdown paths (stdin EOF, SIGTERM/SIGINT).
#pragma once

#include "codex_mcp/app/options.hpp"

namespace codex_mcp::app {

/// Serves MCP on stdin/stdout until EOF or a signal; returns the process exit code.
int run_server(const Options& options);

}  // namespace codex_mcp::app
