#include "codex_mcp/tools/resources.hpp"

#include <chrono>
#include <string_view>

#include <sys/utsname.h>
#include <unistd.h>

#include <boost/version.hpp>

#include "codex_mcp/codex/release.hpp"
#include "codex_mcp/jsonrpc/errors.hpp"
#include "codex_mcp/mcp/server.hpp"
#include "codex_mcp/session/session_manager.hpp"
#include "codex_mcp/tools/choices.hpp"
#include "codex_mcp/tools/reply.hpp"
#include "codex_mcp/util/embedded_text.hpp"
#include "codex_mcp/util/json_text.hpp"
#include "codex_mcp/version.hpp"

namespace codex_mcp::tools {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kPinnedCodex = "0.169.0";

template <std::size_t N>
Json list(const std::string_view (&values)[N]) {
  Json out = Json::array();
  for (const auto value : values) out.push_back(value);
  return out;
}

Json describe(std::string_view name, std::string_view title, std::string_view mime,
              std::string_view description) {
  return {{"uri", "codex-mcp:///" + std::string(name)},
          {"name", name},
          {"title", title},
          {"mimeType", mime},
          {"description", description}};
}

std::string version(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

Json server_info(const Toolbox& box, std::int64_t started_ms) {
  utsname host{};
  ::uname(&host);
  Json protocols = Json::array();
  for (const auto protocol : mcp::kSupportedProtocolVersions) protocols.push_back(protocol);
  for (const auto protocol : mcp::kModernProtocolVersions) protocols.push_back(protocol);
  Json runtime = {
      {"language", "C++20"},
      {"compiler", __VERSION__},
      {"boost", version(BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100)},
      {"nlohmannJson", version(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                               NLOHMANN_JSON_VERSION_PATCH)}};
  return {{"name", "codex-mcp"},
          {"version", kVersion},
          {"protocolVersions", protocols},
          {"platform", {{"os", host.sysname}, {"release", host.release}, {"arch", host.machine}}},
          {"runtime", std::move(runtime)},
          {"pid", ::getpid()},
          {"startedAt", started_ms},
          {"stateDir", box.config.state_dir},
          {"sessions", box.sessions.session_count()},
          {"testedCodexVersion", kPinnedCodex},
          // The contract's field: which backend sessions run on.
          {"clientMode", box.codex.client_mode()}};
}

Json compat_report() {
  return {{"server", "codex-mcp"},
          {"version", kVersion},
          {"contract", "@leo000001/codex-mcp (tools, parameters, results, error codes)"},
          {"backend",
           {{"kind", "codex app-server"},
            {"testedVersion", kPinnedCodex},
            {"minimumVersion", codex::kMinimumVersion.to_string()}}},
          {"tools", {"codex_setup", "codex", "codex_reply", "codex_session", "codex_check"}},
          {"resources",
           {"codex-mcp:///server-info", "codex-mcp:///compat-report", "codex-mcp:///config",
            "codex-mcp:///gotchas", "codex-mcp:///quickstart", "codex-mcp:///errors"}},
          {"resourceTemplates", {"codex-mcp://sessions/{sessionId}/result"}},
          {"values",
           {{"approvalPolicy", list(choices::kApprovalPolicies)},
            {"sandbox", list(choices::kSandboxModes)},
            {"effort", list(choices::kReasoningEfforts)},
            {"summary", list(choices::kReasoningSummaries)},
            {"personality", list(choices::kPersonalities)},
            {"responseMode", list(choices::kResponseModes)},
            {"decision", list(choices::kDecisions)}}},
          {"features",
           {{"structuredContent", true},
            {"progressNotifications", true},
            {"cancellation", true},
            {"longPolling", true},
            {"waitForResult", true},
            {"persistence", true},
            {"resumeAfterRestart", true},
            {"fork", true},
            {"outputSchema", true},
            {"images", true},
            {"profiles", true},
            {"execFallback", true},
            // MCP 2026-07-28 tasks extension: codex/codex_reply as tasks (docs/tools.md).
            {"tasks", true}}},
          {"differences",
           {std::string("approvalPolicy on-failure is taken by codex 0.140 and older only "
                        "(codex removed it in 0.150): refused for newer releases, naming the "
                        "release"),
            "codex older than 0.80 is refused (CODEX_NOT_FOUND naming its version)",
            "profiles are <CODEX_HOME>/<name>.config.toml files, as codex 0.169 reads them",
            "idle sessions stop their codex process but stay idle; a reply resumes them",
            "a turn is cancelled after 4 hours without progress, not 4 hours in all",
            "cancelled and error sessions can be resumed with codex_reply",
            // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one sentence, two lines
            "exec mode (CODEX_MCP_MODE or --mode: auto, app-server, exec) resumes threads "
            "with codex exec resume; auto asks the codex once whether it has app-server",
            "replies are capped at 20000 bytes by default (maxBytes; also on codex and "
            "codex_reply), ids first, and link the full result as a resource",
            "pollOptions.waitMs goes up to 300000 and also waits after respond_*; with "
            "skipDeltas or finalOnly it waits for something it will show",
            "a result already returned whole is not repeated by a default poll",
            "results list the files a turn changed and carry its diff"}},
          {"errorCodes",
           {"INVALID_ARGUMENT", "SESSION_NOT_FOUND", "SESSION_BUSY", "SESSION_NOT_RUNNING",
            "REQUEST_NOT_FOUND", "CODEX_NOT_FOUND", "CODEX_ERROR", "TIMEOUT", "CANCELLED",
            "EXEC_NOT_SUPPORTED", "INTERNAL"}}};
}

mcp::ResourceDefinition guide(std::string_view name, std::string_view title,
                              std::string_view description) {
  return {describe(name, title, "text/markdown", description),
          [name] { return std::string(util::embedded_text(name)); }};
}

}  // namespace

std::vector<mcp::ResourceDefinition> make_resources(const Toolbox& box) {
  const auto started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  return {
      {describe("server-info", "Server info", "application/json",
                "Server metadata: version, platform, runtime, state directory."),
       [&box, started_ms] { return jsonrpc::to_line(server_info(box, started_ms)); }},
      {describe("compat-report", "Compatibility report", "application/json",
                "What this server supports, the values it takes, and where it differs from "
                "the TypeScript codex-mcp."),
       [] { return jsonrpc::to_line(compat_report()); }},
      guide("config", "Configuration guide",
            "How tool arguments map to codex settings, advanced.config, and the server's "
            "options."),
      guide("gotchas", "Gotchas", "Practical limits and surprises."),
      guide("quickstart", "Quickstart", "The workflow: one call for a plain task."),
      guide("errors", "Error codes", "Every error code and how to recover."),
  };
}

}  // namespace codex_mcp::tools

namespace codex_mcp::tools {

std::vector<mcp::ResourceTemplateDefinition> make_resource_templates(const Toolbox& box) {
  auto& sessions = box.sessions;
  Json descriptor = {{"uriTemplate", "codex-mcp://sessions/{sessionId}/result"},
                     {"name", "session-result"},
                     {"title", "Session result"},
                     {"mimeType", "application/json"},
                     {"description",
                      "A session's last finished turn in full: status, text, changed files, "
                      "diff (replies trim them to their size cap)."}};
  auto read = [&sessions](const std::string& uri) -> std::optional<std::string> {
    const auto id = session_of_result_uri(uri);
    if (id.empty()) return std::nullopt;
    std::shared_ptr<session::Session> session;
    try {
      session = sessions.find(id);
    } catch (const session::SessionError& e) {
      throw mcp::ResourceUnavailable(e.what());
    }
    const auto result = session->result_json();
    if (result.is_null()) {
      throw mcp::ResourceUnavailable("session " + id +
                                     " has no finished turn yet: its result appears here when "
                                     "the turn ends");
    }
    return util::json_text(result_in_reading_order(result));
  };
  return {{std::move(descriptor), std::move(read)}};
}

}  // namespace codex_mcp::tools
