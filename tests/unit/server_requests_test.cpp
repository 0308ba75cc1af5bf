#include "codex_mcp/session/server_requests.hpp"

#include <gtest/gtest.h>

#include "codex_mcp/jsonrpc/errors.hpp"
#include "codex_mcp/session/errors.hpp"

using namespace codex_mcp::session;
using codex_mcp::jsonrpc::RpcError;

TEST(ServerRequests, ApprovalsAndQuestionsBecomeActions) {
  auto command = caller_action("item/commandExecution/requestApproval",
                               {{"itemId", "call_1"},
                                {"command", "/bin/bash -lc 'touch x'"},
                                {"cwd", "/w"},
                                {"threadId", "t"},
                                {"availableDecisions", {"accept", "cancel"}}});
  ASSERT_TRUE(command);
  EXPECT_EQ(command->kind, ActionKind::command_approval);
  EXPECT_EQ(command->details["command"], "/bin/bash -lc 'touch x'");
  EXPECT_FALSE(command->details.contains("threadId"));
  EXPECT_TRUE(caller_action("item/fileChange/requestApproval", {{"itemId", "c"}}));
  auto question = caller_action("item/tool/requestUserInput", {{"questions", Json::array()}});
  ASSERT_TRUE(question);
  EXPECT_EQ(to_string(question->kind), "user_input");
  EXPECT_FALSE(caller_action("item/tool/call", Json::object()));
}

TEST(ServerRequests, EveryOtherRequestGetsAnExplicitAnswer) {
  EXPECT_EQ(automatic_answer("mcpServer/elicitation/request", {}, 0)["action"], "decline");
  EXPECT_EQ(automatic_answer("item/permissions/requestApproval", {}, 0)["scope"], "turn");
  EXPECT_FALSE(automatic_answer("item/tool/call", {{"tool", "x"}}, 0)["success"].get<bool>());
  EXPECT_EQ(automatic_answer("currentTime/read", {}, 1700000000123)["currentTimeAt"], 1700000000);
  EXPECT_TRUE(automatic_answer("execCommandApproval", {}, 0)["decision"].contains("denied"));
  EXPECT_TRUE(automatic_answer("applyPatchApproval", {}, 0)["decision"].contains("denied"));
  EXPECT_THROW(automatic_answer("account/chatgptAuthTokens/refresh", {}, 0), RpcError);
  EXPECT_THROW(automatic_answer("attestation/generate", {}, 0), RpcError);
  try {
    automatic_answer("some/new/request", {}, 0);
    FAIL();
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), -32601);
  }
}

TEST(ServerRequests, DecisionsMapToTheWireShapes) {
  EXPECT_EQ(permission_answer(ActionKind::command_approval, "accept", {}, std::nullopt),
            (Json{{"decision", "accept"}}));
  EXPECT_EQ(permission_answer(
                ActionKind::command_approval, "acceptWithExecpolicyAmendment", {"touch"},
                std::nullopt)["decision"]["acceptWithExecpolicyAmendment"]["execpolicy_amendment"],
            Json::array({"touch"}));
  const Json network = {{"action", "allow"}, {"host", "example.com"}};
  EXPECT_EQ(
      permission_answer(
          ActionKind::command_approval, "applyNetworkPolicyAmendment", {},
          network)["decision"]["applyNetworkPolicyAmendment"]["network_policy_amendment"]["host"],
      "example.com");
  EXPECT_THROW(permission_answer(ActionKind::file_change_approval, "acceptWithExecpolicyAmendment",
                                 {"x"}, std::nullopt),
               SessionError);
  EXPECT_THROW(permission_answer(ActionKind::user_input, "accept", {}, std::nullopt), SessionError);
  EXPECT_EQ(decline_answer(ActionKind::file_change_approval)["decision"], "decline");
  EXPECT_EQ(user_input_answer({{"q1", {{"answers", {"red"}}}}})["answers"]["q1"]["answers"][0],
            "red");
}
