// libFuzzer target: lines from a codex app-server child into the app-server client path.
// The input is what the child writes on its stdout: newline-separated lines.
//
// AppServerClient owns a real child process, which an in-process target cannot spawn per
// input, so this wires the same pieces the same way (appserver/client.cpp, start(), the
// child's on_line; session/session.cpp, on_notification, on_stream_delta and
// on_server_request): the line framing, the stream-delta scanner first, then the peer with
// the client's options (no "jsonrpc" required, no answer to garbage), notifications into
// the turn tracker and the event ring, server requests into the approval rules, answers
// and pending calls (initialize, thread/start, turn/start: ids 0-2) through the peer.
// Then what a poll, a result and the log show of it. Every line written back to the child
// must be a JSON-RPC message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "codex_mcp/appserver/stream_delta.hpp"
#include "codex_mcp/jsonrpc/peer.hpp"
#include "codex_mcp/session/event_ring.hpp"
#include "codex_mcp/session/poll_view.hpp"
#include "codex_mcp/session/server_requests.hpp"
#include "codex_mcp/session/turn_tracker.hpp"
#include "codex_mcp/tools/reply.hpp"
#include "codex_mcp/transport/line_splitter.hpp"
#include "codex_mcp/util/json_text.hpp"
#include "fuzz_support.hpp"

namespace asio = boost::asio;
using namespace codex_mcp;
using fuzz::Json;

namespace {

/// What a session keeps of its child's output.
struct SessionSide {
  session::TurnTracker tracker;
  session::EventRing ring;

  void on_stream_delta(std::string_view method, std::string_view item_id, std::string_view delta) {
    tracker.on_delta(method, delta);
    if (ring.can_merge(session::TurnTracker::delta_key(method, item_id))) {
      ring.merge(delta);
    } else {
      ring.append(session::TurnTracker::delta_event(method, item_id, delta));
    }
  }

  void on_notification(const std::string& method, const Json& params) {
    if (appserver::is_stream_delta_method(method)) {
      const auto item_id = params.value("itemId", Json());
      const auto delta = params.value("delta", Json());
      on_stream_delta(method, item_id.is_string() ? item_id.get_ref<const std::string&>() : "",
                      delta.is_string() ? delta.get_ref<const std::string&>() : "");
      return;
    }
    auto event = tracker.on_notification(method, params);
    if (event) {
      (void)jsonrpc::to_line(event->data);  // the journal writes it
      ring.append(std::move(*event));
    }
  }

  Json on_server_request(const std::string& method, const Json& params) {
    if (const auto action = session::caller_action(method, params)) {
      Json data = {{"requestId", "req_1"}, {"kind", to_string(action->kind)}, {"method", method}};
      data.update(action->details);
      ring.append({.type = "approval_request", .data = data, .pinned = true});
      return session::decline_answer(action->kind);
    }
    return session::automatic_answer(method, params, 0);
  }

  /// What a caller is shown: a poll in each response mode, the result, the progress.
  void show() {
    for (const char* mode : {"minimal", "delta_compact", "full"}) {
      const auto slice = ring.read(0, 10000);
      auto view = session::render_events(slice, {.response_mode = mode});
      const Json response = {{"sessionId", "s1"},
                             {"events", std::move(view.events)},
                             {"nextCursor", view.next_cursor}};
      auto reply = tools::in_reading_order(response);
      tools::fit_reply(reply, 4096);  // the caps every poll reply goes through
      (void)util::json_text(reply);
    }
    if (const auto& outcome = tracker.outcome()) {
      Json result = {
          {"turnId", outcome->turn_id}, {"status", outcome->status}, {"text", outcome->text}};
      if (outcome->structured_output) result["structuredOutput"] = *outcome->structured_output;
      if (!outcome->usage.is_null()) result["usage"] = outcome->usage;
      if (!outcome->error.is_null()) result["error"] = outcome->error;
      if (!outcome->output.is_null()) result["output"] = outcome->output;
      (void)jsonrpc::to_line(result);
    }
    (void)jsonrpc::to_line(tracker.token_usage());
  }
};

asio::awaitable<void> pending_call(std::shared_ptr<jsonrpc::Peer> peer, std::string method) {
  try {
    const auto result = co_await peer->call(method, Json::object(), std::chrono::hours(1));
    (void)result.dump();  // logged at debug level, read by the session
  } catch (const jsonrpc::RpcError&) {
    // the child's error answer, or the connection closed at the end of the input
  }
}

asio::awaitable<Json> answer_server_request(SessionSide& session, std::string method, Json params) {
  co_return session.on_server_request(method, params);
}

void run_child_lines(std::string_view input) {
  fuzz::quiet_logging();
  asio::io_context io{1};
  std::vector<std::string> written;
  SessionSide session;
  session.tracker.begin_turn(input.size() % 2 == 1);  // with an outputSchema or without
  {
    auto peer = jsonrpc::Peer::create(
        io.get_executor(),
        {.name = "app-server fuzz", .require_jsonrpc_field = false, .reply_to_malformed = false},
        [&written](std::string line) { written.push_back(std::move(line)); });
    peer->on_any_notification([&session](const std::string& method, const Json& params) {
      session.on_notification(method, params);
    });
    peer->on_any_request([&session](std::string method, Json params) {
      return answer_server_request(session, std::move(method), std::move(params));
    });
    for (const char* method : {"initialize", "thread/start", "turn/start"}) {
      asio::co_spawn(io, pending_call(peer, method), asio::detached);
    }
    const auto run_ready = [&io] {
      io.restart();
      io.poll();
    };
    run_ready();
    constexpr std::size_t kMaxLineBytes = 64u << 20;  // AppServerSettings::max_line_bytes
    transport::LineSplitter splitter(
        kMaxLineBytes,
        [&](std::string line) {
          if (const auto delta = appserver::parse_stream_delta(line)) {
            session.on_stream_delta(delta->method, delta->item_id, delta->delta);
          } else {
            peer->receive_line(line);
          }
          run_ready();
        },
        [&](std::size_t bytes) { peer->receive_oversized(bytes); });
    splitter.feed(input);
    splitter.finish();
    peer->close("end of input");  // the child exited
    io.restart();
    io.run();
  }
  session.show();
  for (const auto& line : written) {
    if (const auto problem = fuzz::jsonrpc_problem(line); !problem.empty()) {
      fuzz::finding(problem, line);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run_child_lines({reinterpret_cast<const char*>(data), size});
  return 0;
}
