// The readiness report: which codex runs and why, its version, login status, app-server
// support, the config.toml files a session in `cwd` sees, the state directory. codex_setup
// answers with it (setup_tool.cpp); `codex-mcp doctor` prints it for a person.
#include "codex_mcp/tools/readiness.hpp"

#include <filesystem>

#include "codex_mcp/appserver/codex_binary.hpp"
#include "codex_mcp/codex/login.hpp"
#include "codex_mcp/codex/probe.hpp"
#include "codex_mcp/codex/release.hpp"
#include "codex_mcp/util/environment.hpp"
#include "codex_mcp/util/json_fields.hpp"

namespace asio = boost::asio;
using Json = nlohmann::json;

namespace codex_mcp::tools {

asio::awaitable<Json> readiness_report(asio::any_io_executor executor, ReadinessInputs inputs,
                                       std::string cwd) {
  Json warnings = Json::array(), next_steps = Json::array();
  for (const auto& warning : inputs.config.warnings) warnings.push_back(warning);

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
    // Version and app-server support: the facts sessions run on (probed once, cached).
    const auto facts = co_await inputs.probe->facts(native);
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
    const auto login =
        co_await codex::login_status(executor, native, std::chrono::milliseconds(15000));
    report["login"] = {{"loggedIn", login.logged_in}, {"status", login.status}};
    if (!login.logged_in) {
      warnings.push_back(
          "codex reports no login (a model provider with its own key in "
          "config.toml can still work)");
      next_steps.push_back("Run `codex login` in a terminal");
    }
    report["appServerSupported"] = facts.app_server;
    const auto& mode = inputs.config.mode;
    report["clientMode"] = mode != "auto" ? mode : (facts.app_server ? "app-server" : "exec");
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
  const auto& retention = inputs.config.retention;
  report["stateDir"] = std::move(inputs.state_dir);
  report["stateDir"]["retention"] = {
      {"days", static_cast<double>(retention.max_age.count()) / 86400000.0},
      {"maxSessions", retention.max_sessions},
      {"maxMb", retention.max_bytes >> 20}};
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
