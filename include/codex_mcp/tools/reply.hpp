// The replies of codex, codex_reply and codex_check as the caller reads them.
//
// Clients may show a model only the start of a long reply (Claude Code: a 2 KB preview past
// 50,000 characters), so a reply leads with what the caller needs to continue (sessionId,
// threadId, status, interactionState, recommendedNextAction, nextCursor, actions) and ends
// with the bulky fields (result, events; in a result, its text and diff). And it is capped:
// `fit_reply` cuts it to maxBytes of JSON text, markers included, trimming the bulky fields
// first and saying what it cut and where the rest is (`truncated`, `truncatedFields`, the
// session's result resource in `resultUri`, events from `nextCursor`). Pure functions.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "codex_mcp/mcp/tool.hpp"

namespace codex_mcp::tools {

using Reply = mcp::ToolReply;

/// The cap of a reply when the caller gives no maxBytes: well under the 50,000 characters
/// Claude Code shows inline, and under its 25,000-token limit even for dense text.
inline constexpr std::int64_t kDefaultMaxBytes = 20000;

/// The resource holding a session's last result in full (the text and diff replies trim).
std::string result_uri(const std::string& session_id);
/// The session id in a result resource URI, or "" when `uri` is not one.
std::string session_of_result_uri(const std::string& uri);

/// `reply` with its keys in reading order (its result and events too).
Reply in_reading_order(const nlohmann::json& reply);
/// A result on its own in reading order: turnId and status first, text and diff last.
Reply result_in_reading_order(const nlohmann::json& result);

/// Cuts `reply` (in reading order, with a sessionId) to at most `max_bytes` of JSON text:
/// trailing events first (nextCursor moves back to the first one dropped), then the result's
/// output, diff, text and structuredOutput, then long strings in actions, then the progress
/// and execution hints. Returns true when anything was cut.
bool fit_reply(Reply& reply, std::int64_t max_bytes);

}  // namespace codex_mcp::tools
