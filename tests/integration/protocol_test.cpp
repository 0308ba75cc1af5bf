// The built server over pipes: handshake, every JSON-RPC error path, pipelining, stdout
// cleanliness, cancellation, and exit on EOF or signal.
#include <gtest/gtest.h>

#include <csignal>
#include <set>
#include <string>

#include "mcp_process.hpp"

using codex_mcp::testing::Json;
using codex_mcp::testing::McpProcess;
using namespace std::chrono_literals;

namespace {

McpProcess start_server(std::vector<std::string> args = {}) {
  return McpProcess(CODEX_MCP_BINARY, std::move(args),
                    {"CODEX_MCP_STATE_DIR=/tmp/codex-mcp-protocol-test-state"});
}

Json request(const Json& id, const std::string& method, Json params = Json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

}  // namespace

TEST(Protocol, ServerDiscoverIsAnsweredAndALaterInitializeWorksAsBefore) {
  auto server = start_server();
  server.send(request("server-discover-probe-1", "server/discover"));
  auto probe = server.read_response("server-discover-probe-1");
  ASSERT_TRUE(probe);
  EXPECT_EQ((*probe)["result"]["supportedVersions"], Json::array({"2026-07-28"}));

  const auto result = server.initialize("2025-11-25");
  EXPECT_EQ(result["protocolVersion"], "2025-11-25");
  EXPECT_EQ(result["serverInfo"]["name"], "codex-mcp");
  EXPECT_TRUE(result["capabilities"].contains("tools"));
  EXPECT_TRUE(result["capabilities"].contains("resources"));
  EXPECT_FALSE(result["capabilities"].contains("prompts"));  // only what is implemented
}

TEST(Protocol, InitializeEchoesSupportedVersionsAndOffersLatestOtherwise) {
  for (const std::string version : {"2025-03-26", "2025-06-18", "2025-11-25"}) {
    auto server = start_server();
    EXPECT_EQ(server.initialize(version)["protocolVersion"], version);
  }
  auto server = start_server();
  EXPECT_EQ(server.initialize("2024-11-05")["protocolVersion"], "2025-11-25");
}

TEST(Protocol, PingAndIdTypesAreEchoed) {
  auto server = start_server();
  server.initialize();
  server.send(request(7, "ping"));
  auto by_int = server.read_response(7);
  ASSERT_TRUE(by_int);
  EXPECT_TRUE((*by_int)["id"].is_number_integer());
  EXPECT_EQ((*by_int)["result"], Json::object());
  server.send(request("7", "ping"));
  auto by_string = server.read_response("7");
  ASSERT_TRUE(by_string);
  EXPECT_TRUE((*by_string)["id"].is_string());
  EXPECT_EQ((*by_string)["jsonrpc"], "2.0");
}

TEST(Protocol, ToolsListHasTheFiveToolsWithCompleteSchemas) {
  auto server = start_server();
  const auto init = server.initialize();
  // Claude Code puts the instructions in the system prompt and cuts them at 4,096 characters.
  EXPECT_LE(init["instructions"].get<std::string>().size(), 4096u);
  server.send(request(1, "tools/list"));
  auto response = server.read_response(1);
  ASSERT_TRUE(response);
  std::set<std::string> names;
  for (const auto& tool : (*response)["result"]["tools"]) {
    names.insert(tool["name"]);
    EXPECT_EQ(tool["inputSchema"]["type"], "object") << tool["name"];
    EXPECT_TRUE(tool.contains("title"));
    EXPECT_TRUE(tool["annotations"].contains("readOnlyHint"));
    // Only the readiness check changes nothing: the others may start, stop or approve work.
    EXPECT_EQ(tool["annotations"]["readOnlyHint"], tool["name"] == "codex_setup") << tool["name"];
    EXPECT_FALSE(tool["_meta"]["anthropic/searchHint"].get<std::string>().empty()) << tool["name"];
    EXPECT_FALSE(tool["description"].get<std::string>().empty());
  }
  EXPECT_EQ(names, (std::set<std::string>{"codex_setup", "codex", "codex_reply", "codex_session",
                                          "codex_check"}));
}

TEST(Protocol, TheContractsSixResourcesAreListedAndRead) {
  auto server = start_server();
  const auto init = server.initialize();
  EXPECT_TRUE(init["capabilities"]["resources"].is_object()) << init.dump();
  server.send(request(1, "resources/list"));
  const auto listed = server.read_response(1);
  ASSERT_TRUE(listed);
  std::set<std::string> uris;
  int id = 100;
  for (const auto& resource : (*listed)["result"]["resources"]) {
    const auto uri = resource["uri"].get<std::string>();
    uris.insert(uri);
    EXPECT_FALSE(resource["description"].get<std::string>().empty()) << uri;
    server.send(request(++id, "resources/read", {{"uri", uri}}));
    const auto read = server.read_response(id);
    ASSERT_TRUE(read) << uri;
    const auto& content = (*read)["result"]["contents"][0];
    EXPECT_EQ(content["uri"], uri);
    EXPECT_EQ(content["mimeType"], resource["mimeType"]);
    const auto text = content["text"].get<std::string>();
    if (resource["mimeType"] == "application/json") {
      EXPECT_TRUE(Json::parse(text).is_object()) << uri;
    } else {
      EXPECT_EQ(resource["mimeType"], "text/markdown");
      EXPECT_EQ(text.rfind("# codex-mcp ", 0), 0u) << uri << ": " << text.substr(0, 80);
    }
  }
  EXPECT_EQ(uris, (std::set<std::string>{"codex-mcp:///server-info", "codex-mcp:///compat-report",
                                         "codex-mcp:///config", "codex-mcp:///gotchas",
                                         "codex-mcp:///quickstart", "codex-mcp:///errors"}));

  server.send(request(2, "resources/read", {{"uri", "codex-mcp:///server-info"}}));
  const auto info =
      Json::parse((*server.read_response(2))["result"]["contents"][0]["text"].get<std::string>());
  EXPECT_EQ(info["name"], "codex-mcp");
  EXPECT_EQ(info["stateDir"], "/tmp/codex-mcp-protocol-test-state");

  server.send(request(3, "resources/read", {{"uri", "codex-mcp:///nope"}}));
  EXPECT_EQ((*server.read_response(3))["error"]["code"], -32002);
  server.send(request(4, "resources/read", Json::object()));
  EXPECT_EQ((*server.read_response(4))["error"]["code"], -32602);
  server.send(request(5, "resources/templates/list"));
  const auto templates = (*server.read_response(5))["result"]["resourceTemplates"];
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_EQ(templates[0]["uriTemplate"], "codex-mcp://sessions/{sessionId}/result");
  server.send(request(6, "resources/read", {{"uri", "codex-mcp://sessions/sess_nope/result"}}));
  EXPECT_EQ((*server.read_response(6))["error"]["code"], -32002);
}

TEST(Protocol, ErrorCodesForEveryKindOfBadMessage) {
  auto server = start_server();
  server.initialize();
  server.send_raw("this is not json\n");
  auto parse_error = server.read_message();
  ASSERT_TRUE(parse_error);
  EXPECT_EQ((*parse_error)["error"]["code"], -32700);
  EXPECT_TRUE((*parse_error)["id"].is_null());

  server.send_raw("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]\n");
  auto batch = server.read_message();
  ASSERT_TRUE(batch);
  EXPECT_EQ((*batch)["error"]["code"], -32600);

  server.send_raw("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":5}\n");
  auto bad_method = server.read_message();
  ASSERT_TRUE(bad_method);
  EXPECT_EQ((*bad_method)["error"]["code"], -32600);
  EXPECT_EQ((*bad_method)["id"], 2);

  server.send_raw("{\"id\":3,\"method\":\"ping\"}\n");  // missing "jsonrpc"
  auto no_version = server.read_message();
  ASSERT_TRUE(no_version);
  EXPECT_EQ((*no_version)["error"]["code"], -32600);

  server.send(request(4, "no/such/method"));
  auto unknown = server.read_response(4);
  ASSERT_TRUE(unknown);
  EXPECT_EQ((*unknown)["error"]["code"], -32601);

  server.send(request(5, "tools/call", {{"name", "no_such_tool"}, {"arguments", Json::object()}}));
  auto unknown_tool = server.read_response(5);
  ASSERT_TRUE(unknown_tool);
  EXPECT_EQ((*unknown_tool)["error"]["code"], -32602);

  // The connection is still healthy after all of that.
  server.send(request(6, "ping"));
  EXPECT_TRUE(server.read_response(6));
}

TEST(Protocol, OversizedLineIsRejectedAndReadingContinues) {
  auto server = start_server({"--max-line-bytes", "4096"});
  server.initialize();
  server.send_raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"" +
                  std::string(100000, 'a') + "\"}}\n");
  auto rejected = server.read_message();
  ASSERT_TRUE(rejected);
  EXPECT_EQ((*rejected)["error"]["code"], -32600);
  EXPECT_NE((*rejected)["error"]["message"].get<std::string>().find("maximum line size"),
            std::string::npos);
  server.send(request(2, "ping"));
  EXPECT_TRUE(server.read_response(2));
}

TEST(Protocol, ArgumentValidationIsAToolErrorNamingTheField) {
  auto server = start_server();
  server.initialize();
  auto missing = server.call_tool("codex", {{"approvalPolicy", "never"}, {"sandbox", "read-only"}});
  EXPECT_TRUE(missing["result"]["isError"].get<bool>());
  const auto text = missing["result"]["content"][0]["text"].get<std::string>();
  EXPECT_EQ(text.rfind("Error [INVALID_ARGUMENT]: ", 0), 0u) << text;
  EXPECT_NE(text.find("prompt"), std::string::npos) << text;

  auto bad_enum = server.call_tool("codex_check", {{"action", "peek"}, {"sessionId", "s"}});
  const auto enum_text = bad_enum["result"]["content"][0]["text"].get<std::string>();
  EXPECT_NE(enum_text.find("action must be one of"), std::string::npos) << enum_text;

  auto nested = server.call_tool("codex", {{"prompt", "p"},
                                           {"approvalPolicy", "never"},
                                           {"sandbox", "read-only"},
                                           {"advanced", {{"approvalTimeoutMs", "soon"}}}});
  const auto nested_text = nested["result"]["content"][0]["text"].get<std::string>();
  EXPECT_NE(nested_text.find("advanced.approvalTimeoutMs"), std::string::npos) << nested_text;
}

TEST(Protocol, PipelinedRequestsAreAllAnswered) {
  auto server = start_server();
  server.initialize();
  std::string burst;
  for (int i = 0; i < 200; ++i) burst += request(i + 1, "ping").dump() + "\n";
  server.send_raw(burst);
  std::set<int> seen;
  while (seen.size() < 200) {
    auto message = server.read_message();
    ASSERT_TRUE(message) << "only " << seen.size() << " answers";
    seen.insert((*message)["id"].get<int>());
  }
  EXPECT_EQ(*seen.begin(), 1);
  EXPECT_EQ(*seen.rbegin(), 200);
}

TEST(Protocol, CancelledRequestGetsNoResponse) {
  auto server = start_server();
  server.initialize();
  // A cancel for a finished or unknown request is ignored without a reply.
  server.send({{"jsonrpc", "2.0"},
               {"method", "notifications/cancelled"},
               {"params", {{"requestId", 999}, {"reason", "test"}}}});
  server.send(request(1, "ping"));
  auto next = server.read_message();
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["id"], 1);
}

TEST(Protocol, StdoutCarriesOnlyJsonRpcAndLogsGoToStderr) {
  auto server = start_server({"--log-level", "debug"});
  server.initialize();
  server.send_raw("garbage\n");
  server.send(request(1, "tools/list"));
  server.close_stdin();
  int lines = 0;
  while (auto line = server.read_line(10s)) {
    const auto message = Json::parse(*line);  // throws on anything but JSON
    EXPECT_EQ(message["jsonrpc"], "2.0");
    ++lines;
  }
  EXPECT_GE(lines, 2);
  EXPECT_EQ(server.wait_exit(), 0);
  const auto logs = server.stderr_text();
  EXPECT_NE(logs.find("[codex-mcp]"), std::string::npos);
  // At debug, each request's time in the server (bench_protocol reads these lines).
  EXPECT_NE(logs.find("[mcp] answered tools/list 1 in "), std::string::npos) << logs;
  EXPECT_NE(logs.find("[mcp] answered initialize 0 in "), std::string::npos) << logs;
}

TEST(Protocol, ExitsZeroOnStdinEof) {
  auto server = start_server();
  server.initialize();
  server.close_stdin();
  EXPECT_EQ(server.wait_exit(), 0);
}

TEST(Protocol, ExitsOnSigterm) {
  auto server = start_server();
  server.initialize();
  server.kill_now(SIGTERM);
  EXPECT_EQ(server.wait_exit(), 0);
}

TEST(CommandLine, VersionHelpAndBadValues) {
  {
    McpProcess version(CODEX_MCP_BINARY, {"--version"});
    auto line = version.read_line();
    ASSERT_TRUE(line);
    EXPECT_EQ(line->rfind("codex-mcp ", 0), 0u);
    EXPECT_EQ(version.wait_exit(), 0);
  }
  {
    McpProcess help(CODEX_MCP_BINARY, {"--help"});
    auto line = help.read_line();
    ASSERT_TRUE(line);
    EXPECT_EQ(help.wait_exit(), 0);
  }
  {
    McpProcess bad(CODEX_MCP_BINARY, {"--log-level", "loud"});
    EXPECT_EQ(bad.wait_exit(), 2);
    EXPECT_NE(bad.stderr_text().find("--log-level"), std::string::npos) << bad.stderr_text();
    EXPECT_FALSE(bad.read_line(1s));  // nothing on stdout
  }
  {
    McpProcess bad_env(CODEX_MCP_BINARY, {}, {"CODEX_MCP_STDIO_MODE=sometimes"});
    EXPECT_EQ(bad_env.wait_exit(), 2);
  }
  {
    McpProcess unknown(CODEX_MCP_BINARY, {"--frobnicate"});
    EXPECT_EQ(unknown.wait_exit(), 2);
  }
}
