#include "codex_mcp/tools/approval_form.hpp"

#include <gtest/gtest.h>

#include <string>

using codex_mcp::tools::approval_form;
using codex_mcp::tools::Json;
using codex_mcp::tools::person_can_answer;
using codex_mcp::tools::read_person_answer;

namespace {

// As Session::actions_json() shows a codex 0.169 escalated command (availableDecisions
// lists no decline, and an amendment object).
Json command_action() {
  return {{"requestId", "req_1"},
          {"kind", "command_approval"},
          {"createdAt", 1},
          {"expiresAt", 2},
          {"itemId", "call_1"},
          {"turnId", "turn_1"},
          {"command", "/bin/bash -lc 'touch approved.txt'"},
          {"cwd", "/work/project"},
          {"reason", "needs to write"},
          {"availableDecisions",
           Json::array({"accept",
                        {{"acceptWithExecpolicyAmendment", {{"execpolicy_amendment", {"touch"}}}}},
                        "cancel"})}};
}

Json file_action() {
  return {{"requestId", "req_2"},
          {"kind", "file_change_approval"},
          {"itemId", "call_2"},
          {"reason", "add a greeting"},
          {"grantRoot", "/work/project"},
          {"changes", Json::array({{{"path", "/work/project/hello.txt"},
                                    {"kind", {{"type", "add"}}},
                                    {"diff", "hello\n"}}})}};
}

Json question_action() {
  return {{"requestId", "req_3"},
          {"kind", "user_input"},
          {"questions",
           Json::array({{{"id", "q1"},
                         {"header", "Pick"},
                         {"question", "Which color?"},
                         {"isOther", false},
                         {"isSecret", false},
                         {"options", Json::array({{{"label", "red"}, {"description", "warm"}},
                                                  {{"label", "blue"}, {"description", ""}}})}},
                        {{"id", "name"},
                         {"header", "Name"},
                         {"question", "What should the file be called?"},
                         {"options", nullptr}}})}};
}

Json accept(Json content) {
  return {{"action", "accept"}, {"content", std::move(content)}};
}

std::vector<std::string> consts(const Json& property) {
  std::vector<std::string> out;
  for (const auto& choice : property["oneOf"]) out.push_back(choice["const"]);
  return out;
}

/// Every property of a form is a primitive (MCP form mode): no objects, no nesting.
void expect_flat(const Json& form) {
  ASSERT_EQ(form["mode"], "form");
  ASSERT_TRUE(form["message"].is_string());
  const auto& schema = form["requestedSchema"];
  ASSERT_EQ(schema["type"], "object");
  for (const auto& [key, property] : schema["properties"].items()) {
    EXPECT_EQ(property["type"], "string") << key;
    for (const auto& [field, value] : property.items()) {
      if (field == "oneOf") {
        for (const auto& choice : value) {
          EXPECT_TRUE(choice["const"].is_string());
          EXPECT_TRUE(choice["title"].is_string());
        }
      } else {
        EXPECT_TRUE(value.is_primitive()) << key << "." << field;
      }
    }
  }
  for (const auto& key : schema["required"]) EXPECT_TRUE(schema["properties"].contains(key));
}

}  // namespace

TEST(ApprovalForm, CommandFormSaysWhatWhereAndWhyAndOffersCodexsChoices) {
  const auto form = approval_form(command_action());
  expect_flat(form);
  const auto message = form["message"].get<std::string>();
  EXPECT_NE(message.find("run a command"), std::string::npos) << message;
  EXPECT_NE(message.find("/bin/bash -lc 'touch approved.txt'"), std::string::npos);
  EXPECT_NE(message.find("/work/project"), std::string::npos);
  EXPECT_NE(message.find("needs to write"), std::string::npos);
  const auto& decision = form["requestedSchema"]["properties"]["decision"];
  // accept and cancel as listed, decline always (codex takes it though it does not list it),
  // and no acceptForSession, which this request does not offer.
  EXPECT_EQ(consts(decision), (std::vector<std::string>{"accept", "decline", "cancel"}));
  EXPECT_EQ(decision["default"], "decline");
  for (const auto& choice : decision["oneOf"]) {
    EXPECT_NE(choice["title"], choice["const"]) << "a human title, not the wire value";
  }
  EXPECT_EQ(form["requestedSchema"]["required"], Json::array({"decision"}));
}

TEST(ApprovalForm, WithoutAListEveryDecisionIsOffered) {
  auto action = command_action();
  action.erase("availableDecisions");
  EXPECT_EQ(consts(approval_form(action)["requestedSchema"]["properties"]["decision"]),
            (std::vector<std::string>{"accept", "acceptForSession", "decline", "cancel"}));
  action["availableDecisions"] = "garbage";
  EXPECT_EQ(consts(approval_form(action)["requestedSchema"]["properties"]["decision"]).size(), 4u);
}

TEST(ApprovalForm, FileChangeFormListsTheFilesAndTheDiff) {
  const auto form = approval_form(file_action());
  expect_flat(form);
  const auto message = form["message"].get<std::string>();
  EXPECT_NE(message.find("change files"), std::string::npos) << message;
  EXPECT_NE(message.find("/work/project/hello.txt (add)"), std::string::npos) << message;
  EXPECT_NE(message.find("hello\n"), std::string::npos);
  EXPECT_NE(message.find("add a greeting"), std::string::npos);
  EXPECT_NE(message.find("write anywhere under /work/project"), std::string::npos);
  EXPECT_EQ(consts(form["requestedSchema"]["properties"]["decision"]),
            (std::vector<std::string>{"accept", "acceptForSession", "decline", "cancel"}));
}

TEST(ApprovalForm, AHugeDiffCommandOrFileListMakesABoundedDialog) {
  auto action = file_action();
  Json changes = Json::array();
  // (Built in place: GCC 12's -Warray-bounds misfires on a string temporary + "\n".)
  std::string diff(100000, 'x');
  diff += '\n';
  for (int i = 0; i < 500; ++i) {
    changes.push_back(
        {{"path", "/p/file" + std::to_string(i) + ".txt"}, {"kind", "update"}, {"diff", diff}});
  }
  action["changes"] = changes;
  action["reason"] = std::string(1'000'000, 'r');
  const auto message = approval_form(action)["message"].get<std::string>();
  EXPECT_LT(message.size(), 10000u);
  EXPECT_NE(message.find("and 480 more"), std::string::npos);
  EXPECT_NE(message.find("the rest of the diff is not shown"), std::string::npos);

  auto command = command_action();
  command["command"] = std::string(5'000'000, 'c');
  EXPECT_LT(approval_form(command)["message"].get<std::string>().size(), 5000u);
}

TEST(ApprovalForm, TextIsCutOnACharacterBoundary) {
  auto action = command_action();
  std::string command;
  for (int i = 0; i < 2000; ++i) command += "é";  // two bytes each
  action["command"] = command;
  const auto form = approval_form(action);
  EXPECT_NO_THROW((void)form.dump());  // valid UTF-8, or dump() would throw
  EXPECT_NE(form["message"].get<std::string>().find("…"), std::string::npos);
}

TEST(ApprovalForm, ControlAndBidiCharactersFromCodexAreRemoved) {
  auto action = command_action();
  action["command"] =
      "rm -rf /tmp/x\x1b[2K\x1b[1Aecho safe\xe2\x80\xae"
      "txt.exe\xc2\x9b"
      "1m";
  action["reason"] =
      "a\x07"
      "b\r\nc";
  const auto message = approval_form(action)["message"].get<std::string>();
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
  EXPECT_EQ(message.find('\x07'), std::string::npos);
  EXPECT_EQ(message.find('\r'), std::string::npos);
  EXPECT_EQ(message.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_EQ(message.find("\xc2\x9b"), std::string::npos);
  EXPECT_NE(message.find("rm -rf /tmp/x[2K[1Aecho safetxt.exe1m"), std::string::npos) << message;
  EXPECT_NE(message.find("ab\nc"), std::string::npos);
}

TEST(ApprovalForm, MissingOrWrongFieldsStillMakeAForm) {
  for (const auto& action :
       {Json{{"kind", "command_approval"}}, Json{{"kind", "command_approval"}, {"command", 42}},
        Json{{"kind", "file_change_approval"}, {"changes", "nope"}},
        Json{{"kind", "file_change_approval"}, {"changes", Json::array({1, nullptr, "x"})}},
        Json{{"kind", "mystery"}}, Json(nullptr), Json::array()}) {
    const auto form = approval_form(action);
    expect_flat(form);
  }
  EXPECT_NE(approval_form({{"kind", "command_approval"}})["message"].get<std::string>().find(
                "did not say"),
            std::string::npos);
}

TEST(ApprovalForm, QuestionsBecomeOnePropertyEach) {
  const auto form = approval_form(question_action());
  expect_flat(form);
  const auto& properties = form["requestedSchema"]["properties"];
  ASSERT_EQ(properties.size(), 2u);
  EXPECT_EQ(consts(properties["q1"]), (std::vector<std::string>{"red", "blue"}));
  EXPECT_EQ(properties["q1"]["oneOf"][0]["title"], "red — warm");
  EXPECT_EQ(properties["q1"]["title"], "Pick");
  EXPECT_EQ(properties["q1"]["description"], "Which color?");
  EXPECT_FALSE(properties["name"].contains("oneOf"));
  EXPECT_TRUE(properties["name"].contains("maxLength"));
  EXPECT_EQ(form["requestedSchema"]["required"], Json::array({"q1", "name"}));
  EXPECT_NE(form["message"].get<std::string>().find("Which color?"), std::string::npos);
}

TEST(ApprovalForm, AnOtherAnswerIsAnOptionalTextBesideTheChoices) {
  auto action = question_action();
  action["questions"][0]["isOther"] = true;
  const auto form = approval_form(action);
  expect_flat(form);
  const auto& schema = form["requestedSchema"];
  EXPECT_TRUE(schema["properties"].contains("q1_other"));
  EXPECT_EQ(schema["required"], Json::array({"name"}));
  auto answer = read_person_answer(action, accept({{"q1_other", "green"}, {"name", "a.txt"}}));
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer->answers)["q1"]["answers"], Json::array({"green"}));
  answer = read_person_answer(action, accept({{"q1", "red"}, {"name", "a.txt"}}));
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer->answers)["q1"]["answers"], Json::array({"red"}));
  EXPECT_FALSE(read_person_answer(action, accept({{"q1_other", "  "}, {"name", "a.txt"}})));
}

TEST(ApprovalForm, QuestionIdsThatAreNotPlainKeysGetFormKeys) {
  Json action = {{"kind", "user_input"},
                 {"questions", Json::array({{{"id", "what is it?"}, {"question", "a"}},
                                            {{"id", "q1"}, {"question", "b"}}})}};
  const auto form = approval_form(action);
  const auto& properties = form["requestedSchema"]["properties"];
  EXPECT_TRUE(properties.contains("q1"));
  EXPECT_EQ(properties.size(), 2u);
  std::string other_key;
  for (const auto& [key, value] : properties.items()) {
    if (key != "q1") other_key = key;
  }
  const auto answer = read_person_answer(action, accept({{other_key, "one"}, {"q1", "two"}}));
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer->answers,
            (Json{{"what is it?", {{"answers", {"one"}}}}, {"q1", {{"answers", {"two"}}}}}));
}

TEST(ApprovalForm, SecretQuestionsAreNeverAskedNorAnsweredHalfway) {
  auto action = question_action();
  action["questions"][1]["isSecret"] = true;
  EXPECT_FALSE(person_can_answer(action));
  const auto form = approval_form(action);
  expect_flat(form);
  EXPECT_FALSE(form["requestedSchema"]["properties"].contains("name"));
  EXPECT_NE(form["message"].get<std::string>().find("secret"), std::string::npos);
  EXPECT_FALSE(read_person_answer(action, accept({{"q1", "red"}, {"name", "hunter2"}})));
}

TEST(ApprovalForm, PersonCanAnswerApprovalsAndPlainQuestionsOnly) {
  EXPECT_TRUE(person_can_answer(command_action()));
  EXPECT_TRUE(person_can_answer(file_action()));
  EXPECT_TRUE(person_can_answer(question_action()));
  EXPECT_FALSE(person_can_answer({{"kind", "mystery"}}));
  EXPECT_FALSE(person_can_answer(Json()));
  EXPECT_FALSE(person_can_answer({{"kind", "user_input"}, {"questions", Json::array()}}));
  EXPECT_FALSE(person_can_answer({{"kind", "user_input"}, {"questions", {{{"header", "x"}}}}}));
  EXPECT_FALSE(person_can_answer(
      {{"kind", "user_input"}, {"questions", {{{"id", "a"}}, {{"id", "a"}}}}}));  // same id
  Json many = {{"kind", "user_input"}, {"questions", Json::array()}};
  for (int i = 0; i < 100; ++i) many["questions"].push_back({{"id", "q" + std::to_string(i)}});
  EXPECT_FALSE(person_can_answer(many));
  EXPECT_LT(approval_form(many)["message"].get<std::string>().size(), 1000u);
}

TEST(ReadPersonAnswer, AnAcceptedDecisionIsCodexs) {
  const auto answer = read_person_answer(command_action(), accept({{"decision", "accept"}}));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->decision, "accept");
  EXPECT_FALSE(answer->answers);
  EXPECT_EQ(read_person_answer(command_action(), accept({{"decision", "decline"}}))->decision,
            "decline");
  EXPECT_EQ(read_person_answer(command_action(), accept({{"decision", "cancel"}}))->decision,
            "cancel");
  EXPECT_EQ(read_person_answer(file_action(), accept({{"decision", "acceptForSession"}}))->decision,
            "acceptForSession");
}

TEST(ReadPersonAnswer, ADeclinedCancelledOrEmptyDialogLeavesTheActionPending) {
  for (const auto& result :
       {Json{{"action", "decline"}}, Json{{"action", "cancel"}},
        Json{{"action", "decline"}, {"content", {{"decision", "accept"}}}},
        Json{{"action", "cancel"}, {"content", {{"decision", "accept"}}}},
        Json{{"action", "accept"}}, Json{{"action", "accept"}, {"content", nullptr}},
        Json{{"action", "ACCEPT"}, {"content", {{"decision", "accept"}}}},
        Json{{"content", {{"decision", "accept"}}}}, Json(nullptr), Json("accept"),
        Json::array({"accept"})}) {
    EXPECT_FALSE(read_person_answer(command_action(), result)) << result.dump();
  }
}

TEST(ReadPersonAnswer, HostileOrInvalidDecisionsAreRefused) {
  for (const auto& decision :
       {Json("acceptForSession"),  // not offered for this request
        Json("acceptWithExecpolicyAmendment"), Json("Accept"), Json(" accept"), Json(""),
        Json(true), Json(1), Json::array({"accept"}), Json{{"accept", true}}, Json(nullptr)}) {
    EXPECT_FALSE(read_person_answer(command_action(), accept({{"decision", decision}})))
        << decision.dump();
  }
  EXPECT_FALSE(read_person_answer(command_action(), accept({{"choice", "accept"}})));
  EXPECT_FALSE(read_person_answer(command_action(), accept(Json::array({"accept"}))));
  // Extra keys are ignored, the decision still counts.
  EXPECT_TRUE(read_person_answer(command_action(),
                                 accept({{"decision", "decline"}, {"__proto__", {{"x", 1}}}})));
  EXPECT_FALSE(read_person_answer({{"kind", "mystery"}}, accept({{"decision", "accept"}})));
}

TEST(ReadPersonAnswer, QuestionAnswersAreCodexsShape) {
  const auto answer =
      read_person_answer(question_action(), accept({{"q1", "blue"}, {"name", "notes.md"}}));
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->decision);
  EXPECT_EQ(*answer->answers,
            (Json{{"q1", {{"answers", {"blue"}}}}, {"name", {{"answers", {"notes.md"}}}}}));
}

TEST(ReadPersonAnswer, InvalidQuestionAnswersAreRefused) {
  const auto action = question_action();
  for (const auto& content :
       {Json{{"q1", "green"}, {"name", "x"}},                       // not a choice
        Json{{"q1", "blue"}},                                       // a question unanswered
        Json{{"q1", "blue"}, {"name", ""}},                         // empty
        Json{{"q1", "blue"}, {"name", 7}},                          // not a string
        Json{{"q1", Json::array({"blue"})}, {"name", "x"}},         // not a string
        Json{{"q1", "blue"}, {"name", std::string(5000, 'n')}}}) {  // too long
    EXPECT_FALSE(read_person_answer(action, accept(content))) << content.dump().substr(0, 200);
  }
  EXPECT_FALSE(read_person_answer(action, {{"action", "decline"}}));
}
