// SessionManager: every session of this server, by id, and their lifecycle: creation,
// lookup, background cleanup (idle > 30 min and stuck > 4 h are cancelled; finished ones
// leave memory after 5 min), drain on stdin EOF and stop on shutdown.
// Threading: the loop thread only.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "codex_mcp/app/options.hpp"
#include "codex_mcp/codex/locate.hpp"
#include "codex_mcp/session/session.hpp"

namespace codex_mcp::session {

struct LifecyclePolicy {
  std::chrono::milliseconds idle_cancel{30 * 60 * 1000};
  std::chrono::milliseconds running_cancel{4 * 60 * 60 * 1000};
  std::chrono::milliseconds finished_remove{5 * 60 * 1000};
  std::chrono::milliseconds sweep_every{60 * 1000};
};

class SessionManager {
 public:
  SessionManager(boost::asio::any_io_executor executor, const app::Options& options);
  ~SessionManager();

  /// Starts the cleanup sweep.
  void start();
  boost::asio::any_io_executor executor() const { return executor_; }
  const app::Options& options() const { return options_; }
  /// The codex executable sessions run (re-resolved on each call: PATH may change).
  codex::ExecutableChoice executable() const;
  /// A new session ready to start; throws ToolError when no codex executable is usable.
  std::shared_ptr<Session> create();
  /// Throws ToolError SESSION_NOT_FOUND.
  std::shared_ptr<Session> find(const std::string& id) const;
  std::vector<std::shared_ptr<Session>> all() const;
  void remove(const std::string& id);

  /// stdin EOF: waits until no turn runs, or the deadline.
  boost::asio::awaitable<void> drain(std::chrono::steady_clock::time_point deadline);
  /// Cancels every session (stopping their children).
  boost::asio::awaitable<void> shutdown();

 private:
  boost::asio::awaitable<void> sweep_loop();
  void sweep();

  boost::asio::any_io_executor executor_;
  app::Options options_;
  LifecyclePolicy policy_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
  boost::asio::steady_timer sweep_timer_;
  bool stopping_ = false;
};

}  // namespace codex_mcp::session
