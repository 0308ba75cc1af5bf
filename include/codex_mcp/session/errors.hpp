// Why a session operation failed, in the session's own terms. The tools layer maps each
// kind to the tool contract's error code (tools/error_codes); nothing here knows MCP.
#pragma once

#include <stdexcept>
#include <string>

namespace codex_mcp::session {

enum class ErrorKind {
  busy,               ///< a turn is still running
  not_found,          ///< no such session
  request_not_found,  ///< no such pending approval or question (answered, timed out…)
  not_running,        ///< no turn, no thread or no codex process to act on
  invalid,            ///< a value the caller chose is wrong (codex refused it, or we did)
  codex_unavailable,  ///< no usable codex executable (missing, or older than the minimum)
  codex_error,        ///< codex cannot do it (a feature its release lacks)
  unsupported,        ///< the backend cannot do it (exec mode has no fork, no approvals)
  cancelled,          ///< the session was cancelled, or the server is shutting down
  timeout,            ///< codex did not answer in time
  internal,           ///< codex failed in a way the caller did not cause
};

class SessionError : public std::runtime_error {
 public:
  SessionError(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace codex_mcp::session
