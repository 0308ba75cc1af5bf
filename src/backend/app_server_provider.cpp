#include "codex_mcp/backend/app_server_provider.hpp"

#include <spdlog/spdlog.h>

#include "codex_mcp/appserver/codex_binary.hpp"
#include "codex_mcp/appserver/exec_client.hpp"
#include "codex_mcp/codex/profile.hpp"
#include "codex_mcp/process/identity.hpp"
#include "codex_mcp/util/environment.hpp"

namespace asio = boost::asio;

namespace codex_mcp::backend {

namespace {

/// How long a child that failed to start gets to go before it is killed.
constexpr std::chrono::milliseconds kFailedStartGrace{2000};

std::string startup_timeout_failure(const std::string& what, const std::string& executable) {
  return "could not start codex: " + what + ". Check that `" + executable +
         " app-server` starts from a shell with this environment and that its config.toml "
         "loads (the codex-mcp log has the child's stderr); if codex is only slow to start "
         "here, raise --startup-timeout-ms / CODEX_MCP_STARTUP_TIMEOUT_MS.";
}

/// Spawns the channel's process and does the handshake; on failure stops it and throws
/// OpenFailed with what it said.
asio::awaitable<void> start_process(std::shared_ptr<Channel> channel,
                                    appserver::CodexCommand command,
                                    appserver::AppServerSettings settings) {
  const auto codex = channel->codex();
  std::string failure;  // (no co_await inside a catch block)
  try {
    co_await codex->start(command, std::move(settings));
  } catch (const appserver::StartupTimeout& e) {
    failure = startup_timeout_failure(e.what(), command.executable);
  } catch (const std::exception& e) {
    failure = std::string("could not start codex: ") + e.what();
  }
  if (!failure.empty()) {
    // Read before the stop: whether it exited on its own, and what it said.
    OpenFailed error(failure, codex->stderr_tail(), codex->exit_code());
    co_await channel->close(kFailedStartGrace);  // its end is ours, not news for the session
    throw error;
  }
  channel->timings().spawned = codex->spawned_at();
  channel->timings().initialized = std::chrono::steady_clock::now();
  if (codex->pid() > 0) {
    if (const auto who = process::identify(codex->pid()))
      channel->set_identity(process::to_json(*who));
  }
}

}  // namespace

AppServerProvider::AppServerProvider(asio::any_io_executor executor,
                                     AppServerProviderOptions options,
                                     std::shared_ptr<codex::CodexProbe> probe)
    : executor_(std::move(executor)), options_(std::move(options)), probe_(std::move(probe)) {}

codex::ExecutableChoice AppServerProvider::executable() const {
  return codex::locate_codex({.option_path = options_.codex_path,
                              .option_command = options_.codex_command,
                              .path_variable = util::env_or_empty("PATH"),
                              .cwd = util::current_directory()});
}

std::string AppServerProvider::command_path() const {
  const auto choice = executable();
  // The npm launcher is a Node script that spawns the native binary: running the binary
  // directly saves a Node process (~44 MB) and its start-up per session.
  return choice.path.empty() ? std::string() : appserver::resolve_native_codex(choice.path);
}

std::optional<codex::CodexFacts> AppServerProvider::known_facts() const {
  const auto path = command_path();
  if (path.empty()) return std::nullopt;
  return probe_->known(path);
}

bool AppServerProvider::exec_mode_for(const codex::CodexFacts* facts) const {
  return options_.mode == "exec" || (options_.mode == "auto" && facts && !facts->app_server);
}

codex::Release AppServerProvider::release() const {
  const auto facts = known_facts();
  return facts ? facts->release : codex::Release{};
}

bool AppServerProvider::exec_mode() const {
  const auto facts = known_facts();
  return exec_mode_for(facts ? &*facts : nullptr);
}

std::string AppServerProvider::codex_home() const {
  const auto configured = options_.env.find("CODEX_HOME");
  return configured != options_.env.end() ? configured->second : util::codex_home();
}

std::string AppServerProvider::client_mode() const {
  const auto path = command_path();
  if (path.empty()) return "none";
  const auto facts = probe_->known(path);
  if (options_.mode == "auto" && !facts) {
    probe_->prefetch(path);  // known by the next call
    return "auto";
  }
  return exec_mode_for(facts ? &*facts : nullptr) ? "exec" : "app-server";
}

asio::awaitable<void> AppServerProvider::ensure_available() {
  const auto choice = executable();
  if (choice.path.empty()) throw CodexUnavailable(choice.error);
  const auto path = appserver::resolve_native_codex(choice.path);
  const bool probed_before = probe_->known(path).has_value();
  // Asked once per executable, off the loop's stack: its version, and whether it has
  // app-server (a codex-internal build without it runs its sessions through `codex exec`).
  const auto facts = co_await probe_->facts(path);
  if (!probed_before && options_.mode == "auto" && !facts.app_server) {
    spdlog::warn("{} has no app-server subcommand: sessions run through `codex exec`",
                 facts.executable);
  }
  if (const auto why = codex::unsupported_reason(facts.release)) throw CodexUnavailable(*why);
}

asio::awaitable<std::shared_ptr<Channel>> AppServerProvider::open(
    ChannelRequest request, appserver::AppServerHandlers handlers) {
  const auto choice = executable();
  if (choice.path.empty()) {
    throw CodexUnavailable(choice.error.empty() ? std::string("no codex executable found")
                                                : choice.error);
  }
  // A session restored before codex was probed probes now.
  const auto facts = co_await probe_->facts(appserver::resolve_native_codex(choice.path));
  auto channel = make_channel(facts, request, std::move(handlers));
  channel->timings().opened = std::chrono::steady_clock::now();
  co_return channel;
}

std::shared_ptr<Channel> AppServerProvider::make_channel(const codex::CodexFacts& facts,
                                                         const ChannelRequest& request,
                                                         appserver::AppServerHandlers handlers) {
  if (const auto why = codex::unsupported_reason(facts.release)) throw CodexUnavailable(*why);
  const bool exec = exec_mode_for(&facts);
  appserver::CodexCommand command;
  command.executable = facts.executable;

  appserver::AppServerSettings settings;
  // The profile's settings first, the caller's advanced.config over them (read again for
  // every child, so a resumed session sees the profile as it is now).
  const auto home = request.codex_home.empty() ? codex_home() : request.codex_home;
  settings.config_overrides = Json::object();
  if (!request.profile.empty()) {
    try {
      settings.config_overrides = codex::load_profile_overrides(home, request.profile);
    } catch (const codex::ProfileError& e) {
      throw BadSetting(e.what());
    }
  }
  settings.config_overrides.update(request.config_overrides);
  settings.env = options_.env;
  settings.env["CODEX_HOME"] = home;
  settings.unset_env = options_.unset_env;
  settings.cwd = request.cwd;
  settings.name = "app-server " + request.session_id;
  settings.initialize_timeout = options_.startup_timeout;

  auto slot = std::make_shared<HandlerSlot>();
  slot->target = std::move(handlers);
  slot->attached = true;
  std::shared_ptr<appserver::CodexBackend> codex;
  if (exec) {
    codex = appserver::ExecClient::create(executor_, forward_to(slot));
  } else {
    codex = appserver::AppServerClient::create(executor_, forward_to(slot));
  }
  auto starter = [command = std::move(command),
                  settings = std::move(settings)](std::shared_ptr<Channel> channel) {
    return start_process(std::move(channel), command, settings);
  };
  return std::make_shared<Channel>(std::move(codex), std::move(slot), exec, std::move(starter));
}

}  // namespace codex_mcp::backend
