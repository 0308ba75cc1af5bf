// Waiting on a session for the caller: codex/codex_reply `waitForResult` and codex_check's
// long-poll (`pollOptions.waitMs`). A wait ends when the turn ends, when the caller is needed
// (an approval or question), when something the caller will be shown exists, or at the
// deadline, and never merely because something it will not be shown happened (a hidden
// delta). Meanwhile it sends notifications/progress: a short message saying what codex is
// doing, with the share of the wait elapsed, on each change and at least every 5 s.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/session/session.hpp"

namespace codex_mcp::tools {

/// Besides the turn's end, what ends a wait early.
struct WaitUntil {
  /// An approval or question waiting for the caller, asked at this event id or later (0:
  /// any; a poll passes its cursor, so an action it showed before does not end it again);
  /// unset: actions do not end the wait.
  std::optional<std::int64_t> actions_from = 0;
  /// An event at or after this id that `shown` accepts (every event when null); unset:
  /// events do not end the wait.
  std::optional<std::int64_t> events_from{};
  bool (*shown)(const session::Event&) = nullptr;
};

struct WaitOutcome {
  std::int64_t waited_ms = 0;
  bool timed_out = false;  ///< the deadline passed with nothing to show
};

boost::asio::awaitable<WaitOutcome> wait_for_caller(std::shared_ptr<session::Session> session,
                                                    std::chrono::milliseconds limit,
                                                    WaitUntil until, mcp::ToolCallContext& context);

/// What codex is doing, in a few words for a person: "codex: running `make test`",
/// "codex: waiting for your approval of `rm -rf build` (1 pending)".
std::string progress_message(const session::Session& session);

}  // namespace codex_mcp::tools
