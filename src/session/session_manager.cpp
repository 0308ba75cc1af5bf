#include "codex_mcp/session/session_manager.hpp"

#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/appserver/codex_binary.hpp"
#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/util/environment.hpp"

namespace asio = boost::asio;

namespace codex_mcp::session {

namespace {

std::string new_session_id() {
  static std::mt19937_64 random{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string id = "sess_";
  for (int i = 0; i < 12; ++i) id += kHex[random() % 16];
  return id;
}

}  // namespace

SessionManager::SessionManager(asio::any_io_executor executor, const app::Options& options)
    : executor_(executor), options_(options), sweep_timer_(executor) {}

SessionManager::~SessionManager() = default;

void SessionManager::start() {
  asio::co_spawn(executor_, sweep_loop(), asio::detached);
}

codex::ExecutableChoice SessionManager::executable() const {
  return codex::locate_codex({.option_path = options_.codex_path,
                              .option_command = options_.codex_command,
                              .path_variable = util::env_or_empty("PATH"),
                              .cwd = util::current_directory()});
}

std::shared_ptr<Session> SessionManager::create() {
  if (stopping_) throw mcp::ToolError("CANCELLED", "codex-mcp is shutting down");
  const auto choice = executable();
  if (choice.path.empty()) throw mcp::ToolError("CODEX_NOT_FOUND", choice.error);
  Launch launch;
  // The npm launcher is a Node script that spawns the native binary: running the binary
  // directly saves a Node process (~44 MB) and its start-up per session.
  launch.command.executable = appserver::resolve_native_codex(choice.path);
  launch.startup_timeout = options_.startup_timeout;
  auto id = new_session_id();
  while (sessions_.contains(id)) id = new_session_id();
  auto session = std::make_shared<Session>(executor_, id, std::move(launch));
  sessions_[id] = session;
  return session;
}

std::shared_ptr<Session> SessionManager::find(const std::string& id) const {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    throw mcp::ToolError("SESSION_NOT_FOUND",
                         "no session " + id + " (list them with codex_session action=list)");
  }
  return it->second;
}

std::vector<std::shared_ptr<Session>> SessionManager::all() const {
  std::vector<std::shared_ptr<Session>> out;
  for (const auto& [id, session] : sessions_) out.push_back(session);
  return out;
}

void SessionManager::remove(const std::string& id) {
  sessions_.erase(id);
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
  for (const auto& session : all()) {
    const auto age = std::chrono::milliseconds(now - session->updated_ms());
    const auto status = session->status();
    if (status == Status::idle && age > policy_.idle_cancel) {
      spdlog::info("session {} idle for {} min: cancelling", session->id(), age.count() / 60000);
      asio::co_spawn(executor_, session->cancel("idle timeout"), asio::detached);
    } else if (session->turn_running() && age > policy_.running_cancel) {
      spdlog::warn("session {} stuck for {} h: cancelling", session->id(), age.count() / 3600000);
      asio::co_spawn(executor_, session->cancel("stuck: no progress for 4 hours"), asio::detached);
    } else if ((status == Status::cancelled || status == Status::error) &&
               age > policy_.finished_remove) {
      remove(session->id());
    }
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

asio::awaitable<void> SessionManager::shutdown() {
  stopping_ = true;
  sweep_timer_.cancel();
  for (const auto& session : all()) {
    const std::string reason = "codex-mcp is shutting down";
    co_await session->cancel(reason);
  }
}

}  // namespace codex_mcp::session
