#include "codex_mcp/app/server_app.hpp"

#include <csignal>

#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/mcp/server.hpp"
#include "codex_mcp/session/session_manager.hpp"
#include "codex_mcp/tools/registry.hpp"
#include "codex_mcp/tools/resources.hpp"
#include "codex_mcp/transport/fd_stream.hpp"
#include "codex_mcp/version.hpp"

namespace asio = boost::asio;

namespace codex_mcp::app {

namespace {

// What a model sees before it loads any schema (Claude Code puts it in the system prompt
// and cuts it at 4,096 characters): what the server is for and the one flow that takes
// the fewest calls.
constexpr const char* kInstructions =
    "Runs OpenAI Codex coding agents on tasks in the background (sessions survive restarts).\n"
    "Recommended flow:\n"
    "1. codex {prompt, approvalPolicy, sandbox, advanced:{waitForResult:120000}}: returns the "
    "result (result.text, result.files changed, result.diff) if the task ends within the wait.\n"
    "2. If status is still running: codex_check {action:\"poll\", sessionId, "
    "pollOptions:{waitMs:300000, finalOnly:true}}; it returns when the turn ends or needs you.\n"
    "3. If actions[] is present (recommendedNextAction respond_permission or "
    "respond_user_input): codex_check {action:\"respond_permission\", sessionId, requestId, "
    "decision:\"accept\"|\"decline\", pollOptions:{waitMs:300000, finalOnly:true}} answers "
    "and waits for what follows.\n"
    "Follow-ups: codex_reply {sessionId, prompt, waitForResult:120000}. Replies are capped at "
    "20000 bytes (maxBytes changes it); when truncated, read resultUri "
    "(codex-mcp://sessions/{sessionId}/result) for the full text and diff. Lost a sessionId: "
    "codex_session {action:\"list\"}. Give approvalPolicy and sandbox no wider than your own "
    "permissions.";

/// CODEX_MCP_STDIO_MODE: a terminal on stdout means a human, not an MCP client, is
/// attached; strict refuses to start, auto warns.
bool stdio_guard_allows_start(const std::string& mode) {
  if (mode == "off") return true;
  const bool tty = ::isatty(STDOUT_FILENO) || ::isatty(STDIN_FILENO);
  if (!tty) return true;
  if (mode == "strict") {
    spdlog::error(
        "stdin/stdout is a terminal; codex-mcp speaks MCP over pipes. Register it "
        "with an MCP client (see README) or set CODEX_MCP_STDIO_MODE=off.");
    return false;
  }
  spdlog::warn("stdin/stdout is a terminal: codex-mcp expects an MCP client on its stdio");
  return true;
}

}  // namespace

int run_server(const Options& options) {
  if (!stdio_guard_allows_start(options.stdio_mode)) return 2;
  for (const auto& warning : options.warnings) spdlog::warn("{}", warning);

  asio::io_context io{1};
  transport::FdLineWriter out(STDOUT_FILENO);
  session::SessionManager sessions(io.get_executor(), options);
  mcp::McpServer server(io.get_executor(),
                        {.name = "codex-mcp",
                         .title = "Codex MCP",
                         .version = kVersion,
                         .instructions = kInstructions},
                        tools::make_tools(sessions), tools::make_resources(sessions),
                        tools::make_resource_templates(sessions),
                        [&out](std::string line) { out.write_line(std::move(line)); });

  // One shutdown path for every trigger. stdin EOF is graceful (answer what is in flight,
  // let running turns finish, up to the drain timeout); a signal is prompt. Both then
  // interrupt what still runs, stop every child and flush the session state.
  bool stopping = false;
  auto shutdown = [&](bool graceful, const std::string& why) {
    if (stopping) return;
    stopping = true;
    spdlog::info("shutting down: {}", why);
    asio::co_spawn(
        io,
        [&, graceful]() -> asio::awaitable<void> {
          asio::steady_timer tick(io);
          const auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
          if (graceful) {
            co_await sessions.drain(deadline);
            while (server.requests_in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
              tick.expires_after(std::chrono::milliseconds(20));
              co_await tick.async_wait(asio::use_awaitable);
            }
          }
          // A signal asks for a prompt exit (within a few seconds): shorter waits.
          const auto interrupt_wait = std::chrono::milliseconds(graceful ? 3000 : 1000);
          const auto grace = std::chrono::milliseconds(graceful ? 2000 : 500);
          co_await sessions.shutdown(interrupt_wait, grace);
          io.stop();
        },
        asio::detached);
  };

  auto stdin_reader = transport::start_fd_line_reader(
      STDIN_FILENO, options.max_line_bytes, io.get_executor(),
      {.on_line =
           [&](std::string line) {
             if (!stopping) server.receive_line(line);
           },
       .on_oversized = [&](std::size_t size) { server.receive_oversized(size); },
       .on_eof = [&] { shutdown(true, "stdin closed"); }});
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (!ec) shutdown(false, signal == SIGTERM ? "SIGTERM" : "SIGINT");
  });

  sessions.start();
  spdlog::info("codex-mcp {} serving MCP on stdio (state dir {})", kVersion, options.state_dir);
  io.run();
  stdin_reader.stop();  // the reader thread must not post into a destroyed io_context
  out.flush(std::chrono::seconds(2));
  spdlog::info("bye");
  return 0;
}

}  // namespace codex_mcp::app
