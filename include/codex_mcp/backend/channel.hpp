// Channel: one session's line to its codex (an app-server child, or exec mode's per-turn
// `codex exec`), as a provider hands it over: bound to the session's handlers, and started
// (spawned and initialized) by start().
//
// The channel is what makes a replaced process harmless: a session may outlive several of
// them (a reply resumes the thread in a new one), and what an old one still says while it
// is being stopped must not reach the session. Once closed (or dropped) a channel's
// handlers are detached, so nothing of its process reaches anyone again.
// Threading: the loop thread only.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/appserver/client.hpp"
#include "codex_mcp/appserver/requests.hpp"

namespace codex_mcp::backend {

using Json = nlohmann::json;

/// Where a process's handlers point. A provider creates the process with handlers that
/// forward here, so the session behind them can be set after the process started (a spare
/// started before any session asked) and cut off when the channel closes.
struct HandlerSlot {
  appserver::AppServerHandlers target;
  bool attached = false;
};

/// Handlers that forward to `slot` while it is attached, and drop everything otherwise
/// (server requests are answered with an error then).
appserver::AppServerHandlers forward_to(std::shared_ptr<HandlerSlot> slot);

/// When each step of a session's start happened (steady clock; unset: not reached). Filled
/// only while debug logging is on (a session start logs one line of phases from it): the
/// provider stamps the process side, the session the thread and the turn.
struct StartTimings {
  using Clock = std::chrono::steady_clock;
  Clock::time_point begin;           ///< the session asked for a channel
  Clock::time_point opened;          ///< the provider had its codex (probe, settings)
  Clock::time_point spawned;         ///< the child runs (fork/exec returned)
  Clock::time_point initialized;     ///< initialize answered
  Clock::time_point thread_started;  ///< thread/start answered
  Clock::time_point turn_started;    ///< turn/start answered
  Clock::duration persist{};         ///< our own state writes in between (meta.json)
  int persist_writes = 0;
  bool adopted = false;  ///< a spare, started before it was asked for
};

/// One line: `open=0.1ms spawn=3.0ms initialize=41.2ms thread/start=…ms turn/start=…ms
/// persist=…ms (n writes) total=…ms spare=no` (each phase from the end of the one before).
std::string describe(const StartTimings& timings);

class Channel : public std::enable_shared_from_this<Channel> {
 public:
  /// Spawns and initializes the process (the provider's way); throws OpenFailed.
  using Starter = std::function<boost::asio::awaitable<void>(std::shared_ptr<Channel> channel)>;

  /// `codex` was created with forward_to(slot); `starter` starts it (empty: it runs).
  Channel(std::shared_ptr<appserver::CodexBackend> codex, std::shared_ptr<HandlerSlot> slot,
          bool exec_mode, Starter starter);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  /// Binds the session's handlers (once, before any call).
  void attach(appserver::AppServerHandlers handlers);
  /// Starts the process (spawn and initialize): a session holds the channel while it
  /// starts, so a cancel can close it halfway. Throws OpenFailed; the process is then
  /// stopped already.
  boost::asio::awaitable<void> start();
  /// Set by the provider once the process runs.
  void set_identity(Json identity) { identity_ = std::move(identity); }

  // The typed calls write their params at once (these are not coroutines: nothing of the
  // argument is kept), then the backend's call runs.
  boost::asio::awaitable<Json> thread_start(const appserver::ThreadStartParams& params);
  boost::asio::awaitable<Json> thread_resume(const appserver::ThreadResumeParams& params);
  boost::asio::awaitable<Json> thread_fork(const appserver::ThreadForkParams& params);
  boost::asio::awaitable<Json> turn_start(const appserver::TurnStartParams& params);
  boost::asio::awaitable<Json> turn_interrupt(std::string thread_id, std::string turn_id,
                                              std::chrono::milliseconds timeout);
  /// Any other request (model/list, thread/backgroundTerminals/clean).
  boost::asio::awaitable<Json> call(std::string method, Json params,
                                    std::chrono::milliseconds timeout);

  /// Detaches the handlers and stops the process (stdin EOF, SIGTERM, SIGKILL, `grace`
  /// apart). Idempotent.
  boost::asio::awaitable<void> close(std::chrono::milliseconds grace);

  /// The backend itself, for helpers that take one (the model catalog).
  const std::shared_ptr<appserver::CodexBackend>& codex() const { return codex_; }
  int pid() const { return codex_->pid(); }
  bool running() const { return codex_->running(); }
  std::string stderr_tail() const { return codex_->stderr_tail(); }
  int exit_code() const { return codex_->exit_code(); }
  /// Who the process is (pid, start time, boot), so that a server restarting after a crash
  /// can end it and only it; null when unknown.
  const Json& identity() const { return identity_; }
  bool exec_mode() const { return exec_mode_; }
  /// Stamps of the process side of the start (see StartTimings).
  StartTimings& timings() { return timings_; }

 private:
  std::shared_ptr<appserver::CodexBackend> codex_;
  std::shared_ptr<HandlerSlot> slot_;
  Json identity_ = nullptr;
  bool exec_mode_ = false;
  Starter starter_;
  StartTimings timings_;
};

}  // namespace codex_mcp::backend
