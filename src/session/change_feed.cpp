#include "codex_mcp/session/change_feed.hpp"

#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;

namespace codex_mcp::session {

void ChangeFeed::Subscription::reset() {
  if (entry_) *entry_ = nullptr;  // a publish in progress that already copied it skips it
  entry_.reset();
}

ChangeFeed::Subscription ChangeFeed::subscribe(Listener listener) {
  // Dead entries are swept here, so the vector stays as long as the live subscribers.
  std::erase_if(entries_, [](const auto& entry) { return entry.expired(); });
  auto entry = std::make_shared<Listener>(std::move(listener));
  entries_.push_back(entry);
  return Subscription(std::move(entry));
}

void ChangeFeed::publish(unsigned changes) {
  // A copy: listeners may subscribe and unsubscribe while being called. Each is locked for
  // its call, so one that unsubscribes itself finishes its call first.
  const auto entries = entries_;
  for (const auto& weak : entries) {
    const auto entry = weak.lock();
    if (entry && *entry) (*entry)(changes);
  }
}

std::size_t ChangeFeed::listeners() const {
  return static_cast<std::size_t>(std::count_if(
      entries_.begin(), entries_.end(), [](const auto& entry) { return !entry.expired(); }));
}

asio::awaitable<unsigned> ChangeFeed::next(asio::any_io_executor executor,
                                           std::chrono::steady_clock::time_point deadline) {
  // The timer lives in the frame; the listener only cancels it, and the subscription
  // ends with the frame, before the timer does.
  asio::steady_timer timer(executor, deadline);
  unsigned seen = 0;
  auto subscription = subscribe([&timer, &seen](unsigned changes) {
    seen |= changes;
    timer.cancel();
  });
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  subscription.reset();
  if (ec && ec != asio::error::operation_aborted) throw boost::system::system_error(ec);
  // A cancellation of the caller's own request surfaces here too: let it propagate.
  const auto state = co_await asio::this_coro::cancellation_state;
  if (state.cancelled() != asio::cancellation_type::none) {
    throw boost::system::system_error(asio::error::operation_aborted);
  }
  co_return seen;
}

}  // namespace codex_mcp::session
