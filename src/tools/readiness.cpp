// The readiness report: which codex runs and why, its version, login status, app-server
// support, the config.toml files a session in `cwd` sees, the state directory. codex_setup
// answers with it (setup_tool.cpp); `codex-mcp doctor` prints it for a person.
#include "codex_mcp/tools/readiness.hpp"

#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/appserver/codex_binary.hpp"
#include "codex_mcp/process/child_process.hpp"
#include "codex_mcp/util/environment.hpp"
#include "codex_mcp/util/json_fields.hpp"

namespace asio = boost::asio;
using Json = nlohmann::json;

namespace codex_mcp::tools {

namespace {

struct Captured {
  int exit_code = -1;
  std::string output;
  std::string error;
};

/// Runs `executable args...` and collects its stdout, bounded by `timeout`.
asio::awaitable<Captured> run_capture(asio::any_io_executor executor, std::string executable,
                                      std::vector<std::string> args,
                                      std::chrono::milliseconds timeout) {
  auto result = std::make_shared<Captured>();
  auto done = std::make_shared<asio::steady_timer>(executor, timeout);
  std::shared_ptr<process::ChildProcess> child;
  try {
    process::SpawnOptions options;
    options.executable = executable;
    options.args = args;
    options.log_prefix = "codex_setup";
    child = process::ChildProcess::spawn(executor, options,
                                         {.on_line =
                                              [result](std::string line) {
                                                if (result->output.size() < 4096)
                                                  result->output += line + "\n";
                                              },
                                          .on_oversized = [](std::size_t) {},
                                          .on_exit =
                                              [result, done](int code) {
                                                result->exit_code = code;
                                                done->cancel();
                                              }});
  } catch (const std::exception& e) {
    result->error = e.what();
    co_return *result;
  }
  child->close_stdin();
  boost::system::error_code ec;
  co_await done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (result->exit_code < 0) {
    result->error = "timed out after " + std::to_string(timeout.count()) + " ms";
    co_await child->terminate_group(std::chrono::milliseconds(200));
  } else if (result->exit_code != 0 && result->output.empty()) {
    result->error = child->stderr_tail();
  }
  while (!result->output.empty() && result->output.back() == '\n') result->output.pop_back();
  co_return *result;
}

}  // namespace

asio::awaitable<Json> readiness_report(asio::any_io_executor executor, ReadinessInputs inputs,
                                       std::string cwd) {
  Json warnings = Json::array(), next_steps = Json::array();
  for (const auto& warning : inputs.options.warnings) warnings.push_back(warning);

  const auto& choice = inputs.executable;
  Json report = {
      {"codex", {{"resolvedFrom", choice.source}}}, {"cwd", cwd}, {"clientMode", "none"}};
  bool ready = !choice.path.empty();
  if (!ready) {
    report["codex"]["error"] = choice.error;
    next_steps.push_back("Install codex (npm install -g @openai/codex) or set CODEX_MCP_PATH");
  } else {
    const auto native = appserver::resolve_native_codex(choice.path);
    report["codex"]["path"] = choice.path;
    if (native != choice.path) report["codex"]["nativeBinary"] = native;
    const std::chrono::milliseconds timeout(15000);
    // Named argument lists: GCC 12 cannot compile braced literals inside co_await.
    const std::vector<std::string> version_args{"--version"}, login_args{"login", "status"},
        help_args{"app-server", "--help"};
    const auto version = co_await run_capture(executor, native, version_args, timeout);
    report["codex"]["version"] = version.exit_code == 0 ? Json(version.output) : Json(nullptr);
    if (version.exit_code != 0) {
      ready = false;
      warnings.push_back("codex --version failed: " + version.error);
    }
    const auto login = co_await run_capture(executor, native, login_args, timeout);
    report["login"] = {{"loggedIn", login.exit_code == 0}, {"status", login.output}};
    if (login.exit_code != 0) {
      warnings.push_back(
          "codex reports no login (a model provider with its own key in "
          "config.toml can still work)");
      next_steps.push_back("Run `codex login` in a terminal");
    }
    const auto help = co_await run_capture(executor, native, help_args, timeout);
    report["appServerSupported"] = help.exit_code == 0;
    const auto& mode = inputs.options.mode;
    report["clientMode"] = inputs.client_mode.value_or(
        mode != "auto" ? mode : (help.exit_code == 0 ? "app-server" : "exec"));
    if (help.exit_code != 0) {
      warnings.push_back(
          "this codex has no `app-server` subcommand: sessions run through `codex exec` "
          "(no approvals, fork or background terminals; install @openai/codex >= 0.154 for "
          "everything)");
    }
  }
  Json configs = Json::array();
  for (const auto& file : codex::visible_config_files(cwd, util::env_or_empty("CODEX_HOME"),
                                                      util::env_or_empty("HOME"))) {
    configs.push_back({{"path", file.path}, {"scope", file.scope}});
  }
  report["configFiles"] = configs;
  if (configs.empty()) warnings.push_back("no config.toml is visible; codex uses its defaults");
  const auto& options = inputs.options;
  report["stateDir"] = std::move(inputs.state_dir);
  report["stateDir"]["retention"] = {
      {"days", static_cast<double>(options.retention_age.count()) / 86400000.0},
      {"maxSessions", options.retention_sessions},
      {"maxMb", options.retention_bytes >> 20}};
  if (const auto problem = util::string_field(report["stateDir"], "problem"); !problem.empty()) {
    warnings.push_back(problem);
  }
  report["ready"] = ready;
  report["warnings"] = warnings;
  if (ready) next_steps.push_back("Start a session with the codex tool");
  report["nextSteps"] = next_steps;
  co_return report;
}

}  // namespace codex_mcp::tools
