// parse_untrusted_json: the one way JSON text from outside becomes a document.
//
// Lines from the MCP client and from codex children are hostile input. nlohmann parses
// any depth without recursion, but copying, comparing and dumping a document recurse: a
// line of 100k nested brackets (~200 KB, far below the line cap) overflows the stack in
// the first copy. So depth is bounded before anything is built, and every failure of the
// parser (syntax, a number out of range such as 1e999, too deep) is one exception type.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

namespace codex_mcp::util {

/// Deeper than any message of MCP or codex needs (a JSON schema of a few dozen levels),
/// shallow enough that every recursive walk of a document stays far from the stack's end.
inline constexpr std::size_t kMaxJsonDepth = 256;

/// The text is not JSON we accept; what() says why.
class JsonInputError : public std::runtime_error {
 public:
  enum class Kind { syntax, too_deep };
  JsonInputError(Kind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

/// True when arrays and objects in `text` nest deeper than `max_depth` (strings are
/// skipped; text that is not JSON may be judged either way, and then fails to parse).
bool json_nesting_exceeds(std::string_view text, std::size_t max_depth);

/// Parses `text`; throws JsonInputError, never another exception of the parser.
nlohmann::json parse_untrusted_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

/// As parse_untrusted_json, but a discarded value instead of an exception.
nlohmann::json parse_untrusted_json_or_discarded(std::string_view text,
                                                 std::size_t max_depth = kMaxJsonDepth);

}  // namespace codex_mcp::util
