// The tool contract's error codes for what the session layer reports in its own terms.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/session/errors.hpp"

namespace codex_mcp::tools {

/// SESSION_BUSY, SESSION_NOT_FOUND, INVALID_ARGUMENT, CODEX_NOT_FOUND, …
std::string error_code(session::ErrorKind kind);

/// Runs a tool handler; a SessionError leaves it as the ToolError the contract names.
template <typename Reply>
boost::asio::awaitable<Reply> with_contract_errors(boost::asio::awaitable<Reply> handler) {
  std::optional<mcp::ToolError> failure;
  try {
    co_return co_await std::move(handler);
  } catch (const session::SessionError& e) {
    failure.emplace(error_code(e.kind()), e.what());
  }
  throw *failure;
}

}  // namespace codex_mcp::tools
