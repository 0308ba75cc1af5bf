#include "codex_mcp/jsonrpc/peer.hpp"

#include <optional>

#include <spdlog/spdlog.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/util/json_parse.hpp"

namespace asio = boost::asio;

namespace codex_mcp::jsonrpc {

struct Peer::PendingCall {
  explicit PendingCall(const asio::any_io_executor& executor) : wake(executor) {}
  asio::steady_timer wake;
  std::optional<Json> result;
  std::optional<RpcError> error;
};

namespace {

bool valid_id(const Json& id) {
  return id.is_string() || id.is_number_integer();
}

std::string brief(std::string_view text) {
  constexpr std::size_t kMax = 120;
  return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax)) + "…";
}

// Each runs a handler with its own copy kept in this coroutine's frame (a lambda coroutine
// reads its captures through the closure object, which must outlive every suspension),
// and gives its result as JSON text.
asio::awaitable<std::string> run_handler(Peer::SerializedRequestHandler handler, Json params) {
  co_return co_await handler(std::move(params));
}
asio::awaitable<std::string> serialize_result(Peer::RequestHandler handler, Json params) {
  const Json result = co_await handler(std::move(params));
  co_return to_line(result);
}
asio::awaitable<std::string> serialize_any_result(Peer::AnyRequestHandler handler,
                                                  std::string method, Json params) {
  const Json result = co_await handler(std::move(method), std::move(params));
  co_return to_line(result);
}

/// A response around a result already serialised (one copy of what may be a large text).
std::string result_line(const Json& id, const std::string& result_text) {
  const auto id_text = to_line(id);
  std::string line;
  line.reserve(result_text.size() + id_text.size() + 40);
  line.append(R"({"jsonrpc":"2.0","id":)").append(id_text).append(R"(,"result":)");
  line.append(result_text).append("}");
  return line;
}

}  // namespace

std::shared_ptr<Peer> Peer::create(asio::any_io_executor executor, PeerOptions options,
                                   SendLine send_line) {
  return std::shared_ptr<Peer>(
      new Peer(std::move(executor), std::move(options), std::move(send_line)));
}

Peer::Peer(asio::any_io_executor executor, PeerOptions options, SendLine send_line)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      send_line_(std::move(send_line)) {}

Peer::~Peer() = default;

void Peer::on_request(const std::string& method, RequestHandler handler) {
  request_handlers_[method] = [handler = std::move(handler)](Json params) {
    return serialize_result(handler, std::move(params));
  };
}
void Peer::on_request_serialized(const std::string& method, SerializedRequestHandler handler) {
  request_handlers_[method] = std::move(handler);
}
void Peer::on_request_fixed(const std::string& method, std::string serialized_result) {
  immediate_handlers_[method] = [result = std::move(serialized_result)](const Json&) {
    return result;
  };
}
void Peer::on_request_immediate(const std::string& method, ImmediateRequestHandler handler) {
  immediate_handlers_[method] = std::move(handler);
}
void Peer::on_notification(const std::string& method, NotificationHandler handler) {
  notification_handlers_[method] = std::move(handler);
}
void Peer::on_any_request(AnyRequestHandler handler) {
  any_request_ = std::move(handler);
}
void Peer::on_any_notification(AnyNotificationHandler handler) {
  any_notification_ = std::move(handler);
}
void Peer::on_protocol_error(ProtocolErrorHandler handler) {
  protocol_error_ = std::move(handler);
}

void Peer::send(const Json& message) {
  send_line_(to_line(message));
}

void Peer::malformed(const Json& id, int code, const std::string& message) {
  spdlog::debug("[{}] malformed message: {}", options_.name, message);
  if (protocol_error_) protocol_error_(message);
  if (options_.reply_to_malformed) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
}

void Peer::receive_oversized(std::size_t size) {
  malformed(nullptr, code::kInvalidRequest,
            "Invalid Request: message of " + std::to_string(size) +
                " bytes exceeds the maximum line size");
}

void Peer::receive_line(std::string_view line) {
  // Whatever a line holds, it ends here as an answer (or, from a child, a logged drop):
  // an exception must never leave the loop.
  try {
    receive_parsed_line(line);
  } catch (const std::exception& e) {
    spdlog::error("[{}] a line could not be handled: {} (input: {})", options_.name, e.what(),
                  brief(line));
    malformed(nullptr, code::kInternalError, std::string("Internal error: ") + e.what());
  }
}

void Peer::receive_parsed_line(std::string_view line) {
  const auto received = std::chrono::steady_clock::now();
  Json message;
  try {
    message = util::parse_untrusted_json(line);
  } catch (const util::JsonInputError& e) {
    if (e.kind() == util::JsonInputError::Kind::too_deep) {
      malformed(nullptr, code::kInvalidRequest, std::string("Invalid Request: ") + e.what());
    } else {
      malformed(nullptr, code::kParseError,
                "Parse error: " + std::string(e.what()) + " (input: " + brief(line) + ")");
    }
    return;
  }
  if (message.is_array()) {
    malformed(nullptr, code::kInvalidRequest,
              "Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18)");
    return;
  }
  if (!message.is_object()) {
    malformed(nullptr, code::kInvalidRequest, "Invalid Request: a message must be a JSON object");
    return;
  }
  const auto id_it = message.find("id");
  const bool has_id = id_it != message.end();
  const Json id = has_id && valid_id(*id_it) ? *id_it : Json(nullptr);
  if (options_.require_jsonrpc_field && message.value("jsonrpc", Json()) != "2.0") {
    malformed(id, code::kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
    return;
  }
  const auto method_it = message.find("method");
  if (method_it == message.end()) {
    if (has_id && (message.contains("result") || message.contains("error"))) {
      dispatch_response(message);
    } else {
      malformed(id, code::kInvalidRequest,
                "Invalid Request: expected \"method\", or \"result\"/\"error\" with \"id\"");
    }
    return;
  }
  if (!method_it->is_string()) {
    malformed(id, code::kInvalidRequest, "Invalid Request: \"method\" must be a string");
    return;
  }
  // Moved, not copied: a notification's params can be large (a streamed delta, a diff).
  Json params = Json::object();
  if (const auto params_it = message.find("params"); params_it != message.end()) {
    params = std::move(*params_it);
  }
  if (!params.is_object() && !params.is_array() && !params.is_null()) {
    malformed(id, code::kInvalidRequest, "Invalid Request: \"params\" must be an object");
    return;
  }
  if (params.is_null()) params = Json::object();
  const auto method = method_it->get<std::string>();
  if (!has_id) {
    dispatch_notification(method, params);
  } else if (id.is_null()) {
    malformed(nullptr, code::kInvalidRequest,
              "Invalid Request: \"id\" must be a string or an integer");
  } else {
    dispatch_request(id, method, std::move(params), received);
  }
}

void Peer::dispatch_notification(const std::string& method, const Json& params) {
  if (const auto it = notification_handlers_.find(method); it != notification_handlers_.end()) {
    it->second(params);
  } else if (any_notification_) {
    any_notification_(method, params);
  } else {
    spdlog::debug("[{}] ignoring notification {}", options_.name, method);
  }
}

void Peer::dispatch_request(Json id, const std::string& method, Json params,
                            std::chrono::steady_clock::time_point received) {
  if (const auto immediate = immediate_handlers_.find(method);
      immediate != immediate_handlers_.end()) {
    answer_immediately(id, method, params, immediate->second, received);
    return;
  }
  SerializedRequestHandler handler;
  if (const auto it = request_handlers_.find(method); it != request_handlers_.end()) {
    handler = it->second;
  } else if (any_request_) {
    handler = [any = any_request_, method](Json p) {
      return serialize_any_result(any, method, std::move(p));
    };
  } else {
    send(
        {{"jsonrpc", "2.0"},
         {"id", id},
         {"error", {{"code", code::kMethodNotFound}, {"message", "Method not found: " + method}}}});
    return;
  }
  const auto key = id.dump();
  if (incoming_.contains(key)) {
    send({{"jsonrpc", "2.0"},
          {"id", id},
          {"error",
           {{"code", code::kInvalidRequest},
            {"message", "Invalid Request: id " + key + " is already in use"}}}});
    return;
  }
  auto signal = std::make_shared<asio::cancellation_signal>();
  incoming_[key] = Incoming{.signal = signal, .method = method, .received = received};
  asio::co_spawn(executor_, run_handler(std::move(handler), std::move(params)),
                 asio::bind_cancellation_slot(signal->slot(),
                                              [self = shared_from_this(), id, signal](
                                                  std::exception_ptr error, std::string result) {
                                                self->finish_request(id, error, std::move(result));
                                              }));
}

void Peer::answer_immediately(const Json& id, const std::string& method, const Json& params,
                              const ImmediateRequestHandler& handler,
                              std::chrono::steady_clock::time_point received) {
  if (incoming_.contains(id.dump())) {
    send({{"jsonrpc", "2.0"},
          {"id", id},
          {"error",
           {{"code", code::kInvalidRequest},
            {"message", "Invalid Request: id " + id.dump() + " is already in use"}}}});
    return;
  }
  std::string result;
  try {
    result = handler(params);
  } catch (const RpcError& e) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", e.to_json()}});
    log_timing(id, method, received);
    return;
  } catch (const std::exception& e) {
    spdlog::error("[{}] request {} failed: {}", options_.name, id.dump(), e.what());
    send({{"jsonrpc", "2.0"},
          {"id", id},
          {"error",
           {{"code", code::kInternalError},
            {"message", std::string("Internal error: ") + e.what()}}}});
    return;
  }
  send_line_(result_line(id, result));
  log_timing(id, method, received);
}

void Peer::finish_request(const Json& id, std::exception_ptr error, std::string result) {
  const auto it = incoming_.find(id.dump());
  const bool cancelled = it != incoming_.end() && it->second.cancelled;
  std::string method;
  std::chrono::steady_clock::time_point received{};
  if (it != incoming_.end()) {
    method = std::move(it->second.method);
    received = it->second.received;
    incoming_.erase(it);
  }
  if (cancelled) return;  // MCP: a cancelled request gets no response
  if (!error) {
    send_line_(result_line(id, result));
  } else {
    Json reply = {{"jsonrpc", "2.0"}, {"id", id}};
    try {
      std::rethrow_exception(error);
    } catch (const RpcError& e) {
      reply["error"] = e.to_json();
    } catch (const std::exception& e) {
      spdlog::error("[{}] request {} failed: {}", options_.name, id.dump(), e.what());
      reply["error"] = {{"code", code::kInternalError},
                        {"message", std::string("Internal error: ") + e.what()}};
    }
    send(reply);
  }
  log_timing(id, method, received);
}

void Peer::log_timing(const Json& id, const std::string& method,
                      std::chrono::steady_clock::time_point received) const {
  // The server's own share of a round trip (parse, handler, serialisation), apart from
  // the pipes and the client; bench_protocol reads these lines.
  if (!spdlog::should_log(spdlog::level::debug)) return;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - received)
                          .count();
  spdlog::debug("[{}] answered {} {} in {} us", options_.name, method, id.dump(), micros);
}

void Peer::cancel_incoming(const Json& id) {
  const auto it = incoming_.find(id.dump());
  if (it == incoming_.end() || it->second.cancelled) return;
  it->second.cancelled = true;
  auto signal = it->second.signal;  // emit may finish the request and erase the entry
  signal->emit(asio::cancellation_type::terminal);
}

void Peer::dispatch_response(const Json& message) {
  const auto& id = message["id"];
  const auto it = id.is_number_integer() ? pending_.find(id.get<std::int64_t>()) : pending_.end();
  if (it == pending_.end()) {
    spdlog::debug("[{}] response to unknown request id {}", options_.name, id.dump());
    return;
  }
  PendingCall& call = *it->second;
  pending_.erase(it);
  if (const auto error = message.find("error"); error != message.end()) {
    const auto& e = *error;
    call.error.emplace(e.is_object() ? e.value("code", code::kInternalError) : code::kInternalError,
                       e.is_object() ? e.value("message", std::string("error")) : e.dump(),
                       e.is_object() ? e.value("data", Json()) : Json());
  } else {
    call.result = message["result"];
  }
  call.wake.cancel();
}

asio::awaitable<Json> Peer::call(std::string method, Json params,
                                 std::chrono::milliseconds timeout) {
  if (closed_) throw RpcError(code::kConnectionClosed, close_reason_);
  const auto id = next_id_++;
  PendingCall call(executor_);
  call.wake.expires_after(timeout);
  pending_[id] = &call;
  struct Unregister {
    Peer* peer;
    std::int64_t id;
    ~Unregister() { peer->pending_.erase(id); }
  } unregister{this, id};
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  boost::system::error_code ec;
  co_await call.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (call.result) co_return std::move(*call.result);
  if (call.error) throw *call.error;
  const auto why = ec ? std::string("the request was withdrawn")
                      : method + " got no answer within " + std::to_string(timeout.count()) + " ms";
  if (call_abandoned_ && !closed_) call_abandoned_(id, why);
  if (!ec) throw RpcError(code::kRequestTimeout, why);
  throw boost::system::system_error(ec);  // the caller was cancelled
}

void Peer::notify(const std::string& method, Json params) {
  if (closed_) return;
  send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

void Peer::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  close_reason_ = reason;
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, call] : pending) {
    call->error.emplace(code::kConnectionClosed, reason);
    call->wake.cancel();
  }
}

}  // namespace codex_mcp::jsonrpc
