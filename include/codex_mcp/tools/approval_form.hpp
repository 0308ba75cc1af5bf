// A pending action (an element of Session::actions_json()) as a form for a person, and the
// person's answer as what codex takes. Used by the tasks layer (tasks/get inputRequests,
// tasks/update inputResponses) and by the 2025 elicitation path.
//
// NOTE: a minimal stand-in on branch `tasks`; the `person` branch owns this API and its
// fuller version replaces this one at merge.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace codex_mcp::tools {

using Json = nlohmann::json;

/// elicitation/create params (mode "form") asking a person about one pending action, an
/// element of Session::actions_json(): what codex wants (command, cwd, reason / files, diff
/// / the questions) and the choices codex offers for it.
Json approval_form(const Json& action);

/// What a person's elicitation result ({action, content}) means for `action`: for an
/// approval the decision (one of codex's: accept, acceptForSession, decline, cancel), for a
/// question the answers object. nullopt when the dialog was declined/cancelled or its
/// content is invalid: the action stays pending for the caller.
struct PersonAnswer {
  std::optional<std::string> decision;
  std::optional<Json> answers;
};
std::optional<PersonAnswer> read_person_answer(const Json& action, const Json& elicit_result);

}  // namespace codex_mcp::tools
