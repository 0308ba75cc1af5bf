// Peer: one end of a JSON-RPC 2.0 connection over newline-delimited JSON.
//
// The same class faces the MCP client (on stdio) and each codex app-server child (on its
// pipes). It owns the method tables for incoming requests and notifications, replies
// exactly once to every request (even when a handler throws), runs each incoming request
// as its own coroutine so a slow one never blocks the reader, cancels an incoming request
// on demand (MCP notifications/cancelled), and correlates outgoing calls with their
// responses. Threading: every member is used only on the executor given at construction.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "codex_mcp/jsonrpc/errors.hpp"

namespace boost::asio {
class cancellation_signal;
}

namespace codex_mcp::jsonrpc {

struct PeerOptions {
  std::string name;                   ///< for logs, e.g. "mcp" or "app-server sess_1"
  bool require_jsonrpc_field = true;  ///< codex app-server omits "jsonrpc":"2.0"
  bool reply_to_malformed = true;     ///< answer garbage with -32700/-32600 (not to a child)
};

class Peer : public std::enable_shared_from_this<Peer> {
 public:
  using SendLine = std::function<void(std::string line)>;
  using RequestHandler = std::function<boost::asio::awaitable<Json>(Json params)>;
  /// Gives its result already as JSON text: for results that are large, or hold a JSON
  /// text of their own (an MCP tool result carries its content twice), serialised once.
  using SerializedRequestHandler = std::function<boost::asio::awaitable<std::string>(Json params)>;
  /// Answers at once on the reader's stack, with no coroutine: for cheap results that
  /// are mostly already serialised (a list picked by the request's protocol era). Gives
  /// JSON text; an RpcError it throws becomes the error reply.
  using ImmediateRequestHandler = std::function<std::string(const Json& params)>;
  using NotificationHandler = std::function<void(const Json& params)>;
  using AnyRequestHandler =
      std::function<boost::asio::awaitable<Json>(std::string method, Json params)>;
  using AnyNotificationHandler = std::function<void(const std::string& method, const Json&)>;
  using ProtocolErrorHandler = std::function<void(const std::string& description)>;

  static std::shared_ptr<Peer> create(boost::asio::any_io_executor executor, PeerOptions options,
                                      SendLine send_line);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  void on_request(const std::string& method, RequestHandler handler);
  void on_request_serialized(const std::string& method, SerializedRequestHandler handler);
  /// A request whose result never changes, given already serialised (one JSON text):
  /// answered at once, with no coroutine and no serialisation per call (tools/list).
  void on_request_fixed(const std::string& method, std::string serialized_result);
  void on_request_immediate(const std::string& method, ImmediateRequestHandler handler);
  void on_notification(const std::string& method, NotificationHandler handler);
  /// Fallbacks for methods without their own handler.
  void on_any_request(AnyRequestHandler handler);
  void on_any_notification(AnyNotificationHandler handler);
  /// Called for every malformed line received (whether or not it is answered).
  void on_protocol_error(ProtocolErrorHandler handler);
  /// Called when an outgoing call is given up before its answer (its caller was cancelled,
  /// or it timed out): MCP tells the other side with notifications/cancelled.
  void on_call_abandoned(std::function<void(std::int64_t id, const std::string& why)> handler) {
    call_abandoned_ = std::move(handler);
  }

  /// Feeds one received line (without its '\n').
  void receive_line(std::string_view line);
  /// Reports a line that exceeded the transport's size cap and was discarded.
  void receive_oversized(std::size_t size);

  /// Cancels the incoming request with this id, if still running; it gets no reply.
  void cancel_incoming(const Json& id);
  std::size_t incoming_in_flight() const { return incoming_.size(); }

  /// Sends a request and waits for its response. Throws RpcError with the peer's error,
  /// kRequestTimeout, or kConnectionClosed; boost::system::system_error when cancelled.
  boost::asio::awaitable<Json> call(std::string method, Json params,
                                    std::chrono::milliseconds timeout);
  void notify(const std::string& method, Json params);
  /// The other side is gone: fail every pending and future call.
  void close(const std::string& reason);
  bool closed() const { return closed_; }

 private:
  struct PendingCall;
  struct Incoming {
    std::shared_ptr<boost::asio::cancellation_signal> signal;
    bool cancelled = false;
    std::string method;                                ///< for the debug timing line
    std::chrono::steady_clock::time_point received{};  ///< when its line arrived
  };

  Peer(boost::asio::any_io_executor executor, PeerOptions options, SendLine send_line);

  void receive_parsed_line(std::string_view line);

  void dispatch_request(Json id, const std::string& method, Json params,
                        std::chrono::steady_clock::time_point received);
  void answer_immediately(const Json& id, const std::string& method, const Json& params,
                          const ImmediateRequestHandler& handler,
                          std::chrono::steady_clock::time_point received);
  /// At debug level: how long the request took here, from its line to its reply.
  void log_timing(const Json& id, const std::string& method,
                  std::chrono::steady_clock::time_point received) const;
  void dispatch_notification(const std::string& method, const Json& params);
  void dispatch_response(const Json& message);
  void finish_request(const Json& id, std::exception_ptr error, std::string result);
  void malformed(const Json& id, int code, const std::string& message);
  void send(const Json& message);

  boost::asio::any_io_executor executor_;
  PeerOptions options_;
  SendLine send_line_;
  std::unordered_map<std::string, SerializedRequestHandler> request_handlers_;
  std::unordered_map<std::string, ImmediateRequestHandler> immediate_handlers_;
  std::unordered_map<std::string, NotificationHandler> notification_handlers_;
  AnyRequestHandler any_request_;
  AnyNotificationHandler any_notification_;
  ProtocolErrorHandler protocol_error_;
  std::function<void(std::int64_t id, const std::string& why)> call_abandoned_;
  std::map<std::string, Incoming> incoming_;  // keyed by the id's JSON text
  std::unordered_map<std::int64_t, PendingCall*> pending_;
  std::int64_t next_id_ = 0;
  bool closed_ = false;
  std::string close_reason_;
};

}  // namespace codex_mcp::jsonrpc
