// Whether codex is logged in: `codex login status`, run to completion off the loop.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace codex_mcp::codex {

struct LoginStatus {
  bool logged_in = false;
  std::string status;  ///< what codex printed (its first 4 KiB)
};

boost::asio::awaitable<LoginStatus> login_status(boost::asio::any_io_executor executor,
                                                 std::string executable,
                                                 std::chrono::milliseconds timeout);

}  // namespace codex_mcp::codex
