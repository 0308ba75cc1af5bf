// await_detached: wait for work that must not be cancelled along with its waiter.
//
// A tool call that starts something lasting (a session's start: spawn, initialize,
// thread/start, turn/start) may be cancelled by its client at any moment
// (notifications/cancelled). Cancelling the work halfway would leave it in a state
// nobody finishes; so the work runs as its own coroutine, and the caller only waits for
// it. Threading: the work and the wait run on the given executor.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace codex_mcp::util {

/// Runs `work` on `executor` as its own coroutine and waits for it to finish, rethrowing
/// its exception. A cancellation of the waiting coroutine ends only the wait (throwing
/// boost::system::system_error operation_aborted): the work still runs to completion,
/// and then its outcome is dropped (the work must record it where it matters).
boost::asio::awaitable<void> await_detached(boost::asio::any_io_executor executor,
                                            boost::asio::awaitable<void> work);

/// Runs `work` on `executor` with nobody waiting for it. `owner` (the object whose member
/// coroutine `work` is, or that it uses) is kept alive until the work ends: a member
/// coroutine holds only `this`, and its object may otherwise be freed while it is
/// suspended. A failure is logged, naming `what`.
void spawn_detached(boost::asio::any_io_executor executor, std::shared_ptr<const void> owner,
                    boost::asio::awaitable<void> work, std::string what);

}  // namespace codex_mcp::util
