// `codex-mcp doctor`: the codex_setup readiness report (tools/readiness), for a person.
// The state directory is looked at, not opened: no lock is taken and nothing is created.
#include <iostream>

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "codex_mcp/codex/locate.hpp"
#include "codex_mcp/tools/readiness.hpp"
#include "codex_mcp/util/environment.hpp"
#include "codex_mcp/util/json_fields.hpp"
#include "commands.hpp"
#include "state_view.hpp"

namespace asio = boost::asio;

namespace codex_mcp::cli {

namespace {

namespace fs = std::filesystem;
using util::string_field;

/// What a server would find in the state directory, without opening it.
Json inspect_state_dir(const std::string& path) {
  Json report = {{"path", path}};
  std::error_code ec;
  const bool exists = fs::is_directory(path, ec);
  // A server creates the directory: it must exist and be writable, or its nearest
  // existing ancestor must be.
  fs::path probe = path;
  while (!probe.empty() && !fs::exists(probe, ec) && probe != probe.parent_path()) {
    probe = probe.parent_path();
  }
  const bool writable = !probe.empty() && ::access(probe.c_str(), W_OK | X_OK) == 0;
  report["exists"] = exists;
  report["persistent"] = writable;
  if (!writable) {
    report["problem"] = "the state directory " + path +
                        " cannot be created or written: sessions would live in memory only";
  }
  std::vector<std::string> warnings;
  const auto sessions = sessions_newest_first(path, warnings);
  std::size_t running = 0;
  for (const auto& stored : sessions) running += turn_in_progress(stored.meta) ? 1 : 0;
  report["sessions"] = sessions.size();
  report["turnsInProgress"] = running;
  report["skippedEntries"] = warnings.size();
  return report;
}

}  // namespace

int doctor_command(const app::Options& options, const Terminal& terminal) {
  asio::io_context io;
  tools::ReadinessInputs inputs{
      .config = {.state_dir = options.state_dir,
                 .mode = options.mode,
                 .warnings = options.warnings,
                 .retention = {.max_age = options.retention_age,
                               .max_sessions = options.retention_sessions,
                               .max_bytes = options.retention_bytes}},
      .executable = codex::locate_codex({.option_path = options.codex_path,
                                         .option_command = options.codex_command,
                                         .path_variable = util::env_or_empty("PATH"),
                                         .cwd = util::current_directory()}),
      .probe = std::make_shared<codex::CodexProbe>(io.get_executor(), std::chrono::seconds(15)),
      .state_dir = inspect_state_dir(options.state_dir)};
  Json report;
  asio::co_spawn(
      io, tools::readiness_report(io.get_executor(), std::move(inputs), util::current_directory()),
      [&report](std::exception_ptr error, Json result) {
        if (!error) report = std::move(result);
      });
  io.run();
  if (!report.is_object()) {
    std::cerr << "codex-mcp: the readiness check failed\n";
    return 1;
  }

  const auto row = [&](const std::string& name, const std::string& value) {
    std::cout << terminal.bold(name) << std::string(name.size() < 11 ? 11 - name.size() : 1, ' ')
              << value << "\n";
  };
  const auto ok = [&](bool good) { return good ? terminal.green("✓") : terminal.red("✗"); };
  const auto& codex = report["codex"];
  if (const auto path = string_field(codex, "path"); !path.empty()) {
    row("codex", ok(true) + " " + path +
                     terminal.dim(" (from " + string_field(codex, "resolvedFrom") + ")"));
    if (const auto native = string_field(codex, "nativeBinary"); !native.empty()) {
      row("", terminal.dim("runs " + native));
    }
    const auto version = string_field(codex, "version");
    row("version",
        ok(!version.empty()) + " " + (version.empty() ? "codex --version failed" : version));
    row("mode",
        string_field(report, "clientMode") +
            (report.value("appServerSupported", false) ? "" : terminal.dim(" (no app-server)")));
    const auto login = report.value("login", Json::object());
    const auto status = string_field(login, "status");
    row("login",
        ok(login.value("loggedIn", false)) + " " + (status.empty() ? "not logged in" : status));
  } else {
    row("codex", ok(false) + " not found: " + string_field(codex, "error"));
  }
  const auto configs = report.value("configFiles", Json::array());
  if (configs.empty()) row("config", terminal.dim("no config.toml visible (codex defaults)"));
  for (std::size_t i = 0; i < configs.size(); ++i) {
    row(i == 0 ? "config" : "", string_field(configs[i], "path") +
                                    terminal.dim(" (" + string_field(configs[i], "scope") + ")"));
  }
  const auto& state = report["stateDir"];
  std::string state_line = ok(state.value("persistent", false)) + " " + string_field(state, "path");
  if (!state.value("exists", false)) {
    state_line += terminal.dim(" (not created yet)");
  } else {
    state_line += ": " + std::to_string(state.value("sessions", 0)) + " session(s), " +
                  std::to_string(state.value("turnsInProgress", 0)) + " turn(s) running";
  }
  row("state", state_line);
  for (const auto& warning : report.value("warnings", Json::array())) {
    std::cout << terminal.yellow("warning: ") << warning.get<std::string>() << "\n";
  }
  std::cout << (report.value("ready", false) ? terminal.green("Ready.")
                                             : terminal.red("Not ready."))
            << "\n";
  for (const auto& step : report.value("nextSteps", Json::array())) {
    std::cout << "  → " << step.get<std::string>() << "\n";
  }
  return report.value("ready", false) ? 0 : 1;
}

}  // namespace codex_mcp::cli
