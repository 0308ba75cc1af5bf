#include "codex_mcp/backend/app_server_provider.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/appserver/codex_binary.hpp"
#include "codex_mcp/appserver/exec_client.hpp"
#include "codex_mcp/codex/profile.hpp"
#include "codex_mcp/process/identity.hpp"
#include "codex_mcp/util/await_detached.hpp"
#include "codex_mcp/util/environment.hpp"

namespace asio = boost::asio;

namespace codex_mcp::backend {

namespace {

/// How long a child that failed to start gets to go before it is killed.
constexpr std::chrono::milliseconds kFailedStartGrace{2000};
/// How long a spare gets to go when it is stopped (it runs nothing).
constexpr std::chrono::milliseconds kSpareGrace{1000};
/// The wait before the next spare after `failures` in a row: 0.5 s doubling, at most 60 s.
std::chrono::milliseconds spare_backoff(int failures) {
  if (failures <= 0) return std::chrono::milliseconds(0);
  return std::min(std::chrono::milliseconds(500LL << std::min(failures - 1, 7)),
                  std::chrono::milliseconds(60000));
}

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
    : executor_(executor),
      options_(std::move(options)),
      probe_(std::move(probe)),
      backoff_(std::move(executor)) {}

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
  std::shared_ptr<Channel> channel;
  if (options_.prewarm > 0 && !exec_mode_for(&facts) && !codex::unsupported_reason(facts.release)) {
    const auto home = request.codex_home.empty() ? codex_home() : request.codex_home;
    if (auto spare = take_spare(facts, home)) channel = adopt(std::move(*spare), request, handlers);
    kick_refill();  // the one taken, or the first one
  }
  if (!channel) channel = make_channel(facts, request, std::move(handlers));
  channel->timings().opened = std::chrono::steady_clock::now();
  co_return channel;
}

std::optional<AppServerProvider::Spare> AppServerProvider::take_spare(
    const codex::CodexFacts& facts, const std::string& home) {
  for (auto it = spares_.begin(); it != spares_.end();) {
    if (it->executable != facts.executable || !it->client->running()) {
      // codex was replaced under us (another executable now), or the spare is going.
      auto stale = std::move(*it);
      it = spares_.erase(it);
      stop_spare(std::move(stale));
      continue;
    }
    if (it->codex_home == home) {
      auto spare = std::move(*it);
      spares_.erase(it);
      return spare;
    }
    ++it;
  }
  return std::nullopt;
}

std::shared_ptr<Channel> AppServerProvider::adopt(Spare spare, const ChannelRequest& request,
                                                  appserver::AppServerHandlers handlers) {
  failures_ = 0;  // a spare lived to be used
  std::optional<std::string> failure;
  Json overrides = Json::object();
  // The profile's settings and the caller's advanced.config, as make_channel would have
  // given the child: they go with thread/start, so the spare takes them now.
  if (!request.profile.empty()) {
    try {
      overrides = codex::load_profile_overrides(spare.codex_home, request.profile);
    } catch (const codex::ProfileError& e) {
      failure = e.what();
    }
  }
  if (failure) {
    spares_.push_front(std::move(spare));  // still good for another session
    throw BadSetting(*failure);
  }
  overrides.update(request.config_overrides);
  spare.client->set_config_overrides(std::move(overrides));
  spdlog::debug("session {} adopts the spare app-server (pid {})", request.session_id,
                spare.client->pid());
  auto channel = std::make_shared<Channel>(spare.client, spare.slot, false, nullptr);
  channel->attach(std::move(handlers));
  channel->set_identity(std::move(spare.identity));
  channel->timings().adopted = true;
  return channel;
}

void AppServerProvider::prewarm() {
  if (options_.prewarm > 0) kick_refill();
}

std::vector<int> AppServerProvider::spare_pids() const {
  std::vector<int> pids;
  for (const auto& spare : spares_) pids.push_back(spare.client->pid());
  return pids;
}

void AppServerProvider::kick_refill() {
  if (refilling_ || stopping_ || options_.prewarm <= 0) return;
  if (static_cast<int>(spares_.size()) >= options_.prewarm) return;
  refilling_ = true;
  util::spawn_detached(executor_, shared_from_this(), refill(), "starting a spare app-server");
}

asio::awaitable<void> AppServerProvider::refill() {
  try {
    while (!stopping_ && static_cast<int>(spares_.size()) < options_.prewarm) {
      if (const auto wait = spare_backoff(failures_); wait.count() > 0) {
        backoff_.expires_after(wait);
        boost::system::error_code ec;
        co_await backoff_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) break;
      }
      const bool started = co_await start_spare();
      if (started) continue;
      if (failures_ < 0) {
        // Nothing to start (no codex, exec mode): the next open() tries again.
        failures_ = 0;
        break;
      }
      ++failures_;
    }
  } catch (const std::exception& e) {
    spdlog::warn("no spare app-server: {}", e.what());
  }
  refilling_ = false;  // (however it ended: the next open() may start another)
}

AppServerProvider::SpareStart AppServerProvider::prepare_spare(const codex::CodexFacts& facts) {
  SpareStart out;
  out.command.executable = facts.executable;
  const auto home = codex_home();
  // As make_channel sets up a session's child, but for no session yet: no cwd (thread/start
  // carries it) and no config overrides (adopt() sets them).
  out.settings.env = options_.env;
  out.settings.env["CODEX_HOME"] = home;
  out.settings.unset_env = options_.unset_env;
  out.settings.name = "app-server spare";
  out.settings.initialize_timeout = options_.startup_timeout;
  auto slot = std::make_shared<HandlerSlot>();
  slot->target.on_exit = [weak = weak_from_this(), slot_weak = std::weak_ptr<HandlerSlot>(slot)](
                             int code, const std::string&) {
    const auto self = weak.lock();
    const auto dead = slot_weak.lock();
    if (self && dead) self->spare_exited(dead, code);
  };
  slot->attached = true;
  out.spare.client = appserver::AppServerClient::create(executor_, forward_to(slot));
  out.spare.slot = std::move(slot);
  out.spare.executable = facts.executable;
  out.spare.codex_home = home;
  return out;
}

asio::awaitable<bool> AppServerProvider::start_spare() {
  const auto choice = executable();
  if (choice.path.empty()) {
    failures_ = -1;
    co_return false;
  }
  const auto facts = co_await probe_->facts(appserver::resolve_native_codex(choice.path));
  if (exec_mode_for(&facts) || codex::unsupported_reason(facts.release)) {
    failures_ = -1;
    co_return false;
  }
  auto prepared = prepare_spare(facts);
  const auto client = prepared.spare.client;
  starting_ = client;
  std::string failure;
  try {
    co_await client->start(prepared.command, std::move(prepared.settings));
  } catch (const std::exception& e) {
    failure = e.what();
  }
  starting_.reset();
  if (!failure.empty() || stopping_) {
    if (!failure.empty()) spdlog::warn("a spare app-server did not start: {}", failure);
    prepared.spare.slot->attached = false;
    co_await client->shutdown(kFailedStartGrace);
    co_return false;
  }
  if (const auto who = process::identify(client->pid())) {
    prepared.spare.identity = process::to_json(*who);
  }
  spdlog::debug("a spare app-server is ready (pid {})", client->pid());
  spares_.push_back(std::move(prepared.spare));
  co_return true;
}

void AppServerProvider::spare_exited(const std::shared_ptr<HandlerSlot>& slot, int exit_code) {
  const auto it = std::find_if(spares_.begin(), spares_.end(),
                               [&](const Spare& spare) { return spare.slot == slot; });
  if (it == spares_.end()) return;  // being started (start_spare sees it) or stopped by us
  spdlog::warn("the spare app-server (pid {}) exited with code {}; another is started",
               it->client->pid(), exit_code);
  spares_.erase(it);
  ++failures_;
  kick_refill();
}

void AppServerProvider::stop_spare(Spare spare) {
  spare.slot->attached = false;
  auto client = std::move(spare.client);
  auto stop = [](std::shared_ptr<appserver::AppServerClient> going) -> asio::awaitable<void> {
    co_await going->shutdown(kSpareGrace);
  };
  util::spawn_detached(executor_, client, stop(client), "stopping a spare app-server");
}

asio::awaitable<void> AppServerProvider::shutdown() {
  stopping_ = true;
  backoff_.cancel();
  auto spares = std::move(spares_);
  spares_.clear();
  if (auto starting = starting_) co_await starting->shutdown(kSpareGrace);
  for (auto& spare : spares) {
    spare.slot->attached = false;
    const auto client = spare.client;
    co_await client->shutdown(kSpareGrace);
  }
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
