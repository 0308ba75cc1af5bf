#include "codex_mcp/jsonrpc/peer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;
using codex_mcp::jsonrpc::Json;
using codex_mcp::jsonrpc::Peer;
using codex_mcp::jsonrpc::RpcError;
namespace code = codex_mcp::jsonrpc::code;
using namespace std::chrono_literals;

namespace {

class PeerTest : public ::testing::Test {
 protected:
  std::shared_ptr<Peer> make(codex_mcp::jsonrpc::PeerOptions options = {.name = "test"}) {
    return Peer::create(io.get_executor(), std::move(options),
                        [this](std::string line) { sent.push_back(Json::parse(line)); });
  }
  void drain() {
    io.restart();
    io.run_for(200ms);
  }

  asio::io_context io;
  std::vector<Json> sent;
};

// GCC 12 rejects string literals converted to std::string or Json inside a co_await
// expression ("array used as initializer"), so arguments are named locals here.
asio::awaitable<void> call_twice(std::shared_ptr<Peer> peer, Json& got, int& error_code) {
  const std::string thread_start = "thread/start", turn_start = "turn/start";
  const Json params = {{"cwd", "/"}};
  got = co_await peer->call(thread_start, params, 5s);
  try {
    co_await peer->call(turn_start, Json::object(), 5s);
  } catch (const RpcError& e) {
    error_code = e.code();
  }
}

asio::awaitable<void> time_out_then_wait(std::shared_ptr<Peer> peer, int& timeout_code,
                                         int& closed_code) {
  const std::string initialize = "initialize", thread_start = "thread/start";
  try {
    co_await peer->call(initialize, Json::object(), 10ms);
  } catch (const RpcError& e) {
    timeout_code = e.code();
  }
  try {
    co_await peer->call(thread_start, Json::object(), 1h);
  } catch (const RpcError& e) {
    closed_code = e.code();
  }
}

}  // namespace

TEST_F(PeerTest, HandlerResultAndErrorsAreRepliedExactlyOnce) {
  auto peer = make();
  peer->on_request("echo", [](Json params) -> asio::awaitable<Json> { co_return params; });
  peer->on_request("refuse", [](Json) -> asio::awaitable<Json> {
    throw RpcError(-32000, "nope");
    co_return Json();
  });
  peer->on_request("bug", [](Json) -> asio::awaitable<Json> {
    throw std::logic_error("oops");
    co_return Json();
  });
  peer->receive_line(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":1}})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":"two","method":"refuse"})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":3,"method":"bug"})");
  drain();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0]["result"], (Json{{"a", 1}}));
  EXPECT_EQ(sent[1]["id"], "two");
  EXPECT_EQ(sent[1]["error"]["code"], -32000);
  EXPECT_EQ(sent[2]["error"]["code"], code::kInternalError);
  EXPECT_EQ(peer->incoming_in_flight(), 0u);
}

TEST_F(PeerTest, CancelledRequestGetsNoReplyAndOthersProceed) {
  auto peer = make();
  peer->on_request("slow", [this](Json) -> asio::awaitable<Json> {
    asio::steady_timer timer(io, 1h);
    co_await timer.async_wait(asio::use_awaitable);
    co_return Json("late");
  });
  peer->on_request("fast", [](Json) -> asio::awaitable<Json> { co_return Json("quick"); });
  peer->receive_line(R"({"jsonrpc":"2.0","id":1,"method":"slow"})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":2,"method":"fast"})");
  drain();
  ASSERT_EQ(sent.size(), 1u);  // the slow one does not block the fast one
  EXPECT_EQ(sent[0]["id"], 2);
  EXPECT_EQ(peer->incoming_in_flight(), 1u);
  peer->cancel_incoming(1);
  drain();
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_EQ(peer->incoming_in_flight(), 0u);
}

TEST_F(PeerTest, FixedResultIsAnsweredAtOnceWithEachRequestsId) {
  auto peer = make();
  peer->on_request_fixed("tools/list", R"({"tools":[{"name":"t"}]})");
  peer->on_request("slow", [this](Json) -> asio::awaitable<Json> {
    asio::steady_timer timer(io, 1h);
    co_await timer.async_wait(asio::use_awaitable);
    co_return Json();
  });
  peer->receive_line(R"({"jsonrpc":"2.0","id":7,"method":"tools/list"})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":"s","method":"tools/list","params":{}})");
  ASSERT_EQ(sent.size(), 2u);  // no loop turn needed
  EXPECT_EQ(sent[0],
            (Json{{"jsonrpc", "2.0"}, {"id", 7}, {"result", {{"tools", {{{"name", "t"}}}}}}}));
  EXPECT_EQ(sent[1]["id"], "s");
  EXPECT_EQ(sent[1]["result"], sent[0]["result"]);
  // An id still in flight is refused here too.
  peer->receive_line(R"({"jsonrpc":"2.0","id":9,"method":"slow"})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":9,"method":"tools/list"})");
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2]["error"]["code"], code::kInvalidRequest);
  EXPECT_EQ(peer->incoming_in_flight(), 1u);
  peer->cancel_incoming(9);
  drain();
}

TEST_F(PeerTest, ImmediateHandlerAnswersFromParamsAtOnceAndItsRpcErrorIsTheReply) {
  auto peer = make();
  peer->on_request_immediate("pick", [](const Json& params) -> std::string {
    if (params.contains("bad")) throw RpcError(code::kInvalidParams, "bad", Json{{"k", 1}});
    return params.contains("a") ? R"({"v":"a"})" : R"({"v":"b"})";
  });
  peer->receive_line(R"({"jsonrpc":"2.0","id":1,"method":"pick","params":{"a":true}})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":2,"method":"pick"})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":3,"method":"pick","params":{"bad":true}})");
  ASSERT_EQ(sent.size(), 3u);  // no loop turn needed
  EXPECT_EQ(sent[0]["result"], (Json{{"v", "a"}}));
  EXPECT_EQ(sent[1]["result"], (Json{{"v", "b"}}));
  EXPECT_EQ(sent[2]["id"], 3);
  EXPECT_EQ(sent[2]["error"],
            (Json{{"code", code::kInvalidParams}, {"message", "bad"}, {"data", {{"k", 1}}}}));
  EXPECT_EQ(peer->incoming_in_flight(), 0u);
}

TEST_F(PeerTest, DuplicateInFlightIdIsRejected) {
  auto peer = make();
  peer->on_request("slow", [this](Json) -> asio::awaitable<Json> {
    asio::steady_timer timer(io, 1h);
    co_await timer.async_wait(asio::use_awaitable);
    co_return Json();
  });
  peer->receive_line(R"({"jsonrpc":"2.0","id":1,"method":"slow"})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":1,"method":"slow"})");
  drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["error"]["code"], code::kInvalidRequest);
  peer->cancel_incoming(1);
  drain();
}

TEST_F(PeerTest, OutgoingCallGetsItsResponseByIdAndErrorsAreThrown) {
  auto peer = make({.name = "child", .require_jsonrpc_field = false, .reply_to_malformed = false});
  Json got;
  int rpc_error_code = 0;
  asio::co_spawn(io, call_twice(peer, got, rpc_error_code), asio::detached);
  drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["method"], "thread/start");
  peer->receive_line(R"({"id":)" + sent[0]["id"].dump() + R"(,"result":{"thread":{"id":"t1"}}})");
  drain();
  EXPECT_EQ(got["thread"]["id"], "t1");
  ASSERT_EQ(sent.size(), 2u);
  peer->receive_line(R"({"id":)" + sent[1]["id"].dump() +
                     R"(,"error":{"code":-32600,"message":"thread not found: t1"}})");
  drain();
  EXPECT_EQ(rpc_error_code, -32600);
}

TEST_F(PeerTest, CallTimesOutAndCloseFailsPendingCalls) {
  auto peer = make({.name = "child", .require_jsonrpc_field = false, .reply_to_malformed = false});
  int timeout_code = 0, closed_code = 0;
  asio::co_spawn(io, time_out_then_wait(peer, timeout_code, closed_code), asio::detached);
  drain();
  EXPECT_EQ(timeout_code, code::kRequestTimeout);
  peer->close("app-server exited");
  drain();
  EXPECT_EQ(closed_code, code::kConnectionClosed);
}

TEST_F(PeerTest, AnAbandonedCallIsReportedWithItsIdButNotOneThatWasAnswered) {
  auto peer = make({.name = "child", .require_jsonrpc_field = false, .reply_to_malformed = false});
  std::vector<std::int64_t> abandoned;
  peer->on_call_abandoned([&](std::int64_t id, const std::string&) { abandoned.push_back(id); });
  int timeout_code = 0, closed_code = 0;
  asio::co_spawn(io, time_out_then_wait(peer, timeout_code, closed_code), asio::detached);
  drain();
  EXPECT_EQ(timeout_code, code::kRequestTimeout);
  ASSERT_EQ(abandoned.size(), 1u);  // the call that timed out
  EXPECT_EQ(abandoned[0], sent.at(0)["id"].get<std::int64_t>());
  peer->close("app-server exited");  // the connection is gone: nobody to tell
  drain();
  EXPECT_EQ(closed_code, code::kConnectionClosed);
  EXPECT_EQ(abandoned.size(), 1u);
}

TEST_F(PeerTest, ChildGarbageIsReportedButNeverAnswered) {
  auto peer = make({.name = "child", .require_jsonrpc_field = false, .reply_to_malformed = false});
  std::vector<std::string> problems;
  peer->on_protocol_error([&](const std::string& what) { problems.push_back(what); });
  std::vector<std::string> notified;
  peer->on_any_notification(
      [&](const std::string& method, const Json&) { notified.push_back(method); });
  peer->receive_line("not json");
  peer->receive_line("[1,2]");
  peer->receive_line(R"({"method":"turn/started","params":{}})");  // no "jsonrpc": fine here
  drain();
  EXPECT_TRUE(sent.empty());
  EXPECT_EQ(problems.size(), 2u);
  EXPECT_EQ(notified, (std::vector<std::string>{"turn/started"}));
}

TEST_F(PeerTest, ServerRequestsFromTheChildRouteToTheFallbackHandler) {
  auto peer = make({.name = "child", .require_jsonrpc_field = false, .reply_to_malformed = false});
  peer->on_any_request([](std::string method, Json) -> asio::awaitable<Json> {
    co_return Json{{"handled", method}};
  });
  peer->receive_line(R"({"id":0,"method":"item/tool/call","params":{}})");
  drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["id"], 0);
  EXPECT_EQ(sent[0]["result"]["handled"], "item/tool/call");
}

namespace {

std::string nested(std::size_t depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

}  // namespace

TEST_F(PeerTest, NumbersOutOfRangeAreParseErrorsAndReadingGoesOn) {
  auto peer = make();
  peer->on_request("ping", [](Json) -> asio::awaitable<Json> { co_return Json::object(); });
  peer->receive_line(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":1e999}})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":2,"method":"ping","params":{"x":)" +
                     std::string(100000, '7') + "}}");
  peer->receive_line(R"({"jsonrpc":"2.0","id":3,"method":"ping"})");
  drain();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0]["error"]["code"], code::kParseError);
  EXPECT_EQ(sent[1]["error"]["code"], code::kParseError);
  EXPECT_EQ(sent[2]["id"], 3);
  EXPECT_TRUE(sent[2].contains("result"));
}

TEST_F(PeerTest, DeepNestingFromTheClientIsRefusedBeforeAnythingCopiesIt) {
  auto peer = make();
  peer->on_request("ping", [](Json) -> asio::awaitable<Json> { co_return Json::object(); });
  const auto deep = nested(90000);
  // Each place the issue found a recursive copy or dump of a client's value.
  peer->receive_line(R"({"jsonrpc":)" + deep + R"(,"id":1,"method":"ping"})");
  peer->receive_line(R"({"jsonrpc":"2.0","id":)" + deep + R"(,"result":{}})");
  peer->receive_line(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":)"
                     R"({"requestId":)" +
                     deep + "}}");
  peer->receive_line(R"({"jsonrpc":"2.0","id":2,"method":"ping","params":{"a":)" + deep + "}}");
  peer->receive_line(R"({"jsonrpc":"2.0","id":3,"method":"ping"})");
  drain();
  ASSERT_EQ(sent.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(sent[i]["error"]["code"], code::kInvalidRequest) << sent[i].dump();
    EXPECT_NE(sent[i]["error"]["message"].get<std::string>().find("nested deeper than"),
              std::string::npos);
  }
  EXPECT_EQ(sent[4]["id"], 3);
  // Within the bound, nesting is fine.
  peer->receive_line(R"({"jsonrpc":"2.0","id":4,"method":"ping","params":{"a":)" + nested(200) +
                     "}}");
  drain();
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_TRUE(sent[5].contains("result"));
}

TEST_F(PeerTest, DeepNestingFromAChildIsDroppedAndReported) {
  auto peer = make({.name = "child", .require_jsonrpc_field = false, .reply_to_malformed = false});
  std::vector<std::string> problems;
  peer->on_protocol_error([&](const std::string& what) { problems.push_back(what); });
  std::vector<std::string> notified;
  peer->on_any_notification(
      [&](const std::string& method, const Json&) { notified.push_back(method); });
  peer->receive_line(R"({"id":)" + nested(90000) + R"(,"result":{}})");
  peer->receive_line(R"({"method":"x","params":{"n":1e999}})");
  peer->receive_line(R"({"method":"turn/started","params":{}})");
  drain();
  EXPECT_TRUE(sent.empty());
  EXPECT_EQ(problems.size(), 2u);
  EXPECT_EQ(notified, (std::vector<std::string>{"turn/started"}));
}
