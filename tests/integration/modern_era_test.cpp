// MCP 2026-07-28 ("modern") on the built server over pipes: server/discover, the per-request
// _meta envelope and its errors, what every modern result carries, what the revision
// removed, and that each request's era is its own (legacy requests on the same connection
// are answered exactly as before). The end-to-end test runs a real codex turn the way
// Claude Code calls a tool in the modern era.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "e2e_fixture.hpp"
#include "mcp_process.hpp"

using codex_mcp::testing::Json;
using codex_mcp::testing::McpProcess;
using namespace std::chrono_literals;

namespace {

const std::string kVersionKey = "io.modelcontextprotocol/protocolVersion";
const std::string kCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";
const std::string kServerInfoKey = "io.modelcontextprotocol/serverInfo";

/// The envelope Claude Code 2.1.330 sends on every request in interactive mode.
Json claude_code_envelope() {
  return {{kVersionKey, "2026-07-28"},
          {"io.modelcontextprotocol/clientInfo",
           {{"name", "claude-code"}, {"title", "Claude Code"}, {"version", "2.1.330"}}},
          {kCapabilitiesKey,
           {{"roots", {{"listChanged", true}}},
            {"elicitation", {{"form", Json::object()}, {"url", Json::object()}}},
            {"extensions", {{"io.modelcontextprotocol/tasks", Json::object()}}}}}};
}

McpProcess start_server() {
  return McpProcess(CODEX_MCP_BINARY, {}, {"CODEX_MCP_STATE_DIR=/tmp/codex-mcp-modern-test-state"});
}

Json request(const Json& id, const std::string& method, Json params = Json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

/// The same request with the modern envelope (plus `extra_meta`) in params._meta.
Json modern(const Json& id, const std::string& method, Json params = Json::object(),
            const Json& extra_meta = Json::object()) {
  Json meta = claude_code_envelope();
  meta.update(extra_meta);
  params["_meta"] = std::move(meta);
  return request(id, method, std::move(params));
}

Json answer(McpProcess& server, const Json& message) {
  server.send(message);
  const auto response = server.read_response(message["id"]);
  EXPECT_TRUE(response) << message.dump();
  return response.value_or(Json::object());
}

void expect_modern_result(const Json& result, bool cacheable, const std::string& what) {
  EXPECT_EQ(result["resultType"], "complete") << what;
  EXPECT_EQ(result["_meta"][kServerInfoKey]["name"], "codex-mcp") << what;
  EXPECT_FALSE(result["_meta"][kServerInfoKey]["version"].get<std::string>().empty()) << what;
  if (cacheable) {
    ASSERT_TRUE(result["ttlMs"].is_number_integer()) << what << ": " << result.dump();
    EXPECT_GE(result["ttlMs"].get<long>(), 0) << what;
    EXPECT_TRUE(result["cacheScope"] == "public" || result["cacheScope"] == "private") << what;
  } else {
    EXPECT_FALSE(result.contains("ttlMs")) << what;
  }
}

}  // namespace

TEST(ModernEra, DiscoverAnswersWithTheModernRevisionWhatWeServeAndWhoWeAre) {
  auto server = start_server();
  const auto response = answer(server, modern("server-discover-probe-1", "server/discover"));
  const auto& result = response["result"];
  expect_modern_result(result, true, "server/discover");
  EXPECT_EQ(result["supportedVersions"], Json::array({"2026-07-28"}));
  EXPECT_TRUE(result["capabilities"]["tools"].is_object());
  EXPECT_TRUE(result["capabilities"]["resources"].is_object());
  EXPECT_EQ(result["capabilities"]["extensions"],
            Json({{"io.modelcontextprotocol/tasks", Json::object()}}));
  EXPECT_FALSE(result["capabilities"].contains("prompts"));
  EXPECT_FALSE(result["instructions"].get<std::string>().empty());
  EXPECT_FALSE(result.contains("serverInfo"));  // identity goes in _meta only

  // A probe without an envelope (a client only asking) gets the same answer.
  EXPECT_EQ(answer(server, request(2, "server/discover"))["result"], result);
}

TEST(ModernEra, AMissingEnvelopeKeyIsRefusedWithTheSdksMessageAndData) {
  auto server = start_server();
  auto without = [](const std::string& key) {
    Json meta = claude_code_envelope();
    meta.erase(key);
    return request(1, "tools/list", {{"_meta", meta}});
  };
  auto error = answer(server, without(kCapabilitiesKey))["error"];
  EXPECT_EQ(error,
            (Json{{"code", -32602},
                  {"message",
                   "Invalid _meta envelope for protocol revision 2026-07-28: "
                   "io.modelcontextprotocol/clientCapabilities: missing"},
                  {"data", {{"envelope", {{"key", kCapabilitiesKey}, {"problem", "missing"}}}}}}));
  // Without the version there is no modern claim (as in the SDK): a legacy request.
  const auto legacy = answer(server, without(kVersionKey));
  EXPECT_EQ(legacy["result"]["tools"].size(), 5u) << legacy.dump();
  EXPECT_FALSE(legacy["result"].contains("resultType"));

  // Malformed keys are refused the same way, naming the key and the problem.
  error =
      answer(server, modern(2, "tools/list", Json::object(), {{kCapabilitiesKey, "all"}}))["error"];
  EXPECT_EQ(error["code"], -32602);
  EXPECT_EQ(error["data"]["envelope"],
            (Json{{"key", kCapabilitiesKey},
                  {"problem", "Invalid input: expected object, received string"}}));
  error =
      answer(server, modern(3, "tools/list", Json::object(),
                            {{"io.modelcontextprotocol/clientInfo", {{"name", "x"}}}}))["error"];
  EXPECT_EQ(error["data"]["envelope"]["key"], "io.modelcontextprotocol/clientInfo.version");
  error = answer(server, modern(4, "resources/read", {{"uri", "codex-mcp:///errors"}},
                                {{"io.modelcontextprotocol/logLevel", "loud"}}))["error"];
  EXPECT_EQ(error["data"]["envelope"]["key"], "io.modelcontextprotocol/logLevel");
  // The refusals left the connection usable.
  EXPECT_EQ(answer(server, modern(5, "tools/list"))["result"]["resultType"], "complete");
}

TEST(ModernEra, AnUnsupportedVersionIsRefusedNamingTheSupportedOnes) {
  auto server = start_server();
  for (const std::string version : {"2027-01-01", "2025-11-25"}) {
    for (const std::string method : {"server/discover", "tools/list", "tools/call"}) {
      const auto error = answer(server, modern(method + version, method, {{"name", "codex_setup"}},
                                               {{kVersionKey, version}}))["error"];
      EXPECT_EQ(error, (Json{{"code", -32022},
                             {"message", "Unsupported protocol version: " + version},
                             {"data", {{"supported", {"2026-07-28"}}, {"requested", version}}}}))
          << method;
    }
  }
}

TEST(ModernEra, EveryResultKindCarriesResultTypeServerInfoAndCacheHintsWhereCacheable) {
  auto server = start_server();
  const auto tools = answer(server, modern(1, "tools/list"))["result"];
  expect_modern_result(tools, true, "tools/list");
  EXPECT_EQ(tools["tools"].size(), 5u);
  const auto resources = answer(server, modern(2, "resources/list"))["result"];
  expect_modern_result(resources, true, "resources/list");
  EXPECT_EQ(resources["resources"].size(), 6u);
  const auto templates = answer(server, modern(3, "resources/templates/list"))["result"];
  expect_modern_result(templates, true, "resources/templates/list");
  EXPECT_TRUE(templates["resourceTemplates"].is_array());
  const auto read =
      answer(server, modern(4, "resources/read", {{"uri", "codex-mcp:///server-info"}}))["result"];
  expect_modern_result(read, true, "resources/read");
  EXPECT_EQ(Json::parse(read["contents"][0]["text"].get<std::string>())["name"], "codex-mcp");
  // A tool failure is an isError result in this era too.
  const auto failed = answer(
      server, modern(5, "tools/call",
                     {{"name", "codex_session"}, {"arguments", {{"action", "get"}}}}))["result"];
  expect_modern_result(failed, false, "tools/call");
  EXPECT_TRUE(failed["isError"].get<bool>());
  EXPECT_EQ(failed["content"][0]["text"].get<std::string>().rfind("Error [INVALID_ARGUMENT]", 0),
            0u);
  const auto setup = answer(
      server, modern(6, "tools/call", {{"name", "codex_setup"}, {"arguments", Json::object()}},
                     {{"progressToken", 1}, {"claudecode/toolUseId", "toolu_1"}}));
  expect_modern_result(setup["result"], false, "codex_setup");
  EXPECT_EQ(setup["result"]["structuredContent"]["stateDir"]["path"],
            "/tmp/codex-mcp-modern-test-state");
  EXPECT_EQ(Json::parse(setup["result"]["content"][0]["text"].get<std::string>()),
            setup["result"]["structuredContent"]);
  // An unknown tool is a bad request in both eras.
  EXPECT_EQ(answer(server, modern(7, "tools/call", {{"name", "nope"}}))["error"]["code"], -32602);
}

TEST(ModernEra, EachRequestsEraIsItsOwnOnOneConnection) {
  auto server = start_server();
  // Modern first, with no discover: nothing is negotiated, so none is needed.
  EXPECT_EQ(answer(server, modern(1, "tools/list"))["result"]["resultType"], "complete");
  // A legacy request on the same connection is answered as a 2025 server always did.
  const auto legacy = answer(server, request(2, "tools/list"))["result"];
  EXPECT_FALSE(legacy.contains("resultType"));
  EXPECT_FALSE(legacy.contains("_meta"));
  EXPECT_FALSE(legacy.contains("ttlMs"));
  EXPECT_EQ(legacy["tools"], answer(server, modern(3, "tools/list"))["result"]["tools"]);
  // A request with only a progress token in _meta is legacy (2025 clients send that).
  const auto call = answer(server, request(4, "tools/call",
                                           {{"name", "codex_setup"},
                                            {"arguments", Json::object()},
                                            {"_meta", {{"progressToken", "p"}}}}))["result"];
  EXPECT_FALSE(call.contains("resultType"));
  EXPECT_FALSE(call["isError"].get<bool>());
}

TEST(ModernEra, PingAndLoggingAreGoneForModernRequestsOnly) {
  auto server = start_server();
  EXPECT_EQ(answer(server, modern(1, "ping"))["error"]["code"], -32601);
  EXPECT_EQ(answer(server, modern(2, "logging/setLevel", {{"level", "debug"}}))["error"]["code"],
            -32601);
  EXPECT_EQ(answer(server, modern(3, "resources/subscribe",
                                  {{"uri", "codex-mcp:///errors"}}))["error"]["code"],
            -32601);
  EXPECT_EQ(answer(server, request(4, "ping"))["result"], Json::object());  // legacy still pings
  // initialize with a modern envelope is a modern request for a method the revision lacks.
  EXPECT_EQ(
      answer(server, modern(5, "initialize", {{"protocolVersion", "2025-11-25"}}))["error"]["code"],
      -32601);
}

TEST(ModernEra, AnUnknownResourceIsInvalidParamsInTheModernEraAndMinus32002InTheLegacyOne) {
  auto server = start_server();
  const auto modern_error =
      answer(server, modern(1, "resources/read", {{"uri", "codex-mcp:///nope"}}))["error"];
  EXPECT_EQ(modern_error["code"], -32602);
  EXPECT_EQ(modern_error["data"]["uri"], "codex-mcp:///nope");
  EXPECT_EQ(
      answer(server, request(2, "resources/read", {{"uri", "codex-mcp:///nope"}}))["error"]["code"],
      -32002);
  EXPECT_EQ(answer(server, modern(3, "resources/read", Json::object()))["error"]["code"], -32602);
}

TEST(ModernEra, InitializeAfterADiscoverProbeIsTheLegacyProtocolAsBefore) {
  auto server = start_server();
  ASSERT_TRUE(
      answer(server, modern("server-discover-probe-1", "server/discover")).contains("result"));
  const auto init = server.initialize("2025-06-18");
  EXPECT_EQ(init["protocolVersion"], "2025-06-18");
  EXPECT_EQ(init["serverInfo"]["name"], "codex-mcp");
  EXPECT_FALSE(init.contains("resultType"));
  EXPECT_EQ(answer(server, request(1, "ping"))["result"], Json::object());
  const auto read =
      answer(server, request(2, "resources/read", {{"uri", "codex-mcp:///errors"}}))["result"];
  EXPECT_FALSE(read.contains("resultType"));
  EXPECT_EQ(read["contents"][0]["mimeType"], "text/markdown");
}

namespace codex_mcp::testing {

class ModernEraE2E : public E2EFixture {};

// What Claude Code does once discover answers: no initialize, the envelope on every request,
// and tools/call _meta with its own keys and a progress token. The turn runs for real.
// Without the tasks extension (as `claude -p` declares it): the call waits for the result
// (tasks_test.cpp has the interactive CLI's tasks).
TEST_F(ModernEraE2E, ACodexTurnRunsTheWayClaudeCodeCallsItWithProgress) {
  start_model({{"rules",
                {{{"when", {{"userTextContains", "modern"}}},
                  {"reply", {{"text", "modern answer"}, {"chunks", 4}, {"delayMs", 200}}}}}}});
  legacy_handshake_ = false;
  start_server(kCodex);
  ASSERT_TRUE(
      answer(*server_, modern("server-discover-probe-1", "server/discover")).contains("result"));
  ASSERT_EQ(answer(*server_, modern(1, "tools/list"))["result"]["tools"].size(), 5u);
  const auto response = answer(*server_, modern(2, "tools/call",
                                                {{"name", "codex"},
                                                 {"arguments",
                                                  {{"prompt", "a modern question"},
                                                   {"approvalPolicy", "never"},
                                                   {"sandbox", "read-only"},
                                                   {"cwd", (root_ / "work").string()},
                                                   {"advanced", {{"waitForResult", 60000}}}}}},
                                                {{"claudecode/toolUseId", "toolu_01"},
                                                 {"progressToken", 1},
                                                 {kCapabilitiesKey,
                                                  {{"roots", {{"listChanged", true}}},
                                                   {"elicitation", {{"form", Json::object()}}}}}}));
  const auto& result = response["result"];
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_EQ(result["structuredContent"]["result"]["text"], "modern answer") << result.dump();
  int progress = 0;
  for (const auto& message : server_->skipped) {
    if (message.value("method", "") != "notifications/progress") continue;
    EXPECT_EQ(message["params"]["progressToken"], 1);
    ++progress;
  }
  EXPECT_GE(progress, 1);
  // The polling tools answer in this era too.
  const auto sid = result["structuredContent"]["sessionId"];
  const auto info = answer(
      *server_,
      modern(3, "tools/call",
             {{"name", "codex_session"}, {"arguments", {{"action", "get"}, {"sessionId", sid}}}}));
  EXPECT_EQ(info["result"]["structuredContent"]["sessionId"], sid) << info.dump();
}

}  // namespace codex_mcp::testing
