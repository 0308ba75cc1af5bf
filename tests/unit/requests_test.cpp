#include "codex_mcp/tools/requests.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "codex_mcp/mcp/tool.hpp"

using namespace codex_mcp::tools;
using codex_mcp::mcp::ToolError;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ToolError& e) {
    EXPECT_EQ(e.code(), "INVALID_ARGUMENT");
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

Json minimal_start() {
  return {{"prompt", "fix it"}, {"approvalPolicy", "on-request"}, {"sandbox", "read-only"}};
}

}  // namespace

TEST(DecodeStart, FullRequestRoundTrips) {
  auto args = minimal_start();
  args["effort"] = "high";
  args["cwd"] = "/tmp";
  args["advanced"] = {{"config", {{"model_reasoning_effort", "low"}}},
                      {"images", {"/tmp/a.png"}},
                      {"approvalTimeoutMs", 5000},
                      {"waitForResult", "30000"},  // numeric strings are accepted
                      {"ephemeral", true},
                      {"outputSchema", {{"type", "object"}}}};
  const auto request = decode_start(args);
  EXPECT_EQ(request.prompt, "fix it");
  EXPECT_EQ(request.turn.effort, "high");
  EXPECT_EQ(request.approval_timeout_ms, 5000);
  EXPECT_EQ(request.turn.wait_for_result_ms, 30000);
  EXPECT_TRUE(request.ephemeral);
  EXPECT_EQ(request.images, std::vector<std::string>{"/tmp/a.png"});
  EXPECT_EQ(request.config_overrides["model_reasoning_effort"], "low");
}

TEST(DecodeStart, ARelativeCwdIsTakenFromTheServersDirectory) {
  const auto here = std::filesystem::current_path();
  auto args = minimal_start();
  args["cwd"] = "src/../work/";
  EXPECT_EQ(decode_start(args).turn.cwd, (here / "work").string());
  args["cwd"] = ".";
  EXPECT_EQ(decode_start(args).turn.cwd, here.string());
}

TEST(DecodeCheck, LimitsTheContractLeavesOpenAreTakenNotRefused) {
  const auto check = decode_check({{"action", "poll"},
                                   {"sessionId", "s"},
                                   {"maxEvents", 5000000},
                                   {"pollOptions", {{"maxBytes", 10}}}});
  EXPECT_EQ(check.max_events, 10000);     // more than a ring holds: capped, not refused
  EXPECT_EQ(check.poll.max_bytes, 1000);  // below the floor a reply cannot go: the floor
  auto start = minimal_start();
  start["advanced"] = {{"approvalTimeoutMs", 500}};
  EXPECT_EQ(decode_start(start).approval_timeout_ms, 500);
}

TEST(DecodeStart, ErrorsNameTheField) {
  EXPECT_NE(error_of([] {
              decode_start({{"approvalPolicy", "never"}, {"sandbox", "read-only"}});
            }).find("prompt is required"),
            std::string::npos);
  auto bad_policy = minimal_start();
  bad_policy["approvalPolicy"] = "sometimes";
  EXPECT_NE(
      error_of([&] { decode_start(bad_policy); }).find("untrusted, on-failure, on-request, never"),
      std::string::npos);
  auto kebab = minimal_start();
  kebab["approval-policy"] = "never";
  EXPECT_NE(error_of([&] { decode_start(kebab); }).find("unknown field approval-policy"),
            std::string::npos);
  auto wait = minimal_start();
  wait["advanced"] = {{"waitForResult", 400000}};
  EXPECT_NE(error_of([&] { decode_start(wait); }).find("advanced.waitForResult must be between"),
            std::string::npos);
  auto empty_cwd = minimal_start();
  empty_cwd["cwd"] = "";
  EXPECT_NE(error_of([&] { decode_start(empty_cwd); }).find("cwd must not be empty"),
            std::string::npos);
  auto images = minimal_start();
  images["advanced"] = {{"images", {"/a.png", 3}}};
  EXPECT_NE(error_of([&] { decode_start(images); }).find("advanced.images[1] must be a string"),
            std::string::npos);
}

TEST(DecodeSession, SessionIdRequiredWhereTheActionNeedsIt) {
  EXPECT_NO_THROW(decode_session({{"action", "list"}}));
  EXPECT_NE(error_of([] {
              decode_session({{"action", "fork"}});
            }).find("sessionId is required"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              decode_session({{"action", "clean"}, {"statuses", {"running"}}});
            }).find("statuses entries"),
            std::string::npos);
}

TEST(DecodeCheck, DefaultsAndDecisionRules) {
  const auto poll = decode_check({{"action", "poll"}, {"sessionId", "s"}});
  EXPECT_EQ(poll.response_mode, "minimal");
  EXPECT_TRUE(poll.poll.include_events);
  EXPECT_FALSE(poll.cursor);

  EXPECT_NE(
      error_of([] {
        decode_check({{"action", "respond_permission"}, {"sessionId", "s"}, {"requestId", "r"}});
      }).find("decision is required"),
      std::string::npos);
  EXPECT_NE(error_of([] {
              decode_check({{"action", "respond_permission"},
                            {"sessionId", "s"},
                            {"requestId", "r"},
                            {"decision", "applyNetworkPolicyAmendment"}});
            }).find("network_policy_amendment"),
            std::string::npos);
  const auto network =
      decode_check({{"action", "respond_permission"},
                    {"sessionId", "s"},
                    {"requestId", "r"},
                    {"decision", "applyNetworkPolicyAmendment"},
                    {"network_policy_amendment", {{"action", "allow"}, {"host", "example.com"}}}});
  EXPECT_EQ((*network.network_policy_amendment)["host"], "example.com");

  EXPECT_NE(error_of([] {
              decode_check({{"action", "respond_user_input"},
                            {"sessionId", "s"},
                            {"requestId", "r"},
                            {"answers", {{"q1", {{"answers", "red"}}}}}});
            }).find("answers.q1.answers must be an array"),
            std::string::npos);
  EXPECT_NE(
      error_of([] {
        decode_check({{"action", "poll"}, {"sessionId", "s"}, {"pollOptions", {{"waitMs", -1}}}});
      }).find("pollOptions.waitMs"),
      std::string::npos);
}
