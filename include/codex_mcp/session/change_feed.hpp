// ChangeFeed: the one place a session says that it changed. Everything that follows a
// session (long-polls, waitForResult and its progress messages, the drain at shutdown,
// MCP tasks, a person's approval dialogs) subscribes here instead of keeping timers of
// its own.
//
// A listener is called synchronously, on the loop thread, with what changed; it may
// subscribe or unsubscribe anyone (itself included) while being called. A Subscription
// unsubscribes when it is destroyed. next() is the coroutine form: it waits for the next
// change or a deadline.
// Threading: the loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace codex_mcp::session {

/// What changed, as bits: a listener is told all that changed in one step at once.
namespace change {
inline constexpr unsigned kStatus = 1;   ///< the session's status (a turn started or ended…)
inline constexpr unsigned kEvents = 2;   ///< new events (or a delta merged into the newest)
inline constexpr unsigned kActions = 4;  ///< an approval or question was asked or resolved
inline constexpr unsigned kResult = 8;   ///< a turn's result is there
}  // namespace change

class ChangeFeed {
 public:
  using Listener = std::function<void(unsigned changes)>;

  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&&) noexcept = default;
    Subscription& operator=(Subscription&& other) noexcept {
      if (this != &other) {
        reset();
        entry_ = std::move(other.entry_);
      }
      return *this;
    }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { reset(); }
    /// Stops the calls now.
    void reset();

   private:
    friend class ChangeFeed;
    explicit Subscription(std::shared_ptr<Listener> entry) : entry_(std::move(entry)) {}
    std::shared_ptr<Listener> entry_;
  };

  [[nodiscard]] Subscription subscribe(Listener listener);
  /// Tells every listener subscribed now.
  void publish(unsigned changes);
  std::size_t listeners() const;

  /// Waits until the next change (returning what changed) or until `deadline` (0). A
  /// cancellation of the caller's own operation ends the wait with operation_aborted.
  boost::asio::awaitable<unsigned> next(boost::asio::any_io_executor executor,
                                        std::chrono::steady_clock::time_point deadline);

 private:
  // The feed holds the listeners weakly: the Subscription owns its entry, so a listener
  // dies with its subscriber and never outlives what it captured.
  std::vector<std::weak_ptr<Listener>> entries_;
};

}  // namespace codex_mcp::session
