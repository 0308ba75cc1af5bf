#include "codex_mcp/session/session_manager.hpp"

#include <algorithm>
#include <filesystem>
#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/appserver/codex_binary.hpp"
#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/store/session_journal.hpp"
#include "codex_mcp/util/await_detached.hpp"
#include "codex_mcp/util/environment.hpp"

namespace asio = boost::asio;

namespace codex_mcp::session {

namespace {

/// How long `codex --version` and `codex app-server --help` may take (the native binary
/// answers in a few ms; an app-server that is still running then did not refuse).
constexpr std::chrono::milliseconds kProbeTimeout{10000};

std::string random_session_id() {
  static std::mt19937_64 random{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string id = "sess_";
  for (int i = 0; i < 12; ++i) id += kHex[random() % 16];
  return id;
}

/// Runs `task(session)` for every session at once and waits for all of them.
template <typename Task>
asio::awaitable<void> for_each_in_parallel(asio::any_io_executor executor,
                                           std::vector<std::shared_ptr<Session>> sessions,
                                           Task task) {
  if (sessions.empty()) co_return;
  auto remaining = std::make_shared<std::size_t>(sessions.size());
  auto all_done =
      std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
  for (auto& session : sessions) {
    asio::co_spawn(executor, task(session), [remaining, all_done](std::exception_ptr error) {
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::warn("stopping a session failed: {}", e.what());
        }
      }
      if (--*remaining == 0) all_done->cancel();
    });
  }
  boost::system::error_code ec;
  if (*remaining > 0) co_await all_done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

/// Asks codex to end the session's turn and waits for it, both until `deadline` only: a
/// hung child must not hold the shutdown past what the client allows.
asio::awaitable<void> interrupt_and_wait(std::shared_ptr<Session> session,
                                         std::chrono::steady_clock::time_point deadline) {
  // A session still starting has no turn to interrupt yet.
  if (session->status() == Status::starting || !session->turn_running() || !session->has_child()) {
    co_return;
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) co_return;
  try {
    co_await session->interrupt(left);
  } catch (const std::exception& e) {
    spdlog::debug("session {}: interrupt at shutdown failed: {}", session->id(), e.what());
    co_return;
  }
  while (session->turn_running() && std::chrono::steady_clock::now() < deadline) {
    co_await session->wait_for_change(deadline);
  }
}

std::chrono::milliseconds until(std::chrono::steady_clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now()));
}

asio::awaitable<void> stop_child_of(std::shared_ptr<Session> session,
                                    std::chrono::milliseconds grace) {
  co_await session->stop_child("codex-mcp shut down", grace);
}

}  // namespace

SessionManager::SessionManager(asio::any_io_executor executor, const app::Options& options)
    : executor_(executor),
      options_(options),
      policy_{.idle_stop = options.idle_timeout,
              .stuck_cancel = options.stuck_timeout,
              .unload_after = options.unload_after,
              .sweep_every = options.sweep_interval},
      retention_{.max_age = options.retention_age,
                 .max_sessions = options.retention_sessions,
                 .max_bytes = options.retention_bytes},
      probe_(std::make_shared<codex::CodexProbe>(executor, kProbeTimeout)),
      sweep_timer_(executor) {}

SessionManager::~SessionManager() = default;

void SessionManager::start() {
  state_ = store::StateDir::open(options_.state_dir);
  if (!state_.writable()) {
    spdlog::warn("{}: sessions are kept in memory only and will not survive a restart",
                 state_.problem());
  } else if (!state_.owner()) {
    spdlog::warn("{}", state_.problem());
  } else {
    recover();
  }
  // The manager outlives the loop (run_server owns both), so `this` outlives the sweep.
  util::spawn_detached(executor_, nullptr, sweep_loop(), "the lifecycle sweep");
}

codex::ExecutableChoice SessionManager::executable() const {
  return codex::locate_codex({.option_path = options_.codex_path,
                              .option_command = options_.codex_command,
                              .path_variable = util::env_or_empty("PATH"),
                              .cwd = util::current_directory()});
}

void Launch::adopt(codex::CodexFacts facts) {
  exec_mode = mode == "exec" || (mode == "auto" && !facts.app_server);
  codex = std::move(facts);
}

Launch SessionManager::make_launch() const {
  Launch launch;
  const auto choice = executable();
  // The npm launcher is a Node script that spawns the native binary: running the binary
  // directly saves a Node process (~44 MB) and its start-up per session.
  if (!choice.path.empty())
    launch.command.executable = appserver::resolve_native_codex(choice.path);
  launch.unavailable_reason = choice.error;
  launch.startup_timeout = options_.startup_timeout;
  launch.mode = options_.mode;
  launch.exec_mode = options_.mode == "exec";
  launch.probe = probe_;
  if (auto known = probe_->known(launch.command.executable)) launch.adopt(std::move(*known));
  return launch;
}

asio::awaitable<Launch> SessionManager::probed_launch() const {
  auto launch = make_launch();
  if (!launch.codex && !launch.command.executable.empty()) {
    // Asked once per executable, off the loop's stack: its version, and whether it has
    // app-server (a codex-internal build without it runs its sessions through `codex exec`).
    auto facts = co_await probe_->facts(launch.command.executable);
    if (launch.mode == "auto" && !facts.app_server) {
      spdlog::warn("{} has no app-server subcommand: sessions run through `codex exec`",
                   facts.executable);
    }
    launch.adopt(std::move(facts));
  }
  co_return launch;
}

asio::awaitable<codex::Release> SessionManager::codex_release() const {
  co_return (co_await probed_launch()).release();
}

std::string SessionManager::client_mode() const {
  const auto launch = make_launch();
  if (launch.command.executable.empty()) return "none";
  if (launch.mode == "auto" && !launch.codex) {
    probe_->prefetch(launch.command.executable);  // known by the next call
    return "auto";
  }
  return launch.exec_mode ? "exec" : "app-server";
}

std::string SessionManager::new_unique_id() const {
  // Another server's sessions in a shared directory are not in our maps: the directory
  // itself is checked too, so no session's files are ever taken over.
  const auto taken = [&](const std::string& id) {
    std::error_code ec;
    return sessions_.contains(id) || on_disk_.contains(id) ||
           (state_.writable() && std::filesystem::exists(state_.sessions_path() / id, ec));
  };
  auto id = random_session_id();
  while (taken(id)) id = random_session_id();
  return id;
}

void SessionManager::ensure_accepting_work() const {
  if (stopping_) throw mcp::ToolError("CANCELLED", "codex-mcp is shutting down");
}

asio::awaitable<std::shared_ptr<Session>> SessionManager::create() {
  ensure_accepting_work();
  auto launch = co_await probed_launch();
  ensure_accepting_work();  // the server may have begun to stop meanwhile
  if (launch.command.executable.empty()) {
    throw mcp::ToolError("CODEX_NOT_FOUND", launch.unavailable_reason);
  }
  if (const auto why = codex::unsupported_reason(launch.release())) {
    throw mcp::ToolError("CODEX_NOT_FOUND", *why);
  }
  const auto id = new_unique_id();
  auto session = std::make_shared<Session>(executor_, id, std::move(launch));
  if (state_.writable()) {
    session->attach_journal(store::SessionJournal::open(executor_, state_.sessions_path() / id));
  }
  sessions_[id] = session;
  co_return session;
}

std::shared_ptr<Session> SessionManager::find(const std::string& id) {
  if (const auto it = sessions_.find(id); it != sessions_.end()) return it->second;
  if (on_disk_.contains(id)) {
    if (auto session = load(id)) return session;
  }
  throw mcp::ToolError("SESSION_NOT_FOUND",
                       "no session " + id + " (list them with codex_session action=list)");
}

std::vector<ListedSession> SessionManager::list() const {
  std::vector<ListedSession> out;
  for (const auto& [id, session] : sessions_) out.push_back({id, session->meta_json(), session});
  for (const auto& [id, disk] : on_disk_) {
    Json meta = disk.meta;
    meta["recovered"] = true;
    out.push_back({id, std::move(meta), nullptr});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.meta.value("createdAt", std::int64_t{0}) < b.meta.value("createdAt", std::int64_t{0});
  });
  return out;
}

asio::awaitable<void> SessionManager::sweep_loop() {
  for (;;) {
    sweep_timer_.expires_after(policy_.sweep_every);
    boost::system::error_code ec;
    co_await sweep_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || stopping_) co_return;
    sweep();
  }
}

void SessionManager::sweep() {
  const auto now = now_ms();
  std::vector<std::shared_ptr<Session>> loaded;
  for (const auto& [id, session] : sessions_) loaded.push_back(session);
  for (const auto& session : loaded) {
    const auto age = std::chrono::milliseconds(now - session->updated_ms());
    const auto minutes = std::to_string(age.count() / 60000);
    if (session->status() == Status::idle && session->has_child() && age > policy_.idle_stop) {
      spdlog::info("session {} idle for {} min: stopping its codex process", session->id(),
                   minutes);
      const std::string reason = "idle for " + minutes +
                                 " min: its codex process was stopped to free memory; "
                                 "codex_reply resumes the thread";
      util::spawn_detached(executor_, session,
                           session->stop_child(reason, std::chrono::milliseconds(2000)),
                           "stopping the idle child of session " + session->id());
    } else if (session->turn_running() && age > policy_.stuck_cancel) {
      spdlog::warn("session {} made no progress for {} min: cancelling", session->id(), minutes);
      const std::string reason = "stuck: no progress for " + minutes + " min";
      util::spawn_detached(executor_, session, session->cancel(reason),
                           "cancelling stuck session " + session->id());
    } else if (!session->has_child() && !session->turn_running() && age > policy_.unload_after) {
      unload(session);
    }
  }
  // The owner may have exited since we started: then the directory's upkeep is ours.
  if (state_.access() == store::StateAccess::shared && state_.try_take_ownership()) {
    spdlog::info("state: the other codex-mcp released {}; this server owns it now",
                 state_.path().string());
    recover();
  } else if (state_.owner()) {
    prune();
  }
}

asio::awaitable<void> SessionManager::drain(std::chrono::steady_clock::time_point deadline) {
  stopping_ = true;
  asio::steady_timer tick(executor_);
  for (;;) {
    bool busy = false;
    for (const auto& [id, session] : sessions_) busy = busy || session->turn_running();
    if (!busy || std::chrono::steady_clock::now() >= deadline) co_return;
    tick.expires_after(std::chrono::milliseconds(50));
    co_await tick.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> SessionManager::shutdown(std::chrono::steady_clock::time_point deadline) {
  stopping_ = true;
  sweep_timer_.cancel();
  std::vector<std::shared_ptr<Session>> loaded;
  for (const auto& [id, session] : sessions_) loaded.push_back(session);
  // First codex gets half the time to end its turns itself (status interrupted, its own
  // result); what it did not end by then is recorded as interrupted by us.
  const auto now = std::chrono::steady_clock::now();
  const auto interrupt_deadline = now + (deadline - now) / 2;
  co_await for_each_in_parallel(executor_, loaded,
                                [interrupt_deadline](std::shared_ptr<Session> s) {
                                  return interrupt_and_wait(std::move(s), interrupt_deadline);
                                });
  end_turns_now();
  // Then every child goes: stdin EOF, SIGTERM and SIGKILL, each step a third of what is
  // left (a hung child is SIGKILLed well before the deadline).
  const auto grace = std::max(std::chrono::milliseconds(10), until(deadline) / 3);
  co_await for_each_in_parallel(executor_, loaded, [grace](std::shared_ptr<Session> s) {
    return stop_child_of(std::move(s), grace);
  });
  flush_all();
}

void SessionManager::end_turns_now() {
  stopping_ = true;
  for (const auto& [id, session] : sessions_) session->end_turn_at_shutdown("codex-mcp shut down");
}

void SessionManager::flush_all() {
  for (const auto& [id, session] : sessions_) session->flush_journal();
}

}  // namespace codex_mcp::session
