// AppServerClient implementation: spawn + handshake, typed calls, exit and shutdown.
// Threading: everything runs on executor_; coroutines that outlive a suspension keep the
// client (or the peer) alive through a shared_ptr of their own.
#include "codex_mcp/appserver/client.hpp"

#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/appserver/refusals.hpp"
#include "codex_mcp/appserver/stream_delta.hpp"
#include "codex_mcp/jsonrpc/peer.hpp"
#include "codex_mcp/process/child_process.hpp"
#include "codex_mcp/version.hpp"

namespace codex_mcp::appserver {

namespace asio = boost::asio;
using jsonrpc::RpcError;

namespace {

// A hung child says nothing on the wire; its last stderr line is often the only clue.
std::string startup_timeout_message(const AppServerSettings& settings,
                                    const std::string& stderr_tail) {
  std::string message = settings.name + " did not answer initialize within " +
                        std::to_string(settings.initialize_timeout.count()) + " ms";
  if (const auto line = last_line(stderr_tail); !line.empty()) {
    message += " (its last stderr line: " + line + ")";
  }
  return message;
}

Json initialize_params() {
  Json client_info = Json::object();
  client_info["name"] = "codex-mcp";
  client_info["title"] = "Codex MCP";
  client_info["version"] = kVersion;
  Json capabilities = Json::object();
  capabilities["experimentalApi"] = true;
  Json params = Json::object();
  params["clientInfo"] = std::move(client_info);
  params["capabilities"] = std::move(capabilities);
  return params;
}

}  // namespace

std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of("\r\n \t");
  if (end == std::string::npos) return {};
  const auto begin = text.rfind('\n', end);
  return text.substr(begin == std::string::npos ? 0 : begin + 1,
                     end - (begin == std::string::npos ? 0 : begin + 1) + 1);
}

bool is_legacy_notification(std::string_view method) {
  return method.starts_with("codex/event/");
}

std::vector<std::string> app_server_args(const CodexCommand& command, const AppServerSettings&) {
  std::vector<std::string> args = command.args;
  args.emplace_back("app-server");
  return args;
}

std::shared_ptr<AppServerClient> AppServerClient::create(asio::any_io_executor executor,
                                                         AppServerHandlers handlers) {
  return std::shared_ptr<AppServerClient>(
      new AppServerClient(std::move(executor), std::move(handlers)));
}

AppServerClient::AppServerClient(asio::any_io_executor executor, AppServerHandlers handlers)
    : executor_(std::move(executor)), handlers_(std::move(handlers)) {}

AppServerClient::~AppServerClient() {
  if (peer_) peer_->close(settings_.name + " client destroyed");
  // child_'s destructor SIGKILLs the group if it is still running.
}

asio::awaitable<Json> AppServerClient::start(CodexCommand command, AppServerSettings settings) {
  auto self = shared_from_this();
  if (child_) throw std::logic_error("AppServerClient::start called twice");
  settings_ = std::move(settings);
  const std::weak_ptr<AppServerClient> weak = self;

  jsonrpc::PeerOptions peer_options;
  peer_options.name = settings_.name;
  peer_options.require_jsonrpc_field = false;
  peer_options.reply_to_malformed = false;
  peer_ = jsonrpc::Peer::create(executor_, std::move(peer_options), [weak](std::string line) {
    if (auto client = weak.lock(); client && client->child_)
      client->child_->send_line(std::move(line));
  });
  peer_->on_any_notification([weak](const std::string& method, const Json& params) {
    auto client = weak.lock();
    if (client && client->handlers_.on_notification && !is_legacy_notification(method))
      client->handlers_.on_notification(method, params);
  });
  peer_->on_any_request([weak](std::string method, Json params) {
    return forward_server_request(weak, std::move(method), std::move(params));
  });
  peer_->on_protocol_error([weak](const std::string& description) {
    auto client = weak.lock();
    if (!client) return;
    ++client->garbage_lines_;
    spdlog::warn("[{}] ignoring malformed output ({} so far): {}", client->settings_.name,
                 client->garbage_lines_, description);
  });

  process::SpawnOptions options;
  options.executable = command.executable;
  options.args = app_server_args(command, settings_);
  options.env = settings_.env;
  options.unset_env = settings_.unset_env;
  options.cwd = settings_.cwd;
  options.max_line_bytes = settings_.max_line_bytes;
  options.log_prefix = settings_.name;
  process::ChildHandlers child_handlers;
  child_handlers.on_line = [weak](std::string line) {
    auto client = weak.lock();
    if (!client) return;
    if (client->handlers_.on_stream_delta) {
      if (const auto delta = parse_stream_delta(line)) {
        client->handlers_.on_stream_delta(*delta);
        return;
      }
    }
    client->peer_->receive_line(line);
  };
  child_handlers.on_oversized = [weak](std::size_t size) {
    if (auto client = weak.lock()) client->peer_->receive_oversized(size);
  };
  child_handlers.on_exit = [weak](int exit_code) {
    if (auto client = weak.lock()) client->handle_exit(exit_code);
  };
  child_ = process::ChildProcess::spawn(executor_, std::move(options), std::move(child_handlers));
  spawned_at_ = std::chrono::steady_clock::now();

  auto peer = peer_;
  std::string method = "initialize";
  Json params = initialize_params();
  Json result;
  std::string failure;
  bool timed_out = false;
  try {
    result =
        co_await peer->call(std::move(method), std::move(params), settings_.initialize_timeout);
  } catch (const RpcError& e) {
    failure = e.what();
    timed_out = e.code() == jsonrpc::code::kRequestTimeout;
  }
  if (timed_out) throw StartupTimeout(startup_timeout_message(settings_, child_->stderr_tail()));
  if (!failure.empty()) {
    throw std::runtime_error(settings_.name + ": initialize failed: " + failure);
  }
  peer->notify("initialized", Json::object());
  spdlog::debug("[{}] initialized: {}", settings_.name, result.dump());
  co_return result;
}

void AppServerClient::handle_exit(int exit_code) {
  exited_ = true;
  exit_code_ = exit_code;
  const auto tail = child_->stderr_tail();
  std::string reason = settings_.name + " (pid " + std::to_string(child_->pid()) +
                       ") exited with code " + std::to_string(exit_code);
  // codex reports a configuration it refuses as "Error: ..." followed by a backtrace: the
  // error, not the backtrace's last frame, says what to fix.
  auto summary = startup_error(tail);
  if (summary.empty()) summary = last_line(tail);
  if (!summary.empty()) reason += ": " + summary;
  spdlog::info("{}", redact_config_values(reason, settings_.config_overrides));
  peer_->close(reason);
  if (handlers_.on_exit) {
    auto on_exit = handlers_.on_exit;  // the owner may drop us from inside
    on_exit(exit_code, tail);
  }
}

asio::awaitable<Json> AppServerClient::forward_server_request(std::weak_ptr<AppServerClient> weak,
                                                              std::string method, Json params) {
  auto client = weak.lock();
  if (!client || !client->handlers_.on_server_request) {
    throw RpcError(jsonrpc::code::kMethodNotFound, "Method not found: " + method);
  }
  // A copy, so the handler's closure lives in this frame for as long as it runs.
  auto handler = client->handlers_.on_server_request;
  client.reset();
  co_return co_await handler(std::move(method), std::move(params));
}

asio::awaitable<Json> AppServerClient::call(std::string method, Json params,
                                            std::chrono::milliseconds timeout) {
  if (!peer_) throw RpcError(jsonrpc::code::kConnectionClosed, "app-server not started");
  auto peer = peer_;
  co_return co_await peer->call(std::move(method), std::move(params), timeout);
}

Json AppServerClient::with_config(Json params) const {
  if (settings_.config_overrides.is_object() && !settings_.config_overrides.empty()) {
    params["config"] = settings_.config_overrides;
  }
  return params;
}

asio::awaitable<Json> AppServerClient::thread_start(Json params) {
  return call("thread/start", with_config(std::move(params)), settings_.request_timeout);
}

asio::awaitable<Json> AppServerClient::thread_resume(Json params) {
  return call("thread/resume", with_config(std::move(params)), settings_.request_timeout);
}

asio::awaitable<Json> AppServerClient::thread_fork(Json params) {
  return call("thread/fork", with_config(std::move(params)), settings_.request_timeout);
}

asio::awaitable<Json> AppServerClient::turn_start(Json params) {
  return call("turn/start", std::move(params), settings_.request_timeout);
}

asio::awaitable<Json> AppServerClient::turn_interrupt(std::string thread_id, std::string turn_id,
                                                      std::chrono::milliseconds timeout) {
  Json params = Json::object();
  params["threadId"] = std::move(thread_id);
  params["turnId"] = std::move(turn_id);
  return call("turn/interrupt", std::move(params), timeout);
}

void AppServerClient::notify(const std::string& method, Json params) {
  if (peer_) peer_->notify(method, std::move(params));
}

asio::awaitable<void> AppServerClient::shutdown(std::chrono::milliseconds grace) {
  auto self = shared_from_this();
  auto child = child_;
  if (child) co_await child->terminate_group(grace);
  if (peer_) peer_->close(settings_.name + " shut down");
}

int AppServerClient::pid() const {
  return child_ ? child_->pid() : -1;
}

bool AppServerClient::running() const {
  return child_ && !exited_;
}

std::string AppServerClient::stderr_tail() const {
  return child_ ? child_->stderr_tail() : "";
}

}  // namespace codex_mcp::appserver
