// Approvals for the person over the wire (--approvals / CODEX_MCP_APPROVALS), with the real
// codex app-server and the mock model: who gets elicitation/create, and what a dialog that
// fails or comes back with an invalid answer leaves (the approval, with the caller). The
// official SDK client's side (a dialog accepted, declined, answered too late) is
// tests/sdk/person_approvals_test.mjs.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "e2e_fixture.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp::testing;
using namespace std::chrono_literals;

namespace {

class PersonApprovalsE2E : public E2EFixture {
 protected:
  void SetUp() override {
    E2EFixture::SetUp();
    legacy_handshake_ = false;  // each test declares its own capabilities
  }

  /// The mock model asks to run `touch NAME.txt` (escalated: an approval) for each name.
  void start_model_for(const std::vector<std::string>& names) {
    Json rules = Json::array();
    for (const auto& name : names) {
      rules.push_back(
          {{"when", {{"userTextContains", "touch " + name}}},
           {"reply", {{"exec", {{"cmd", "touch " + name + ".txt"}, {"escalated", true}}}}}});
    }
    start_model({{"rules", rules}});
  }

  /// A server with CODEX_MCP_APPROVALS=`approvals` (unset when empty), initialized by a
  /// client declaring `capabilities`.
  void start_with(const std::string& approvals, const Json& capabilities) {
    std::vector<std::string> env;
    if (!approvals.empty()) env.push_back("CODEX_MCP_APPROVALS=" + approvals);
    start_server(kCodex, env);
    server_->send({{"jsonrpc", "2.0"},
                   {"id", "init"},
                   {"method", "initialize"},
                   {"params",
                    {{"protocolVersion", "2025-11-25"},
                     {"capabilities", capabilities},
                     {"clientInfo", {{"name", "person-tests"}, {"version", "1"}}}}}});
    ASSERT_TRUE(server_->read_response("init"));
    server_->send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  }

  std::size_t dialogs_seen() const {
    return static_cast<std::size_t>(
        std::count_if(server_->skipped.begin(), server_->skipped.end(),
                      [](const Json& m) { return m.value("method", "") == "elicitation/create"; }));
  }

  /// The next elicitation/create the server sends (other messages are kept in skipped).
  std::optional<Json> next_dialog() {
    // It may have come while a tool call's answer was awaited.
    const auto early =
        std::find_if(server_->skipped.begin(), server_->skipped.end(), [](const Json& m) {
          return m.value("method", "") == "elicitation/create" && !m.value("seen", false);
        });
    if (early != server_->skipped.end()) {
      (*early)["seen"] = true;  // still counted by dialogs_seen()
      return *early;
    }
    for (int i = 0; i < 200; ++i) {
      auto message = server_->read_message(60s);
      if (!message) return std::nullopt;
      server_->skipped.push_back(*message);
      if (message->value("method", "") == "elicitation/create") {
        server_->skipped.back()["seen"] = true;
        return message;
      }
    }
    return std::nullopt;
  }

  /// Runs a turn whose command needs an approval; the caller sees the action (not held
  /// for a person) and accepts it; the command runs.
  void caller_answers(const std::string& name) {
    const auto started = start("please touch " + name);
    const auto sid = started["sessionId"];
    const auto waiting = poll_until(sid, [](const Json& p) { return p.contains("actions"); });
    ASSERT_TRUE(waiting.contains("actions")) << waiting.dump();
    const auto action = waiting["actions"][0];
    EXPECT_FALSE(action.contains("heldForPerson")) << action.dump();
    EXPECT_TRUE(action["expiresAt"].is_number()) << action.dump();
    tool("codex_check", {{"action", "respond_permission"},
                         {"sessionId", sid},
                         {"requestId", action["requestId"]},
                         {"decision", "accept"}});
    EXPECT_EQ(poll_until(sid, finished)["status"], "idle");
    EXPECT_TRUE(fs::exists(root_ / "work" / (name + ".txt")));
  }
};

const Json kElicitation = {{"elicitation", Json::object()}};

}  // namespace

TEST_F(PersonApprovalsE2E, CallerModeSendsNoDialogToAClientThatCouldShowOne) {
  start_model_for({"one"});
  start_with("caller", kElicitation);
  caller_answers("one");
  EXPECT_EQ(dialogs_seen(), 0u);
}

TEST_F(PersonApprovalsE2E, AutoIsTheDefaultAndAsksTheCallerOfA2025Client) {
  start_model_for({"one"});
  start_with("", kElicitation);
  caller_answers("one");
  EXPECT_EQ(dialogs_seen(), 0u);
}

TEST_F(PersonApprovalsE2E, PersonModeAsksNoClientThatDidNotDeclareFormElicitation) {
  start_model_for({"one", "two"});
  start_with("person", Json::object());
  caller_answers("one");
  EXPECT_EQ(dialogs_seen(), 0u);
  stop_server();
  // URL mode only is not a form.
  start_with("person", {{"elicitation", {{"url", Json::object()}}}});
  caller_answers("two");
  EXPECT_EQ(dialogs_seen(), 0u);
}

TEST_F(PersonApprovalsE2E, AFailedOrInvalidDialogGivesTheApprovalBackToTheCaller) {
  start_model_for({"failed", "invalid"});
  start_with("person", kElicitation);
  const std::vector<Json> answers = {
      // The client could not show it.
      {{"error", {{"code", -32603}, {"message", "no dialog here"}}}},
      // Accepted, but with a decision this request does not offer.
      {{"result",
        {{"action", "accept"}, {"content", {{"decision", "acceptWithExecpolicyAmendment"}}}}}}};
  const std::vector<std::string> names = {"failed", "invalid"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto started = start("please touch " + names[i]);
    const auto sid = started["sessionId"];
    const auto dialog = next_dialog();
    ASSERT_TRUE(dialog) << server_->stderr_text();
    EXPECT_EQ((*dialog)["params"]["mode"], "form");
    EXPECT_NE((*dialog)["params"]["message"].get<std::string>().find("touch " + names[i]),
              std::string::npos);
    // While the dialog is open the action waits for the person, with no deadline.
    const auto held = tool("codex_check", {{"action", "poll"}, {"sessionId", sid}});
    ASSERT_TRUE(held.contains("actions")) << held.dump();
    EXPECT_EQ(held["actions"][0]["heldForPerson"], true);
    EXPECT_TRUE(held["actions"][0]["expiresAt"].is_null());
    Json reply = answers[i];
    reply["jsonrpc"] = "2.0";
    reply["id"] = (*dialog)["id"];
    server_->send(reply);
    const auto waiting = poll_until(sid, [](const Json& p) {
      return p.contains("actions") && !p["actions"][0].contains("heldForPerson");
    });
    ASSERT_TRUE(waiting.contains("actions"));
    EXPECT_TRUE(waiting["actions"][0]["expiresAt"].is_number());
    EXPECT_FALSE(fs::exists(root_ / "work" / (names[i] + ".txt"))) << "never approved silently";
    tool("codex_check", {{"action", "respond_permission"},
                         {"sessionId", sid},
                         {"requestId", waiting["actions"][0]["requestId"]},
                         {"decision", "accept"}});
    EXPECT_EQ(poll_until(sid, finished)["status"], "idle");
    EXPECT_TRUE(fs::exists(root_ / "work" / (names[i] + ".txt")));
  }
}

TEST_F(PersonApprovalsE2E, AQuestionIsAFormWhoseAnswersGoToCodex) {
  // The scripted app-server asks one question with two options (q1: red or blue).
  std::vector<std::string> env = {"CODEX_MCP_APPROVALS=person", "FAKE_CODEX_SCENARIO=user_input"};
  start_server(kFake, env);
  server_->send({{"jsonrpc", "2.0"},
                 {"id", "init"},
                 {"method", "initialize"},
                 {"params",
                  {{"protocolVersion", "2025-06-18"},
                   {"capabilities", kElicitation},
                   {"clientInfo", {{"name", "person-tests"}, {"version", "1"}}}}}});
  ASSERT_TRUE(server_->read_response("init"));
  const auto started = start("ask me");
  const auto sid = started["sessionId"];
  const auto dialog = next_dialog();
  ASSERT_TRUE(dialog) << server_->stderr_text();
  const auto& schema = (*dialog)["params"]["requestedSchema"];
  ASSERT_TRUE(schema["properties"].contains("q1")) << dialog->dump();
  EXPECT_EQ(schema["properties"]["q1"]["oneOf"].size(), 2u);
  EXPECT_NE((*dialog)["params"]["message"].get<std::string>().find("Which color?"),
            std::string::npos);
  server_->send({{"jsonrpc", "2.0"},
                 {"id", (*dialog)["id"]},
                 {"result", {{"action", "accept"}, {"content", {{"q1", "blue"}}}}}});
  const auto done = poll_until(sid, finished);
  EXPECT_NE(done["result"]["text"].get<std::string>().find("blue"), std::string::npos)
      << done.dump();
  // The caller can no longer answer it: the person did.
  const auto late =
      server_->call_tool("codex_check", {{"action", "respond_user_input"},
                                         {"sessionId", sid},
                                         {"requestId", "req_1"},
                                         {"answers", {{"q1", {{"answers", {"red"}}}}}}});
  EXPECT_TRUE(late["result"].value("isError", false)) << late.dump();
}
