#include "codex_mcp/tools/approval_form.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <set>
#include <string_view>
#include <vector>

namespace codex_mcp::tools {

namespace {

// Bounds: a dialog is read by a person; a huge command, diff or question list must not
// make a huge one (nor a huge message on the wire).
constexpr std::size_t kCommandMax = 2000;
constexpr std::size_t kPathMax = 500;
constexpr std::size_t kReasonMax = 1000;
constexpr std::size_t kDiffMax = 3000;  // the whole excerpt, over every file
constexpr std::size_t kFilesShown = 20;
constexpr std::size_t kQuestionTextMax = 1000;
constexpr std::size_t kTitleMax = 120;
constexpr std::size_t kOptionsMax = 50;
constexpr std::size_t kQuestionsMax = 20;
constexpr std::size_t kFreeTextMax = 4000;  // what a person may type for one answer
constexpr std::size_t kKeyMax = 64;

/// How many bytes the UTF-8 sequence starting with `lead` takes (1 for a stray byte).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return lead < 0xF0 ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

/// Characters that would let a text pose as something else in a dialog or a terminal:
/// C0/C1 controls (escape sequences; newline and tab stay), DEL, and the bidirectional
/// overrides and isolates (which reorder what a person reads).
bool hides_text(std::string_view sequence) {
  if (sequence.size() == 1) {
    const auto c = static_cast<unsigned char>(sequence[0]);
    return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F;
  }
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(sequence[i]); };
  if (sequence.size() == 2) return byte(0) == 0xC2 && byte(1) < 0xA0;  // U+0080..U+009F
  if (sequence.size() == 3 && byte(0) == 0xE2) {
    if (byte(1) == 0x80 && byte(2) >= 0xAA && byte(2) <= 0xAE) return true;  // U+202A..E
    if (byte(1) == 0x81 && byte(2) >= 0xA6 && byte(2) <= 0xA9) return true;  // U+2066..9
  }
  return false;
}

/// `text` for a person: without hiding characters, cut to at most `max` bytes on a
/// character boundary, with "…" when cut.
std::string clean(std::string_view text, std::size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max));
  for (std::size_t i = 0; i < text.size();) {
    const auto length =
        std::min(sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
    const auto sequence = text.substr(i, length);
    i += length;
    if (hides_text(sequence)) continue;
    if (out.size() + sequence.size() > max) {
      out += "…";
      break;
    }
    out += sequence;
  }
  return out;
}

/// A string field of `object`, cleaned; empty when it is missing or not a string.
std::string text_of(const Json& object, const char* key, std::size_t max) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return clean(it->get_ref<const std::string&>(), max);
}

std::string kind_of(const Json& action) {
  return action.is_object() ? action.value("kind", std::string()) : std::string();
}

bool is_approval(const std::string& kind) {
  return kind == "command_approval" || kind == "file_change_approval";
}

// ---------------------------------------------------------------------------------------
// Approvals

constexpr std::array<std::string_view, 4> kDecisions = {"accept", "acceptForSession", "decline",
                                                        "cancel"};

/// The decisions a person is offered: codex's own list (`availableDecisions`) as far as it
/// holds the plain ones, else all four. `decline` is always offered: codex 0.169 leaves it
/// out of the list but takes it, and it is the answer that changes nothing.
std::vector<std::string> offered_decisions(const Json& action) {
  std::vector<std::string> offered;
  const auto available = action.is_object() ? action.value("availableDecisions", Json()) : Json();
  for (const auto decision : kDecisions) {
    const bool take = decision == "decline" || !available.is_array() ||
                      std::any_of(available.begin(), available.end(), [&](const Json& entry) {
                        return entry.is_string() && entry == decision;
                      });
    if (take) offered.emplace_back(decision);
  }
  return offered;
}

std::string decision_title(std::string_view decision, bool command) {
  if (decision == "accept") {
    return command ? "Allow: run this command once" : "Allow: apply these changes";
  }
  if (decision == "acceptForSession") {
    return command ? "Allow for this session: do not ask again for this command"
                   : "Allow for this session: do not ask again for these files";
  }
  if (decision == "decline") {
    return command ? "Decline: do not run it (Codex goes on without it)"
                   : "Decline: do not change the files (Codex goes on without it)";
  }
  return command ? "Decline and stop: do not run it, end Codex's turn"
                 : "Decline and stop: do not change the files, end Codex's turn";
}

std::string session_note(const Json& action) {
  const auto session = text_of(action, "sessionId", kTitleMax);
  return session.empty() ? std::string() : " (Codex session " + session + ")";
}

std::string command_message(const Json& action) {
  std::string message = "Codex wants to run a command" + session_note(action) + ".\n";
  auto command = text_of(action, "command", kCommandMax);
  if (command.empty()) command = "(codex did not say which)";
  message += "\nCommand: " + command;
  if (const auto cwd = text_of(action, "cwd", kPathMax); !cwd.empty()) {
    message += "\nIn: " + cwd;
  }
  if (const auto reason = text_of(action, "reason", kReasonMax); !reason.empty()) {
    message += "\nReason: " + reason;
  }
  const auto network = action.value("proposedNetworkPolicyAmendments", Json());
  if (network.is_array() && !network.empty()) {
    std::string hosts;
    for (const auto& amendment : network) {
      if (hosts.size() > kPathMax) break;
      const auto host = text_of(amendment, "host", kTitleMax);
      if (!host.empty()) hosts += (hosts.empty() ? "" : ", ") + host;
    }
    if (!hosts.empty()) message += "\nNetwork access asked for: " + hosts;
  }
  return message;
}

std::string change_kind(const Json& change) {
  const auto kind = change.value("kind", Json());
  if (kind.is_string()) return clean(kind.get_ref<const std::string&>(), 20);
  return text_of(kind, "type", 20);
}

std::string file_change_message(const Json& action) {
  std::string message = "Codex wants to change files" + session_note(action) + ".\n";
  if (const auto reason = text_of(action, "reason", kReasonMax); !reason.empty()) {
    message += "\nReason: " + reason;
  }
  if (const auto root = text_of(action, "grantRoot", kPathMax); !root.empty()) {
    message += "\nIt also asks to write anywhere under " + root + " for the rest of the session.";
  }
  const auto changes = action.value("changes", Json());
  if (!changes.is_array() || changes.empty()) return message;
  message += "\n\nFiles:";
  std::size_t shown = 0;
  for (const auto& change : changes) {
    if (shown == kFilesShown) break;
    const auto path = text_of(change, "path", kPathMax);
    if (path.empty()) continue;
    const auto kind = change_kind(change);
    message += "\n- " + path + (kind.empty() ? "" : " (" + kind + ")");
    ++shown;
  }
  if (changes.size() > shown) {
    message += "\n- … and " + std::to_string(changes.size() - shown) + " more";
  }
  std::string diff;
  for (const auto& change : changes) {
    const auto text = text_of(change, "diff", kDiffMax + 1);
    if (text.empty()) continue;
    auto piece = "--- " + text_of(change, "path", kPathMax) + "\n" + text;
    if (!piece.ends_with('\n')) piece += '\n';
    if (diff.size() + piece.size() > kDiffMax) {
      diff += clean(piece, kDiffMax > diff.size() ? kDiffMax - diff.size() : 0);
      diff += "\n[the rest of the diff is not shown]";
      break;
    }
    diff += piece;
  }
  if (!diff.empty()) message += "\n\nChanges:\n" + diff;
  return message;
}

Json approval_schema(const Json& action, bool command) {
  Json choices = Json::array();
  for (const auto& decision : offered_decisions(action)) {
    choices.push_back({{"const", decision}, {"title", decision_title(decision, command)}});
  }
  return {{"type", "object"},
          {"properties",
           {{"decision",
             {{"type", "string"},
              {"title", "Your decision"},
              {"oneOf", std::move(choices)},
              {"default", "decline"}}}}},
          {"required", Json::array({"decision"})}};
}

// ---------------------------------------------------------------------------------------
// Questions (requestUserInput)

struct QuestionField {
  std::string id;         ///< codex's question id (the answer's key)
  std::string key;        ///< the form property
  std::string other_key;  ///< the free-text property beside the choices (isOther), or empty
  std::vector<std::string> labels;  ///< the choices; empty: a free-text question
  bool secret = false;
};

bool plain_key(const std::string& id) {
  return !id.empty() && id.size() <= kKeyMax && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

/// The questions of a user_input action as form fields (the same for the form and the
/// answer), or nullopt when they cannot all be asked (none, too many, one without an id).
std::optional<std::vector<QuestionField>> question_fields(const Json& action) {
  const auto questions = action.is_object() ? action.value("questions", Json()) : Json();
  if (!questions.is_array() || questions.empty() || questions.size() > kQuestionsMax) {
    return std::nullopt;
  }
  std::vector<QuestionField> fields;
  std::set<std::string> keys, ids;
  // Ids that are plain keys keep them; the others get one of their own that none of those is.
  for (const auto& question : questions) {
    const auto id = question.is_object() ? question.value("id", Json()) : Json();
    if (id.is_string() && plain_key(id.get<std::string>())) keys.insert(id.get<std::string>());
  }
  for (std::size_t index = 0; index < questions.size(); ++index) {
    const auto& question = questions[index];
    if (!question.is_object() || !question.contains("id") || !question["id"].is_string()) {
      return std::nullopt;
    }
    QuestionField field;
    field.id = question["id"].get<std::string>();
    if (!ids.insert(field.id).second) return std::nullopt;  // two answers under one key
    field.secret = question.value("isSecret", false) == true;
    if (plain_key(field.id)) {
      field.key = field.id;
    } else {
      field.key = "q" + std::to_string(index + 1);
      while (keys.contains(field.key)) field.key += "_";
      keys.insert(field.key);
    }
    const auto options = question.value("options", Json());
    if (options.is_array()) {
      for (const auto& option : options) {
        if (field.labels.size() == kOptionsMax) break;
        // The label is the answer codex reads: kept whole (only a bounded one is offered).
        if (!option.is_object() || !option.contains("label") || !option["label"].is_string()) {
          continue;
        }
        const auto& label = option["label"].get_ref<const std::string&>();
        if (label.empty() || label.size() > kTitleMax || clean(label, kTitleMax) != label) continue;
        if (std::find(field.labels.begin(), field.labels.end(), label) == field.labels.end()) {
          field.labels.push_back(label);
        }
      }
    }
    if (!field.labels.empty() && question.value("isOther", false) == true) {
      field.other_key = field.key + "_other";
      while (keys.contains(field.other_key)) field.other_key += "_";
      keys.insert(field.other_key);
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

std::string option_title(const Json& question, const std::string& label) {
  for (const auto& option : question.value("options", Json::array())) {
    if (!option.is_object() || option.value("label", Json()) != label) continue;
    const auto description = text_of(option, "description", kTitleMax);
    return description.empty() ? label : label + " — " + description;
  }
  return label;
}

Json question_form(const Json& action) {
  const auto fields = question_fields(action);
  const auto questions = action.value("questions", Json::array());
  std::string message = "Codex has ";
  message += questions.size() == 1 ? std::string("a question") : "questions";
  message += " for you" + session_note(action) + ".";
  Json properties = Json::object();
  Json required = Json::array();
  if (fields) {
    for (std::size_t index = 0; index < fields->size(); ++index) {
      const auto& field = (*fields)[index];
      const auto& question = questions[index];
      auto title = text_of(question, "header", kTitleMax);
      if (title.empty()) title = "Question " + std::to_string(index + 1);
      const auto text = text_of(question, "question", kQuestionTextMax);
      if (field.secret) {
        message += "\n\n" + title + ": asks for a secret, which is not asked in this dialog.";
        continue;
      }
      if (!text.empty()) message += "\n\n" + title + ": " + text;
      Json property = {{"type", "string"}, {"title", title}};
      if (!text.empty()) property["description"] = text;
      if (field.labels.empty()) {
        property["maxLength"] = kFreeTextMax;
        required.push_back(field.key);
      } else {
        Json choices = Json::array();
        for (const auto& label : field.labels) {
          choices.push_back({{"const", label}, {"title", option_title(question, label)}});
        }
        property["oneOf"] = std::move(choices);
        if (field.other_key.empty()) required.push_back(field.key);
      }
      properties[field.key] = std::move(property);
      if (!field.other_key.empty()) {
        properties[field.other_key] = {{"type", "string"},
                                       {"title", title + ": another answer"},
                                       {"description", "Instead of one of the choices above"},
                                       {"maxLength", kFreeTextMax}};
      }
    }
  } else {
    message +=
        "\n\nThese questions cannot be shown in this dialog; the assistant will answer them.";
  }
  return {{"mode", "form"},
          {"message", std::move(message)},
          {"requestedSchema",
           {{"type", "object"}, {"properties", std::move(properties)}, {"required", required}}}};
}

/// A non-empty string answer of at most kFreeTextMax bytes, or nullopt.
std::optional<std::string> typed_answer(const Json& content, const std::string& key) {
  const auto it = content.find(key);
  if (it == content.end() || !it->is_string()) return std::nullopt;
  const auto& text = it->get_ref<const std::string&>();
  if (text.empty() || text.size() > kFreeTextMax) return std::nullopt;
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return c == ' ' || c == '\t' || c == '\n'; })) {
    return std::nullopt;
  }
  return text;
}

std::optional<Json> question_answers(const Json& action, const Json& content) {
  const auto fields = question_fields(action);
  if (!fields) return std::nullopt;
  Json answers = Json::object();
  for (const auto& field : *fields) {
    if (field.secret) return std::nullopt;  // never answered halfway
    std::optional<std::string> answer;
    if (!field.other_key.empty()) answer = typed_answer(content, field.other_key);
    if (!answer) {
      answer = typed_answer(content, field.key);
      if (answer && !field.labels.empty() &&
          std::find(field.labels.begin(), field.labels.end(), *answer) == field.labels.end()) {
        return std::nullopt;  // not one of the choices offered
      }
    }
    if (!answer) return std::nullopt;
    answers[field.id] = {{"answers", Json::array({*answer})}};
  }
  return answers;
}

}  // namespace

bool person_can_answer(const Json& action) {
  const auto kind = kind_of(action);
  if (is_approval(kind)) return true;
  if (kind != "user_input") return false;
  const auto fields = question_fields(action);
  return fields && std::none_of(fields->begin(), fields->end(),
                                [](const QuestionField& field) { return field.secret; });
}

Json approval_form(const Json& action) {
  const auto kind = kind_of(action);
  if (kind == "user_input") return question_form(action);
  const bool command = kind == "command_approval";
  std::string message;
  if (command) {
    message = command_message(action);
  } else if (kind == "file_change_approval") {
    message = file_change_message(action);
  } else {
    message = "Codex asks for an approval" + session_note(action) + ".";
  }
  return {{"mode", "form"},
          {"message", std::move(message)},
          {"requestedSchema", approval_schema(action, command)}};
}

std::optional<PersonAnswer> read_person_answer(const Json& action, const Json& elicit_result) {
  if (!elicit_result.is_object() || elicit_result.value("action", Json()) != "accept") {
    return std::nullopt;
  }
  const auto content = elicit_result.value("content", Json());
  if (!content.is_object()) return std::nullopt;
  const auto kind = kind_of(action);
  if (is_approval(kind)) {
    const auto decision = content.value("decision", Json());
    if (!decision.is_string()) return std::nullopt;
    const auto offered = offered_decisions(action);
    if (std::find(offered.begin(), offered.end(), decision.get<std::string>()) == offered.end()) {
      return std::nullopt;
    }
    return PersonAnswer{.decision = decision.get<std::string>(), .answers = std::nullopt};
  }
  if (kind == "user_input") {
    auto answers = question_answers(action, content);
    if (!answers) return std::nullopt;
    return PersonAnswer{.decision = std::nullopt, .answers = std::move(answers)};
  }
  return std::nullopt;
}

}  // namespace codex_mcp::tools
