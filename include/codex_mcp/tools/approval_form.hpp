// Approvals and questions shown to a person: the elicitation form (MCP form mode) for one
// pending action of a session, and what the person's answer to it means.
//
// Built for a person, not a model: a plain message saying what Codex wants (the command,
// where and why; the files and an excerpt of the diff; the questions), and a flat form
// (primitive properties only) whose choices are the ones codex offers for the request.
// Every text taken from codex is bounded and stripped of control characters; a question
// codex marks secret is never asked here (form mode must not ask for secrets). Pure
// functions: tools/person_approvals (2025 elicitation/create) and the tasks layer
// (input_required) send the form and apply the answer.
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

/// Whether a person can answer `action` in a form at all: false for an unknown kind and for
/// questions codex marks secret (form mode must not ask for secrets; the caller answers).
bool person_can_answer(const Json& action);

}  // namespace codex_mcp::tools
