// Running a short command to completion without blocking the loop: its stdout collected,
// bounded by a timeout (after which its process group is stopped). For probes such as
// `codex --version`; sessions use ChildProcess directly.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace codex_mcp::process {

struct Captured {
  int exit_code = -1;  ///< -1: it could not be started, or it timed out
  bool timed_out = false;
  std::string output;  ///< stdout (its first 4 KiB), trailing newlines removed
  std::string error;   ///< why it failed: the spawn error, the timeout, or its stderr tail
};

/// Runs `executable args...` with stdin closed and waits for it, up to `timeout`.
boost::asio::awaitable<Captured> run_capture(boost::asio::any_io_executor executor,
                                             std::string executable, std::vector<std::string> args,
                                             std::chrono::milliseconds timeout);

}  // namespace codex_mcp::process
