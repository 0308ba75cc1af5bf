#include "codex_mcp/app/server_app.hpp"

#include <csignal>
#include <functional>

#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/backend/app_server_provider.hpp"
#include "codex_mcp/backend/exec_provider.hpp"
#include "codex_mcp/mcp/server.hpp"
#include "codex_mcp/process/child_process.hpp"
#include "codex_mcp/process/reaper.hpp"
#include "codex_mcp/session/session_manager.hpp"
#include "codex_mcp/tools/person_approvals.hpp"
#include "codex_mcp/tools/refusals.hpp"
#include "codex_mcp/tools/registry.hpp"
#include "codex_mcp/tools/resources.hpp"
#include "codex_mcp/tools/tasks.hpp"
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

// Budgets of the shutdown. MCP clients allow little: Claude Code sends SIGINT, SIGTERM
// 100 ms later and SIGKILL 400 ms after that; the TypeScript SDK closes stdin and sends
// SIGTERM 2 s later. Each budget leaves room for the process to exit after it.
constexpr std::chrono::milliseconds kNoDrain{0};
constexpr std::chrono::milliseconds kSignalStopBudget{250};
constexpr std::chrono::milliseconds kEofStopBudget{600};
constexpr std::chrono::milliseconds kDeadlineSlack{50};  // then the fast path
constexpr std::chrono::milliseconds kLeftoverGrace{50};
constexpr std::chrono::milliseconds kStdoutFlush{100};

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    case SIGQUIT:
      return "SIGQUIT";
  }
  return "signal " + std::to_string(signal);
}

/// Runs the loop until it is stopped. An exception escaping a handler is a bug, but one
/// line of input must never end the server: it is logged and the loop goes on.
void run_until_stopped(asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("an event handler failed (the server goes on): {}", e.what());
    }
  }
}

/// How long `codex --version` and `codex app-server --help` may take (the native binary
/// answers in a few ms; an app-server that is still running then did not refuse).
constexpr std::chrono::milliseconds kProbeTimeout{10000};

}  // namespace

int run_server(const Options& options) {
  if (!stdio_guard_allows_start(options.stdio_mode)) return 2;
  for (const auto& warning : options.warnings) spdlog::warn("{}", warning);
  // Before any child exists: every descendant, wherever it goes, stays ours to end.
  process::become_subreaper();

  asio::io_context io{1};
  transport::FdLineWriter out(STDOUT_FILENO);
  // The sessions get their codex from the app-server provider; how a refusal of codex
  // is put into words is the tool contract's.
  auto probe = std::make_shared<codex::CodexProbe>(io.get_executor(), kProbeTimeout);
  // --mode exec has a provider of its own; app-server and auto share one (auto falls back
  // to exec channels for a codex without app-server).
  const backend::AppServerProviderOptions provider_options{
      .codex_path = options.codex_path,
      .codex_command = options.codex_command,
      .mode = options.mode,
      .startup_timeout = options.startup_timeout,
      .prewarm = options.prewarm};
  const auto provider = options.mode == "exec" ? std::make_shared<backend::ExecProvider>(
                                                     io.get_executor(), provider_options, probe)
                                               : std::make_shared<backend::AppServerProvider>(
                                                     io.get_executor(), provider_options, probe);
  session::SessionManager sessions({.executor = io.get_executor(),
                                    .provider = provider,
                                    .wording = {.param = tools::describe_param_refusal,
                                                .config = tools::describe_config_refusal}},
                                   {.state_dir = options.state_dir,
                                    .lifecycle = {.idle_stop = options.idle_timeout,
                                                  .stuck_cancel = options.stuck_timeout,
                                                  .unload_after = options.unload_after,
                                                  .sweep_every = options.sweep_interval},
                                    .retention = {.max_age = options.retention_age,
                                                  .max_sessions = options.retention_sessions,
                                                  .max_bytes = options.retention_bytes}});
  // Approvals for the person (--approvals): told of the sessions the tools drive, and
  // given the client once the server exists.
  const auto person = tools::PersonApprovals::create(io.get_executor(), options.approvals);
  const tools::Toolbox toolbox{
      .sessions = sessions,
      .watch = person->watcher(),
      .codex = {.executable = [provider] { return provider->executable(); },
                .probe = probe,
                .client_mode = [provider] { return provider->client_mode(); }},
      .config = {.state_dir = options.state_dir,
                 .mode = options.mode,
                 .warnings = options.warnings,
                 .retention = {.max_age = options.retention_age,
                               .max_sessions = options.retention_sessions,
                               .max_bytes = options.retention_bytes}}};
  mcp::McpServer server(io.get_executor(),
                        {.name = "codex-mcp",
                         .title = "Codex MCP",
                         .version = kVersion,
                         .instructions = kInstructions},
                        tools::make_tools(toolbox), tools::make_resources(toolbox),
                        tools::make_resource_templates(toolbox),
                        [&out](std::string line) { out.write_line(std::move(line)); });
  person->connect(server.client_requests());
  // codex and codex_reply as MCP tasks, for modern clients that declare the extension.
  // A task never outlives the session it follows: its ttl is at most the retention age.
  auto task_ttl = options.task_ttl;
  if (options.retention_age.count() > 0) task_ttl = std::min(task_ttl, options.retention_age);
  const auto tasks = std::make_shared<tools::SessionTasks>(
      sessions, tools::TaskOptions{.person = options.approvals != "caller", .ttl = task_ttl});
  server.set_task_source(tasks);

  // One shutdown path for every trigger. stdin EOF is graceful: what is in flight is
  // answered and running turns may finish, up to the drain timeout. A signal is prompt:
  // MCP clients SIGKILL 500 ms after their first signal. Both then interrupt what still
  // runs, record it as interrupted, stop every child and flush the session state, all by
  // a deadline; a second signal, or a missed deadline, takes the fast path: turns are
  // recorded as interrupted at once and the loop stops (children are ended after it).
  bool stopping = false;
  bool fast = false;
  asio::steady_timer hard_stop(io);
  const auto fast_path = [&](const std::string& why) {
    fast = true;
    spdlog::info("shutting down now: {}", why);
    sessions.end_turns_now();
    io.stop();
  };
  auto shutdown = [&](bool graceful, const std::string& why) {
    if (stopping) return fast_path(why);
    stopping = true;
    spdlog::info("shutting down: {}", why);
    const auto now = std::chrono::steady_clock::now();
    const auto drain_until = now + (graceful ? options.drain_timeout : kNoDrain);
    const auto deadline = drain_until + (graceful ? kEofStopBudget : kSignalStopBudget);
    hard_stop.expires_at(deadline + kDeadlineSlack);
    hard_stop.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) fast_path("shutdown deadline passed");
    });
    asio::co_spawn(
        io,
        [&, graceful, drain_until, deadline]() -> asio::awaitable<void> {
          asio::steady_timer tick(io);
          if (graceful) {
            co_await sessions.drain(drain_until);
            while (server.requests_in_flight() > 0 &&
                   std::chrono::steady_clock::now() < drain_until) {
              tick.expires_after(std::chrono::milliseconds(20));
              co_await tick.async_wait(asio::use_awaitable);
            }
          }
          co_await sessions.shutdown(deadline);
          co_await provider->shutdown();  // the spares
        },
        // Whatever happened in there, the server stops: an exception must not leave it
        // running with nobody to talk to.
        [&](std::exception_ptr error) {
          if (error) {
            try {
              std::rethrow_exception(error);
            } catch (const std::exception& e) {
              spdlog::error("shutdown failed: {}", e.what());
            }
            sessions.end_turns_now();
          }
          io.stop();
        });
  };

  auto stdin_reader = transport::start_fd_line_reader(
      STDIN_FILENO, options.max_line_bytes, io.get_executor(),
      {.on_line =
           [&](std::string line) {
             if (!stopping) server.receive_line(line);
           },
       .on_oversized = [&](std::size_t size) { server.receive_oversized(size); },
       .on_eof = [&] { shutdown(true, "stdin closed"); }});
  // SIGHUP: the terminal or the client's session went away; SIGQUIT: asked to quit. Both
  // end the server as SIGTERM does, rather than killing it with nothing recorded.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.add(SIGHUP);
  signals.add(SIGQUIT);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        shutdown(false, signal_name(signal));
        signals.async_wait(on_signal);  // a second one takes the fast path
      };
  signals.async_wait(on_signal);
  // Adopted descendants (see process/reaper) are waited for as they exit.
  asio::signal_set child_exits(io, SIGCHLD);
  std::function<void(const boost::system::error_code&, int)> on_child_exit =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        process::reap_adopted(process::ChildProcess::is_unreaped_child);
        child_exits.async_wait(on_child_exit);
      };
  child_exits.async_wait(on_child_exit);

  sessions.start();
  tasks->load();
  provider->prewarm();
  spdlog::info("codex-mcp {} serving MCP on stdio (state dir {})", kVersion, options.state_dir);
  run_until_stopped(io);
  // Shutting down: a client's next signal (Claude Code sends SIGTERM 100 ms after SIGINT)
  // must not kill us halfway through the exit once the loop no longer handles it.
  // (Asio restores the default action when a signal_set lets go of a signal: first that.)
  boost::system::error_code ignored;
  signals.clear(ignored);
  for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(signal, SIG_IGN);
  stdin_reader.stop();  // the reader thread must not post into a destroyed io_context
  sessions.flush_all();
  // Whatever is left (children the fast path did not wait for, helpers they left behind)
  // goes now, before we exit.
  // (On the fast path there is no time for a SIGTERM to be heeded: SIGKILL at once.)
  process::end_all_descendants(fast ? std::chrono::milliseconds(0) : kLeftoverGrace);
  out.flush(kStdoutFlush);
  spdlog::info("bye");
  return 0;
}

}  // namespace codex_mcp::app
