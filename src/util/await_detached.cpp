#include "codex_mcp/util/await_detached.hpp"

#include <exception>
#include <memory>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;

namespace codex_mcp::util {

namespace {

// Shared by the work's completion handler and the waiter, which may be gone by then.
struct Completion {
  explicit Completion(const asio::any_io_executor& executor)
      : wake(executor, asio::steady_timer::time_point::max()) {}
  asio::steady_timer wake;  // cancelled when the work is done: the waiter's wake-up
  bool done = false;
  bool abandoned = false;  // the waiter was cancelled: nobody will see the outcome
  std::exception_ptr error;
};

}  // namespace

asio::awaitable<void> await_detached(asio::any_io_executor executor, asio::awaitable<void> work) {
  auto completion = std::make_shared<Completion>(executor);
  // The handler has no cancellation slot bound, so the waiter's cancellation does not
  // reach the work.
  asio::co_spawn(executor, std::move(work), [completion](std::exception_ptr error) {
    completion->done = true;
    completion->error = error;
    completion->wake.cancel();
    if (error && completion->abandoned) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::debug("detached work failed after its waiter left: {}", e.what());
      } catch (...) {
        spdlog::debug("detached work failed after its waiter left");
      }
    }
  });
  if (!completion->done) {
    boost::system::error_code ec;
    co_await completion->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!completion->done) {
    // Only a cancellation of this coroutine wakes the timer before the work is done.
    completion->abandoned = true;
    throw boost::system::system_error(asio::error::operation_aborted);
  }
  if (completion->error) std::rethrow_exception(completion->error);
}

void spawn_detached(asio::any_io_executor executor, std::shared_ptr<const void> owner,
                    asio::awaitable<void> work, std::string what) {
  // The handler lives until the work's frame is gone, and holds the owner until then.
  asio::co_spawn(std::move(executor), std::move(work),
                 [owner = std::move(owner), what = std::move(what)](std::exception_ptr error) {
                   if (!error) return;
                   try {
                     std::rethrow_exception(error);
                   } catch (const std::exception& e) {
                     spdlog::error("{} failed: {}", what, e.what());
                   } catch (...) {
                     spdlog::error("{} failed", what);
                   }
                 });
}

}  // namespace codex_mcp::util
