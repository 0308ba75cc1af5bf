#include "codex_mcp/backend/channel.hpp"

#include <cstdio>

#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/jsonrpc/errors.hpp"

namespace asio = boost::asio;

namespace codex_mcp::backend {

appserver::AppServerHandlers forward_to(std::shared_ptr<HandlerSlot> slot) {
  appserver::AppServerHandlers handlers;
  handlers.on_notification = [slot](const std::string& method, const Json& params) {
    if (slot->attached && slot->target.on_notification)
      slot->target.on_notification(method, params);
  };
  handlers.on_stream_delta = [slot](const appserver::StreamDelta& delta) {
    // (Sessions always take deltas this way: the forwarding is set, so the client no
    // longer sends them through on_notification.)
    if (slot->attached && slot->target.on_stream_delta) slot->target.on_stream_delta(delta);
  };
  handlers.on_server_request = [slot](std::string method, Json params) -> asio::awaitable<Json> {
    if (!slot->attached || !slot->target.on_server_request) {
      throw jsonrpc::RpcError(-32000, "this codex process was replaced or stopped");
    }
    const auto target = slot->target.on_server_request;  // the slot may be detached meanwhile
    co_return co_await target(std::move(method), std::move(params));
  };
  handlers.on_exit = [slot](int code, const std::string& tail) {
    if (slot->attached && slot->target.on_exit) slot->target.on_exit(code, tail);
  };
  return handlers;
}

std::string describe(const StartTimings& t) {
  using Clock = StartTimings::Clock;
  std::string out;
  auto last = t.begin;
  const auto phase = [&](const char* name, Clock::time_point at) {
    if (at == Clock::time_point{}) return;
    char text[64];
    std::snprintf(text, sizeof text, "%s%s=%.1fms", out.empty() ? "" : " ", name,
                  std::chrono::duration<double, std::milli>(at - last).count());
    out += text;
    last = at;
  };
  phase("open", t.opened);
  phase("spawn", t.spawned);
  phase("initialize", t.initialized);
  phase("thread/start", t.thread_started);
  phase("turn/start", t.turn_started);
  char tail[128];
  std::snprintf(tail, sizeof tail, " persist=%.1fms (%d writes) total=%.1fms spare=%s",
                std::chrono::duration<double, std::milli>(t.persist).count(), t.persist_writes,
                std::chrono::duration<double, std::milli>(last - t.begin).count(),
                t.adopted ? "yes" : "no");
  return out + tail;
}

Channel::Channel(std::shared_ptr<appserver::CodexBackend> codex, std::shared_ptr<HandlerSlot> slot,
                 bool exec_mode, Starter starter)
    : codex_(std::move(codex)),
      slot_(std::move(slot)),
      exec_mode_(exec_mode),
      starter_(std::move(starter)) {}

Channel::~Channel() {
  // Dropped without close(): nothing of the process reaches the session any more; the
  // backend's own destructor ends the process.
  slot_->attached = false;
}

void Channel::attach(appserver::AppServerHandlers handlers) {
  slot_->target = std::move(handlers);
  slot_->attached = true;
}

asio::awaitable<void> Channel::start() {
  if (!starter_) co_return;
  const auto starter = std::move(starter_);  // once
  starter_ = nullptr;
  co_await starter(shared_from_this());
}

asio::awaitable<Json> Channel::thread_start(const appserver::ThreadStartParams& params) {
  return codex_->thread_start(params.to_json());
}

asio::awaitable<Json> Channel::thread_resume(const appserver::ThreadResumeParams& params) {
  return codex_->thread_resume(params.to_json());
}

asio::awaitable<Json> Channel::thread_fork(const appserver::ThreadForkParams& params) {
  return codex_->thread_fork(params.to_json());
}

asio::awaitable<Json> Channel::turn_start(const appserver::TurnStartParams& params) {
  return codex_->turn_start(params.to_json());
}

asio::awaitable<Json> Channel::turn_interrupt(std::string thread_id, std::string turn_id,
                                              std::chrono::milliseconds timeout) {
  co_return co_await codex_->turn_interrupt(std::move(thread_id), std::move(turn_id), timeout);
}

asio::awaitable<Json> Channel::call(std::string method, Json params,
                                    std::chrono::milliseconds timeout) {
  co_return co_await codex_->call(std::move(method), std::move(params), timeout);
}

asio::awaitable<void> Channel::close(std::chrono::milliseconds grace) {
  slot_->attached = false;
  const auto codex = codex_;  // kept alive across the stop, whatever happens to this channel
  co_await codex->shutdown(grace);
}

}  // namespace codex_mcp::backend
