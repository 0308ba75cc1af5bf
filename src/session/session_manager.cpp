#include "codex_mcp/session/session_manager.hpp"

#include <algorithm>
#include <filesystem>
#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/store/session_journal.hpp"
#include "codex_mcp/util/await_detached.hpp"

namespace asio = boost::asio;

namespace codex_mcp::session {

namespace {

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

SessionManager::SessionManager(SessionServices services, ManagerOptions options)
    : services_(std::move(services)),
      options_(std::move(options)),
      sweep_timer_(services_.executor) {}

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
  util::spawn_detached(services_.executor, nullptr, sweep_loop(), "the lifecycle sweep");
}

asio::awaitable<codex::Release> SessionManager::codex_release() const {
  bool available = true;
  try {
    co_await services_.provider->ensure_available();
  } catch (const backend::CodexUnavailable&) {
    available = false;  // (the start says so: this only asks which release runs)
  }
  co_return available ? services_.provider->release() : codex::Release{};
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
  if (stopping_) throw SessionError(ErrorKind::cancelled, "codex-mcp is shutting down");
}

asio::awaitable<std::shared_ptr<Session>> SessionManager::create() {
  ensure_accepting_work();
  std::string unavailable;
  try {
    co_await services_.provider->ensure_available();
  } catch (const backend::CodexUnavailable& e) {
    unavailable = e.what();
  }
  if (!unavailable.empty()) throw SessionError(ErrorKind::codex_unavailable, unavailable);
  ensure_accepting_work();  // the server may have begun to stop meanwhile
  const auto id = new_unique_id();
  auto session = std::make_shared<Session>(services_, id);
  if (state_.writable()) {
    session->attach_journal(
        store::SessionJournal::open(services_.executor, state_.sessions_path() / id));
  }
  sessions_[id] = session;
  co_return session;
}

std::shared_ptr<Session> SessionManager::find(const std::string& id) {
  if (const auto it = sessions_.find(id); it != sessions_.end()) return it->second;
  if (on_disk_.contains(id)) {
    if (auto session = load(id)) return session;
  }
  throw SessionError(ErrorKind::not_found,
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
    sweep_timer_.expires_after(options_.lifecycle.sweep_every);
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
    if (session->status() == Status::idle && session->has_child() &&
        age > options_.lifecycle.idle_stop) {
      spdlog::info("session {} idle for {} min: stopping its codex process", session->id(),
                   minutes);
      const std::string reason = "idle for " + minutes +
                                 " min: its codex process was stopped to free memory; "
                                 "codex_reply resumes the thread";
      util::spawn_detached(services_.executor, session,
                           session->stop_child(reason, std::chrono::milliseconds(2000)),
                           "stopping the idle child of session " + session->id());
    } else if (session->turn_running() && age > options_.lifecycle.stuck_cancel) {
      spdlog::warn("session {} made no progress for {} min: cancelling", session->id(), minutes);
      const std::string reason = "stuck: no progress for " + minutes + " min";
      util::spawn_detached(services_.executor, session, session->cancel(reason),
                           "cancelling stuck session " + session->id());
    } else if (!session->has_child() && !session->turn_running() &&
               age > options_.lifecycle.unload_after) {
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

asio::awaitable<void> SessionManager::any_change(std::chrono::steady_clock::time_point deadline) {
  asio::steady_timer wake(services_.executor, deadline);
  std::vector<ChangeFeed::Subscription> subscriptions;
  for (const auto& [id, session] : sessions_) {
    subscriptions.push_back(session->changes().subscribe([&wake](unsigned) { wake.cancel(); }));
  }
  boost::system::error_code ec;
  co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> SessionManager::drain(std::chrono::steady_clock::time_point deadline) {
  stopping_ = true;
  for (;;) {
    bool busy = false;
    for (const auto& [id, session] : sessions_) busy = busy || session->turn_running();
    if (!busy || std::chrono::steady_clock::now() >= deadline) co_return;
    co_await any_change(deadline);
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
  co_await for_each_in_parallel(services_.executor, loaded,
                                [interrupt_deadline](std::shared_ptr<Session> s) {
                                  return interrupt_and_wait(std::move(s), interrupt_deadline);
                                });
  end_turns_now();
  // Then every child goes: stdin EOF, SIGTERM and SIGKILL, each step a third of what is
  // left (a hung child is SIGKILLed well before the deadline).
  const auto grace = std::max(std::chrono::milliseconds(10), until(deadline) / 3);
  co_await for_each_in_parallel(services_.executor, loaded, [grace](std::shared_ptr<Session> s) {
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
