// The enumerated arguments: what tools/list offers is exactly what the decoders accept,
// and a refused value gets INVALID_ARGUMENT naming the field, the value and the valid ones.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/tools/choices.hpp"
#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/tools/schemas.hpp"

using namespace codex_mcp::tools;
using codex_mcp::mcp::ToolError;

namespace {

struct EnumField {
  std::string tool;
  Json::json_pointer schema;    ///< the property in the descriptor
  Json::json_pointer argument;  ///< where the value goes in the arguments
  std::string path;             ///< how error messages name it
};

Json base_arguments(const std::string& tool) {
  if (tool == "codex") {
    return {{"prompt", "p"}, {"approvalPolicy", "never"}, {"sandbox", "read-only"}};
  }
  return {{"sessionId", "s"}, {"prompt", "p"}};
}

void decode(const std::string& tool, const Json& arguments) {
  if (tool == "codex") {
    decode_start(arguments);
  } else {
    decode_reply(arguments);
  }
}

Json descriptor(const std::string& tool) {
  return tool == "codex" ? codex_descriptor() : codex_reply_descriptor();
}

const std::vector<EnumField> kFields = {
    {"codex", Json::json_pointer("/inputSchema/properties/approvalPolicy"),
     Json::json_pointer("/approvalPolicy"), "approvalPolicy"},
    {"codex", Json::json_pointer("/inputSchema/properties/sandbox"), Json::json_pointer("/sandbox"),
     "sandbox"},
    {"codex", Json::json_pointer("/inputSchema/properties/effort"), Json::json_pointer("/effort"),
     "effort"},
    {"codex", Json::json_pointer("/inputSchema/properties/advanced/properties/personality"),
     Json::json_pointer("/advanced/personality"), "advanced.personality"},
    {"codex", Json::json_pointer("/inputSchema/properties/advanced/properties/summary"),
     Json::json_pointer("/advanced/summary"), "advanced.summary"},
    {"codex_reply", Json::json_pointer("/inputSchema/properties/approvalPolicy"),
     Json::json_pointer("/approvalPolicy"), "approvalPolicy"},
    {"codex_reply", Json::json_pointer("/inputSchema/properties/sandbox"),
     Json::json_pointer("/sandbox"), "sandbox"},
    {"codex_reply", Json::json_pointer("/inputSchema/properties/effort"),
     Json::json_pointer("/effort"), "effort"},
    {"codex_reply", Json::json_pointer("/inputSchema/properties/personality"),
     Json::json_pointer("/personality"), "personality"},
    {"codex_reply", Json::json_pointer("/inputSchema/properties/summary"),
     Json::json_pointer("/summary"), "summary"},
};

}  // namespace

TEST(Choices, EverySchemaEnumIsFilledFromTheLists) {
  const std::vector<Json> descriptors = {codex_setup_descriptor(), codex_descriptor(),
                                         codex_reply_descriptor(), codex_session_descriptor(),
                                         codex_check_descriptor()};
  std::function<void(const Json&)> check = [&](const Json& node) {
    if (node.is_object()) {
      if (const auto it = node.find("enum"); it != node.end()) {
        EXPECT_TRUE(it->is_array() && !it->empty()) << node.dump();
      }
      for (const auto& [key, value] : node.items()) check(value);
    } else if (node.is_array()) {
      for (const auto& item : node) check(item);
    }
  };
  for (const auto& d : descriptors) check(d);
  EXPECT_EQ(codex_descriptor()["inputSchema"]["properties"]["effort"]["enum"],
            Json(std::vector<std::string>(std::begin(choices::kReasoningEfforts),
                                          std::end(choices::kReasoningEfforts))));
}

TEST(Choices, TheDecodersAcceptExactlyWhatTheSchemasOffer) {
  for (const auto& field : kFields) {
    const auto offered = descriptor(field.tool).at(field.schema).at("enum");
    ASSERT_FALSE(offered.empty()) << field.path;
    for (const auto& value : offered) {
      auto arguments = base_arguments(field.tool);
      arguments[field.argument] = value;
      EXPECT_NO_THROW(decode(field.tool, arguments))
          << field.tool << " " << field.path << "=" << value;
    }
    std::string valid;
    for (const auto& value : offered)
      valid += (valid.empty() ? "" : ", ") + value.get<std::string>();
    auto arguments = base_arguments(field.tool);
    arguments[field.argument] = "bogus";
    try {
      decode(field.tool, arguments);
      ADD_FAILURE() << field.path << " accepted bogus";
    } catch (const ToolError& e) {
      const std::string message = e.what();
      EXPECT_EQ(e.code(), "INVALID_ARGUMENT");
      EXPECT_EQ(message.rfind(field.path + " ", 0), 0u) << message;        // the field
      EXPECT_NE(message.find("\"bogus\""), std::string::npos) << message;  // the value
      EXPECT_NE(message.find(valid), std::string::npos) << message;        // the valid ones
    }
  }
}

TEST(Choices, EffortsCodexAdvertisesBeyondTheContractAreAccepted) {
  for (const std::string effort : {"max", "ultra"}) {
    auto arguments = base_arguments("codex");
    arguments["effort"] = effort;
    EXPECT_EQ(decode_start(arguments).turn.effort, effort);
  }
}

TEST(Choices, OnFailureIsTakenForTheSessionToolsToJudgeByRelease) {
  // Whether codex takes it depends on its release (codex::approval_policy_refusal).
  auto arguments = base_arguments("codex_reply");
  arguments["approvalPolicy"] = "on-failure";
  EXPECT_EQ(decode_reply(arguments).turn.approval_policy, "on-failure");
}
