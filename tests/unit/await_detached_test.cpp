#include "codex_mcp/util/await_detached.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asio_test_loop.hpp"

namespace asio = boost::asio;
using codex_mcp::testing::run_awaitable;
using codex_mcp::testing::run_until;
using codex_mcp::util::await_detached;
using namespace std::chrono_literals;

namespace {

/// Work that lasts until `gate` is cancelled by the test, then records that it ran to
/// the end (no wall-clock timing involved).
asio::awaitable<void> gated_work(asio::steady_timer& gate, bool& finished, bool fail) {
  boost::system::error_code ec;
  co_await gate.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  finished = true;
  if (fail) throw std::runtime_error("work failed");
}

asio::awaitable<void> wait_for(asio::steady_timer& gate, bool& finished, bool fail) {
  auto executor = co_await asio::this_coro::executor;
  co_await await_detached(executor, gated_work(gate, finished, fail));
}

}  // namespace

TEST(AwaitDetached, WaitsForTheWorkAndRethrowsItsError) {
  asio::io_context io;
  asio::steady_timer open(io, asio::steady_timer::time_point::min());  // already expired
  bool finished = false;
  run_awaitable(io, wait_for(open, finished, false));
  EXPECT_TRUE(finished);

  bool failed_finished = false;
  EXPECT_THROW(run_awaitable(io, wait_for(open, failed_finished, true)), std::runtime_error);
  EXPECT_TRUE(failed_finished);
}

TEST(AwaitDetached, CancellingTheWaiterEndsOnlyTheWait) {
  for (const bool fail : {false, true}) {
    asio::io_context io;
    asio::steady_timer gate(io, asio::steady_timer::time_point::max());
    asio::cancellation_signal signal;
    bool finished = false, waiter_done = false;
    std::exception_ptr waiter_error;
    asio::co_spawn(io, wait_for(gate, finished, fail),
                   asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr error) {
                     waiter_error = error;
                     waiter_done = true;
                   }));
    io.poll();  // both coroutines are now suspended: the work on its gate
    ASSERT_FALSE(waiter_done);
    signal.emit(asio::cancellation_type::terminal);
    ASSERT_TRUE(run_until(
        io, [&] { return waiter_done; }, 5s));
    EXPECT_FALSE(finished);  // the waiter left before the work was done...
    ASSERT_TRUE(waiter_error);
    try {
      std::rethrow_exception(waiter_error);
    } catch (const boost::system::system_error& e) {
      EXPECT_EQ(e.code(), asio::error::operation_aborted);
    }
    // ...and the work goes on to its end, whatever its outcome.
    gate.cancel();
    EXPECT_TRUE(run_until(
        io, [&] { return finished; }, 5s))
        << "fail=" << fail;
  }
}

namespace {

/// A member coroutine, as Session::stop_child is: its frame holds only `this`.
struct Stopper : std::enable_shared_from_this<Stopper> {
  explicit Stopper(boost::asio::any_io_executor executor, std::vector<std::string>& events)
      : timer(executor), log(events) {}
  ~Stopper() { log.push_back("freed"); }
  boost::asio::awaitable<void> stop() {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(boost::asio::use_awaitable);
    log.push_back("resumed with " + name);  // touches the object after the suspension
  }
  boost::asio::steady_timer timer;
  std::vector<std::string>& log;
  std::string name = "its own state";
};

}  // namespace

TEST(SpawnDetached, KeepsItsOwnerAliveUntilTheWorkEndsAndLogsFailures) {
  boost::asio::io_context io;
  std::vector<std::string> log;
  auto stopper = std::make_shared<Stopper>(io.get_executor(), log);
  codex_mcp::util::spawn_detached(io.get_executor(), stopper, stopper->stop(), "a stop");
  stopper.reset();  // the session is cleaned meanwhile: only the work holds it now
  io.run();
  EXPECT_EQ(log, (std::vector<std::string>{"resumed with its own state", "freed"}));
  // A failure ends the work, not the loop.
  io.restart();
  codex_mcp::util::spawn_detached(
      io.get_executor(), nullptr,
      []() -> boost::asio::awaitable<void> {
        throw std::runtime_error("boom");
        co_return;
      }(),
      "failing work");
  EXPECT_NO_THROW(io.run());
}
