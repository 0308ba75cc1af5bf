#include "codex_mcp/util/json_parse.hpp"

#include <string>

namespace codex_mcp::util {

bool json_nesting_exceeds(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

nlohmann::json parse_untrusted_json(std::string_view text, std::size_t max_depth) {
  if (json_nesting_exceeds(text, max_depth)) {
    throw JsonInputError(JsonInputError::Kind::too_deep,
                         "JSON nested deeper than " + std::to_string(max_depth) + " levels");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for numbers no double holds (1e999, 400 digits).
    throw JsonInputError(JsonInputError::Kind::syntax, e.what());
  }
}

nlohmann::json parse_untrusted_json_or_discarded(std::string_view text, std::size_t max_depth) {
  try {
    return parse_untrusted_json(text, max_depth);
  } catch (const JsonInputError&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

}  // namespace codex_mcp::util
