// Minimal stand-in for the `person` branch's approval forms (see the header).
#include "codex_mcp/tools/approval_form.hpp"

#include <array>
#include <string_view>

namespace codex_mcp::tools {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kChoices = {{
    {"accept", "Allow once"},
    {"acceptForSession", "Allow for this session"},
    {"decline", "Decline (codex goes on without it)"},
    {"cancel", "Decline and stop the turn"},
}};

std::string text_of(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string joined;
    for (const auto& part : value) {
      if (!joined.empty()) joined += ' ';
      joined += text_of(part);
    }
    return joined;
  }
  return value.is_null() ? std::string() : value.dump();
}

bool is_question(const Json& action) {
  return action.value("kind", std::string()) == "user_input";
}

}  // namespace

Json approval_form(const Json& action) {
  Json properties = Json::object();
  Json required = Json::array();
  std::string message;
  if (is_question(action)) {
    message = "Codex asks:";
    for (const auto& question : action.value("questions", Json::array())) {
      const auto id = question.value("id", std::string());
      if (id.empty()) continue;
      const auto text = question.value("question", std::string());
      message += "\n- " + text;
      Json property = {{"type", "string"}, {"title", question.value("header", id)}};
      if (!text.empty()) property["description"] = text;
      if (const auto options = question.find("options");
          options != question.end() && options->is_array() && !options->empty()) {
        Json one_of = Json::array();
        for (const auto& option : *options) {
          const auto label = option.value("label", std::string());
          if (!label.empty()) one_of.push_back({{"const", label}, {"title", label}});
        }
        if (!one_of.empty()) property["oneOf"] = std::move(one_of);
      }
      properties[id] = std::move(property);
      required.push_back(id);
    }
  } else {
    if (action.value("kind", std::string()) == "command_approval") {
      message = "Codex wants to run `" + text_of(action.value("command", Json())) + "`";
      if (const auto cwd = text_of(action.value("cwd", Json())); !cwd.empty()) {
        message += " in " + cwd;
      }
    } else {
      message = "Codex wants to change files";
      if (const auto root = text_of(action.value("grantRoot", Json())); !root.empty()) {
        message += " under " + root;
      }
    }
    if (const auto reason = text_of(action.value("reason", Json())); !reason.empty()) {
      message += ": " + reason;
    }
    message += ". Allow?";
    Json one_of = Json::array();
    for (const auto& [value, title] : kChoices) {
      one_of.push_back({{"const", value}, {"title", title}});
    }
    properties["decision"] = {
        {"type", "string"}, {"title", "Decision"}, {"oneOf", one_of}, {"default", "accept"}};
    required.push_back("decision");
  }
  return {{"mode", "form"},
          {"message", message},
          {"requestedSchema",
           {{"type", "object"}, {"properties", properties}, {"required", required}}}};
}

std::optional<PersonAnswer> read_person_answer(const Json& action, const Json& elicit_result) {
  if (!elicit_result.is_object() || elicit_result.value("action", std::string()) != "accept") {
    return std::nullopt;
  }
  const auto content = elicit_result.value("content", Json::object());
  if (!content.is_object()) return std::nullopt;
  if (is_question(action)) {
    Json answers = Json::object();
    for (const auto& question : action.value("questions", Json::array())) {
      const auto id = question.value("id", std::string());
      const auto it = content.find(id);
      if (id.empty() || it == content.end() || !it->is_string()) return std::nullopt;
      answers[id] = {{"answers", Json::array({*it})}};
    }
    if (answers.empty()) return std::nullopt;
    return PersonAnswer{.decision = std::nullopt, .answers = std::move(answers)};
  }
  const auto decision = content.find("decision");
  if (decision == content.end() || !decision->is_string()) return std::nullopt;
  for (const auto& [value, title] : kChoices) {
    if (*decision == value) {
      return PersonAnswer{.decision = std::string(value), .answers = std::nullopt};
    }
  }
  return std::nullopt;
}

}  // namespace codex_mcp::tools
