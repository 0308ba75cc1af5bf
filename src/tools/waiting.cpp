#include "codex_mcp/tools/waiting.hpp"

#include <algorithm>

namespace asio = boost::asio;

namespace codex_mcp::tools {

namespace {

using Clock = std::chrono::steady_clock;

// Claude Code resets its idle watchdog on progress, other clients their request timeout:
// well within every such limit, and seldom enough to cost nothing.
constexpr auto kProgressEvery = std::chrono::seconds(5);
// A streaming turn changes phase many times a second: a person needs no more than this.
constexpr auto kProgressAtMostEvery = std::chrono::seconds(1);
constexpr std::size_t kShownCommandBytes = 80;

std::string shortened(std::string text) {
  if (text.size() <= kShownCommandBytes) return text;
  std::size_t cut = kShownCommandBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

std::string file_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool caller_needed(const session::Session& session, const WaitUntil& until) {
  return until.actions_from && session.open_action_since(*until.actions_from);
}

}  // namespace

std::string progress_message(const session::Session& session) {
  if (const auto open = session.open_actions(); open > 0) {
    const auto actions = session.actions_json();
    const auto& first = actions.at(0);
    std::string what = "your answer";
    if (first.contains("command") && first["command"].is_string()) {
      what = "your approval of `" + shortened(first["command"].get<std::string>()) + "`";
    } else if (first.value("kind", "") == "file_change_approval") {
      what = "your approval of a file change";
    }
    return "codex: waiting for " + what + " (" + std::to_string(open) + " pending)";
  }
  if (!session.turn_running()) return "codex: turn finished";
  const auto& tracker = session.tracker();
  const auto& phase = tracker.phase();
  if (phase == "acting") {
    if (tracker.last_method().find("fileChange") != std::string::npos &&
        !tracker.last_file().empty()) {
      return "codex: editing " + file_name(tracker.last_file());
    }
    if (!tracker.last_command().empty()) {
      return "codex: running `" + shortened(tracker.last_command()) + "`";
    }
    if (!tracker.last_file().empty()) return "codex: editing " + file_name(tracker.last_file());
    return "codex: using a tool";
  }
  if (phase == "reasoning") return "codex: thinking";
  if (phase == "responding") return "codex: writing its answer";
  return "codex: " + phase;
}

asio::awaitable<WaitOutcome> wait_for_caller(std::shared_ptr<session::Session> session,
                                             std::chrono::milliseconds limit, WaitUntil until,
                                             mcp::ToolCallContext& context) {
  const auto started = Clock::now();
  const auto deadline = started + limit;
  // Events are only ever appended: once scanned without a match, only newer ids can match.
  auto scan_from = until.events_from.value_or(0);
  std::string last_message;
  auto last_report = started - kProgressEvery;
  WaitOutcome outcome;
  while (true) {
    if (!session->turn_running() || caller_needed(*session, until)) break;
    if (until.events_from) {
      if (session->events().any_from(scan_from, until.shown)) break;
      scan_from = std::max(scan_from, session->events().next_id());
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      outcome.timed_out = true;
      break;
    }
    auto message = progress_message(*session);
    if ((message != last_message && now - last_report >= kProgressAtMostEvery) ||
        now - last_report >= kProgressEvery) {
      const auto elapsed = std::chrono::duration<double, std::milli>(now - started).count();
      context.report_progress(message, elapsed, static_cast<double>(limit.count()));
      last_message = std::move(message);
      last_report = now;
    }
    co_await session->wait_for_change(std::min(deadline, now + kProgressAtMostEvery));
  }
  outcome.waited_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  co_return outcome;
}

}  // namespace codex_mcp::tools
