// codex_setup: a readiness report — which codex runs and why, its version (whether it is
// supported, what it lacks), login status, app-server support, the config.toml files a
// session in `cwd` sees, the state directory.
#include <filesystem>

#include "codex_mcp/appserver/codex_binary.hpp"
#include "codex_mcp/codex/release.hpp"
#include "codex_mcp/process/run_capture.hpp"
#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/tools/session_tools.hpp"
#include "codex_mcp/util/environment.hpp"

namespace asio = boost::asio;

namespace codex_mcp::tools {

asio::awaitable<Json> setup_report(session::SessionManager& manager, Json arguments,
                                   mcp::ToolCallContext&) {
  const auto request = decode_setup(arguments);
  const auto cwd = request.cwd.value_or(util::current_directory());
  Json warnings = Json::array(), next_steps = Json::array();
  for (const auto& warning : manager.options().warnings) warnings.push_back(warning);

  const auto choice = manager.executable();
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
    // Version and app-server support: the facts sessions run on (probed once, cached).
    const auto facts = co_await manager.probe().facts(native);
    const auto& release = facts.release;
    report["codex"]["version"] =
        facts.version_text.empty() ? Json(nullptr) : Json(facts.version_text);
    report["codex"]["release"] =
        release.version ? Json(release.version->to_string()) : Json(nullptr);
    report["codex"]["supported"] = release.supported();
    report["codex"]["minimumVersion"] = codex::kMinimumVersion.to_string();
    report["codex"]["missingFeatures"] = release.missing_features();
    if (!facts.version_error.empty()) {
      warnings.push_back("could not read the codex version (" + facts.version_error +
                         "): taken as a current release");
    }
    if (const auto why = codex::unsupported_reason(release)) {
      ready = false;
      warnings.push_back(*why);
      next_steps.push_back("Install @openai/codex " + codex::kMinimumVersion.to_string() +
                           " or newer (npm install -g @openai/codex) or set CODEX_MCP_PATH");
    }
    const std::vector<std::string> login_args{"login", "status"};
    const auto login = co_await process::run_capture(manager.executor(), native, login_args,
                                                     std::chrono::milliseconds(15000));
    report["login"] = {{"loggedIn", login.exit_code == 0}, {"status", login.output}};
    if (login.exit_code != 0) {
      warnings.push_back(
          "codex reports no login (a model provider with its own key in "
          "config.toml can still work)");
      next_steps.push_back("Run `codex login` in a terminal");
    }
    report["appServerSupported"] = facts.app_server;
    report["clientMode"] = manager.client_mode();
    if (!facts.app_server) {
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
  const auto& state = manager.state();
  const auto& options = manager.options();
  report["stateDir"] = {{"path", options.state_dir},
                        {"access", store::to_string(state.access())},
                        {"persistent", state.writable()},
                        {"sessions", manager.session_count()},
                        {"retention",
                         {{"days", static_cast<double>(options.retention_age.count()) / 86400000.0},
                          {"maxSessions", options.retention_sessions},
                          {"maxMb", options.retention_bytes >> 20}}}};
  if (!state.problem().empty()) {
    report["stateDir"]["problem"] = state.problem();
    warnings.push_back(state.problem());
  }
  report["ready"] = ready;
  report["warnings"] = warnings;
  if (ready) next_steps.push_back("Start a session with the codex tool");
  report["nextSteps"] = next_steps;
  co_return report;
}

}  // namespace codex_mcp::tools
