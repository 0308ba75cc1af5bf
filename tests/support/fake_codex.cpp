#include "fake_codex.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

namespace asio = boost::asio;

namespace codex_mcp::testing {

FakeCodex::FakeCodex(asio::any_io_executor executor, appserver::AppServerHandlers handlers, int pid)
    : executor_(std::move(executor)), handlers_(std::move(handlers)), pid_(pid) {}

void FakeCodex::take(const std::string& method, const Json& params) {
  calls_.push_back({method, params});
  if (!running_) throw jsonrpc::RpcError(jsonrpc::code::kConnectionClosed, "codex exited");
  auto it = failures_.find(method);
  if (it != failures_.end() && !it->second.empty()) {
    auto error = it->second.front();
    it->second.pop_front();
    throw error;
  }
}

asio::awaitable<Json> FakeCodex::start(appserver::CodexCommand, appserver::AppServerSettings) {
  running_ = true;
  take("initialize", Json::object());
  co_return Json{{"userAgent", "fake-codex/0.169.0"}};
}

asio::awaitable<Json> FakeCodex::call(std::string method, Json params, std::chrono::milliseconds) {
  take(method, params);
  if (method == "model/list") {
    Json efforts = Json::array();
    for (const char* effort : {"low", "high"}) efforts.push_back({{"reasoningEffort", effort}});
    Json model = {{"model", "fake-model"}, {"supportedReasoningEfforts", efforts}};
    co_return Json{{"data", Json::array({model})}};
  }
  co_return Json::object();
}

asio::awaitable<Json> FakeCodex::thread_start(Json params) {
  take("thread/start", params);
  thread_id_ = "thr_fake_" + std::to_string(pid_);
  co_return Json{{"thread", {{"id", thread_id_}}},
                 {"model", params.value("model", std::string("fake-model"))},
                 {"cwd", params.value("cwd", std::string("/fake/cwd"))}};
}

asio::awaitable<Json> FakeCodex::thread_resume(Json params) {
  take("thread/resume", params);
  thread_id_ = params.value("threadId", std::string());
  co_return Json{{"thread", {{"id", thread_id_}}}};
}

asio::awaitable<Json> FakeCodex::thread_fork(Json params) {
  take("thread/fork", params);
  thread_id_ = "thr_fork_" + std::to_string(pid_);
  co_return Json{{"thread", {{"id", thread_id_}}}};
}

asio::awaitable<Json> FakeCodex::turn_start(Json params) {
  take("turn/start", params);
  turn_id_ = "turn_" + std::to_string(++turns_);
  co_return Json{{"turn", {{"id", turn_id_}, {"status", "inProgress"}}}};
}

asio::awaitable<Json> FakeCodex::turn_interrupt(std::string thread_id, std::string turn_id,
                                                std::chrono::milliseconds) {
  take("turn/interrupt", {{"threadId", thread_id}, {"turnId", turn_id}});
  // As codex does: the turn ends as interrupted, after the answer.
  asio::post(executor_, [this] { complete_turn("", "interrupted"); });
  co_return Json::object();
}

asio::awaitable<void> FakeCodex::shutdown(std::chrono::milliseconds) {
  shut_down_ = true;
  if (!running_) co_return;
  running_ = false;
  exit_code_ = 0;
  if (handlers_.on_exit) handlers_.on_exit(0, "");
}

void FakeCodex::fail_next(const std::string& method, jsonrpc::RpcError error) {
  failures_[method].push_back(std::move(error));
}

void FakeCodex::notify(const std::string& method, Json params) {
  if (running_ && handlers_.on_notification) handlers_.on_notification(method, params);
}

void FakeCodex::delta(const std::string& item_id, const std::string& text) {
  if (!running_ || !handlers_.on_stream_delta) return;
  handlers_.on_stream_delta(
      {.method = "item/agentMessage/delta", .item_id = item_id, .delta = text});
}

void FakeCodex::turn_started() {
  notify("turn/started",
         {{"threadId", thread_id_}, {"turn", {{"id", turn_id_}, {"status", "inProgress"}}}});
}

void FakeCodex::complete_turn(const std::string& text, const std::string& status) {
  Json items = Json::array();
  if (!text.empty()) items.push_back({{"type", "agentMessage"}, {"id", "msg_1"}, {"text", text}});
  Json turn = {{"id", turn_id_}, {"status", status}, {"items", items}, {"error", nullptr}};
  if (status == "failed") turn["error"] = {{"message", "the model failed"}};
  notify("turn/completed", {{"threadId", thread_id_}, {"turn", turn}});
}

std::shared_ptr<FakeRequest> FakeCodex::ask(const std::string& method, Json params) {
  auto request = std::make_shared<FakeRequest>(FakeRequest{.method = method, .params = params});
  if (!running_ || !handlers_.on_server_request) return request;
  asio::co_spawn(executor_, handlers_.on_server_request(method, std::move(params)),
                 [request](std::exception_ptr error, Json answer) {
                   if (!error) {
                     request->answer = std::move(answer);
                     return;
                   }
                   try {
                     std::rethrow_exception(error);
                   } catch (const std::exception& e) {
                     request->error = e.what();
                   }
                 });
  return request;
}

void FakeCodex::crash(int exit_code, const std::string& stderr_tail) {
  running_ = false;
  exit_code_ = exit_code;
  stderr_tail_ = stderr_tail;
  if (handlers_.on_exit) handlers_.on_exit(exit_code, stderr_tail);
}

Json FakeCodex::last_params(const std::string& method) const {
  for (auto it = calls_.rbegin(); it != calls_.rend(); ++it) {
    if (it->method == method) return it->params;
  }
  return nullptr;
}

namespace {

asio::awaitable<void> start_fake(std::shared_ptr<backend::Channel> channel,
                                 std::shared_ptr<FakeCodex> codex,
                                 std::optional<std::string> dies_at_start) {
  if (dies_at_start) {
    codex->crash(1, *dies_at_start);
    throw backend::OpenFailed("could not start codex: the process exited", *dies_at_start, 1);
  }
  // Named arguments: GCC 12 miscompiles braced temporaries inside co_await.
  appserver::CodexCommand command;
  appserver::AppServerSettings settings;
  co_await codex->start(command, settings);
  channel->set_identity({{"pid", codex->pid()}});
}

}  // namespace

asio::awaitable<void> FakeProvider::ensure_available() {
  if (!unavailable.empty()) throw backend::CodexUnavailable(unavailable);
  co_return;
}

asio::awaitable<std::shared_ptr<backend::Channel>> FakeProvider::open(
    backend::ChannelRequest request, appserver::AppServerHandlers handlers) {
  if (!unavailable.empty()) throw backend::CodexUnavailable(unavailable);
  requests.push_back(request);
  std::optional<std::string> dies_at_start;
  dies_at_start.swap(fail_next_open);
  auto slot = std::make_shared<backend::HandlerSlot>();
  slot->target = std::move(handlers);
  slot->attached = true;
  auto codex = std::make_shared<FakeCodex>(executor_, backend::forward_to(slot),
                                           1000 + static_cast<int>(opened.size()));
  for (auto& [method, error] : arm_next) codex->fail_next(method, std::move(error));
  arm_next.clear();
  opened.push_back(codex);
  auto starter = [codex, dies_at_start](std::shared_ptr<backend::Channel> channel) {
    return start_fake(std::move(channel), codex, dies_at_start);
  };
  co_return std::make_shared<backend::Channel>(codex, std::move(slot), false, std::move(starter));
}

}  // namespace codex_mcp::testing
