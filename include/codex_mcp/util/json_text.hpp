// JSON text out, fast. Every message the server writes (a poll can carry hundreds of KiB
// of streamed text) and every line of a session's event log goes through here.
// nlohmann's own dump decodes each byte of each string through a UTF-8 state machine
// (about 5 ns a byte); this writer copies runs of plain bytes whole and looks closely only
// at the bytes that need it. Output is compact JSON, keys in the document's order (the
// same text nlohmann writes), UTF-8 kept as it is, and invalid UTF-8 replaced with U+FFFD
// rather than thrown (a child's text is not trusted to be well formed).
#pragma once

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace codex_mcp::util {

/// The length of the well-formed UTF-8 sequence starting at text[at] (a byte >= 0x80),
/// or 0 if it is not one: overlong forms, surrogates and code points past U+10FFFF are
/// refused, as JSON parsers refuse them.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

/// Appends `text` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view text);

/// Appends `value` as compact JSON text.
void append_json(std::string& out, const nlohmann::json& value);

/// `value` as compact JSON text.
std::string json_text(const nlohmann::json& value);

/// The same for nlohmann::ordered_json, keys in insertion order (replies use it to put what
/// the caller needs first). A template, so that a std::string argument still means json.
void append_ordered_json(std::string& out, const nlohmann::ordered_json& value);
template <typename Ordered>
requires std::same_as<Ordered, nlohmann::ordered_json> std::string json_text(const Ordered& value) {
  std::string out;
  append_ordered_json(out, value);
  return out;
}

}  // namespace codex_mcp::util
