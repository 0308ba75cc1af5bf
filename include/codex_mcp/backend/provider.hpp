// Provider: where sessions get their codex from. Injected into the session manager, it
// owns the process side of a session (which codex, spawning, the handshake, the process's
// identity, stopping it) and hands each session a Channel. The session keeps only the
// conversation.
//
// Implementations: AppServerProvider (the default: one `codex app-server` child per
// session over pipes, or `codex exec` per turn in exec mode) and, in the tests, a fake
// that scripts codex in process. Threading: the loop thread only.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/appserver/client.hpp"
#include "codex_mcp/backend/channel.hpp"
#include "codex_mcp/codex/release.hpp"

namespace codex_mcp::backend {

/// No codex can be run: none found, or one older than the minimum.
class CodexUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A setting of the session cannot be turned into a process (an unreadable profile).
class BadSetting : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The process could not be started or did not complete the handshake. The message is
/// whole ("could not start codex: ..."); what the process printed and its exit code (-1
/// while it had not exited) say whether a setting of the caller's made it fail.
class OpenFailed : public std::runtime_error {
 public:
  OpenFailed(const std::string& message, std::string stderr_tail, int exit_code)
      : std::runtime_error(message), stderr_tail_(std::move(stderr_tail)), exit_code_(exit_code) {}
  const std::string& stderr_tail() const { return stderr_tail_; }
  int exit_code() const { return exit_code_; }

 private:
  std::string stderr_tail_;
  int exit_code_;
};

/// What a session needs of its process.
struct ChannelRequest {
  std::string session_id;  ///< for names in logs
  std::string cwd;         ///< the process's working directory (empty: ours)
  std::string codex_home;  ///< its CODEX_HOME: the thread's rollouts live there
  std::string profile;     ///< a codex profile whose settings go under config_overrides
  Json config_overrides = Json::object();  ///< advanced.config (dotted keys)
};

class Provider {
 public:
  virtual ~Provider() = default;

  /// Makes sure a codex can be run, finding out which one first if nobody has yet (off the
  /// loop's stack). Throws CodexUnavailable.
  virtual boost::asio::awaitable<void> ensure_available() = 0;
  /// The codex release the next channel runs: known once ensure_available() returned
  /// (before that, taken as a current one).
  virtual codex::Release release() const = 0;
  /// `codex exec` per turn rather than an app-server (no approvals, fork or terminals).
  virtual bool exec_mode() const = 0;
  /// The CODEX_HOME a new session uses (the environment's, or the one configured).
  virtual std::string codex_home() const = 0;

  /// A codex for one session, bound to `handlers`, for the session to start()
  /// (Channel::start throws OpenFailed). Throws CodexUnavailable or BadSetting.
  virtual boost::asio::awaitable<std::shared_ptr<Channel>> open(
      ChannelRequest request, appserver::AppServerHandlers handlers) = 0;

  /// The server is stopping: spares and background work end.
  virtual boost::asio::awaitable<void> shutdown() { co_return; }
};

}  // namespace codex_mcp::backend
