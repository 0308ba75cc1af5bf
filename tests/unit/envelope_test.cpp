// The era of one request from its params, the envelope's errors, and the modern result
// fields (mcp/envelope).
#include <gtest/gtest.h>

#include "codex_mcp/jsonrpc/errors.hpp"
#include "codex_mcp/mcp/envelope.hpp"

using codex_mcp::jsonrpc::RpcError;
using codex_mcp::mcp::CacheHint;
using codex_mcp::mcp::Json;
using codex_mcp::mcp::ModernResults;
using codex_mcp::mcp::read_envelope;

namespace {

Json envelope() {
  return {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
          {"io.modelcontextprotocol/clientCapabilities", {{"elicitation", Json::object()}}}};
}

/// The error read_envelope throws for params whose _meta is `meta`.
Json refusal(const Json& meta) {
  try {
    read_envelope({{"_meta", meta}});
  } catch (const RpcError& e) {
    return e.to_json();
  }
  ADD_FAILURE() << "accepted " << meta.dump();
  return Json();
}

}  // namespace

TEST(Envelope, WithoutTheVersionKeyARequestIsLegacy) {
  EXPECT_FALSE(read_envelope(Json::object()));
  EXPECT_FALSE(read_envelope(Json::array()));
  EXPECT_FALSE(read_envelope({{"_meta", "x"}}));
  EXPECT_FALSE(read_envelope({{"_meta", {{"progressToken", 1}}}}));  // a 2025 client's _meta
  EXPECT_FALSE(
      read_envelope({{"_meta", {{"io.modelcontextprotocol/clientCapabilities", Json::object()}}}}));
}

TEST(Envelope, AValidEnvelopeIsReadWithItsCapabilities) {
  Json meta = envelope();
  meta["io.modelcontextprotocol/clientInfo"] = {{"name", "c"}, {"version", "1"}};
  meta["io.modelcontextprotocol/logLevel"] = "warning";
  meta["progressToken"] = "p";
  meta["claudecode/toolUseId"] = "toolu_1";  // foreign keys pass
  const auto read = read_envelope({{"_meta", meta}, {"name", "codex"}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->protocol_version, "2026-07-28");
  EXPECT_EQ(read->client_capabilities, (Json{{"elicitation", Json::object()}}));
  EXPECT_EQ(read->client_info["name"], "c");
}

TEST(Envelope, TheFirstProblemIsReportedTheSdksWay) {
  Json meta = envelope();
  meta.erase("io.modelcontextprotocol/clientCapabilities");
  meta["io.modelcontextprotocol/clientInfo"] = 3;
  EXPECT_EQ(refusal(meta), (Json{{"code", -32602},
                                 {"message",
                                  "Invalid _meta envelope for protocol revision 2026-07-28: "
                                  "io.modelcontextprotocol/clientCapabilities: missing"},
                                 {"data",
                                  {{"envelope",
                                    {{"key", "io.modelcontextprotocol/clientCapabilities"},
                                     {"problem", "missing"}}}}}}));
  meta = envelope();
  meta["io.modelcontextprotocol/protocolVersion"] = 2026;
  EXPECT_EQ(refusal(meta)["data"]["envelope"]["problem"],
            "Invalid input: expected string, received number");
  meta = envelope();
  meta["progressToken"] = true;
  EXPECT_EQ(refusal(meta)["data"]["envelope"]["key"], "progressToken");
  meta = envelope();
  meta["io.modelcontextprotocol/logLevel"] = "loud";
  EXPECT_EQ(refusal(meta)["data"]["envelope"]["problem"],
            "Invalid option: expected one of "
            "\"debug\"|\"info\"|\"notice\"|\"warning\"|\"error\"|\"critical\"|\"alert\"|"
            "\"emergency\"");
}

TEST(Envelope, AnUnservedVersionIsMinus32022AfterTheShapeIsChecked) {
  Json meta = envelope();
  meta["io.modelcontextprotocol/protocolVersion"] = "2027-01-01";
  EXPECT_EQ(refusal(meta),
            (Json{{"code", -32022},
                  {"message", "Unsupported protocol version: 2027-01-01"},
                  {"data", {{"supported", {"2026-07-28"}}, {"requested", "2027-01-01"}}}}));
  meta.erase("io.modelcontextprotocol/clientCapabilities");
  EXPECT_EQ(refusal(meta)["code"], -32602);
}

TEST(ModernResults, StampAddsResultTypeServerInfoAndCacheHintsKeepingTheResultsOwnMeta) {
  const ModernResults modern("codex-mcp", "1.2.3");
  const auto stamped =
      modern.stamp({{"tools", Json::array()}, {"_meta", {{"mine", 1}}}}, CacheHint{5, "public"});
  EXPECT_EQ(stamped, (Json{{"tools", Json::array()},
                           {"resultType", "complete"},
                           {"ttlMs", 5},
                           {"cacheScope", "public"},
                           {"_meta",
                            {{"mine", 1},
                             {"io.modelcontextprotocol/serverInfo",
                              {{"name", "codex-mcp"}, {"version", "1.2.3"}}}}}}));
  EXPECT_FALSE(modern.stamp(Json::object()).contains("ttlMs"));
}

TEST(ModernResults, SerializedResultsGetTheSameFieldsSplicedIn) {
  const ModernResults modern("codex-mcp", "1.2.3");
  const std::string tool_result = R"({"content":[{"type":"text","text":"{}"}],"isError":false})";
  EXPECT_EQ(Json::parse(modern.stamp_serialized(tool_result)),
            modern.stamp(Json::parse(tool_result)));
  EXPECT_EQ(Json::parse(modern.stamp_serialized("{}")), modern.stamp(Json::object()));
  EXPECT_EQ(modern.stamp_serialized("[1]"), "[1]");  // not an object: left alone
}
