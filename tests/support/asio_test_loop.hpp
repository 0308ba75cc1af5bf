// Running an io_context on the test thread: drive awaitables and wait for conditions with
// deadlines, so a broken test fails instead of hanging. Header-only; test thread only.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace codex_mcp::testing {

/// Runs `ctx` one handler at a time until `done()` or the deadline; returns done(). (One
/// at a time: a pending timer, such as a session manager's sweep, must not hold each step
/// for a whole slice.)
inline bool run_until(boost::asio::io_context& ctx, const std::function<bool()>& done,
                      std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!done() && std::chrono::steady_clock::now() < end) {
    ctx.run_one_for(std::chrono::milliseconds(10));
    if (ctx.stopped()) ctx.restart();
  }
  return done();
}

/// Runs `op` to completion on `ctx`; rethrows its exception. Throws std::runtime_error
/// when it has not finished by the deadline.
template <typename T>
T run_awaitable(boost::asio::io_context& ctx, boost::asio::awaitable<T> op,
                std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
  bool finished = false;
  std::exception_ptr error;
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(ctx, std::move(op), [&](std::exception_ptr e) {
      error = e;
      finished = true;
    });
    if (!run_until(
            ctx, [&] { return finished; }, deadline)) {
      throw std::runtime_error("test deadline passed");
    }
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<T> result;
    boost::asio::co_spawn(ctx, std::move(op), [&](std::exception_ptr e, T value) {
      error = e;
      if (!e) result.emplace(std::move(value));
      finished = true;
    });
    if (!run_until(
            ctx, [&] { return finished; }, deadline)) {
      throw std::runtime_error("test deadline passed");
    }
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }
}

}  // namespace codex_mcp::testing
