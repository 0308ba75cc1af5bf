// ArgReader: typed, validated access to a tool's JSON arguments.
//
// Every failure is a ToolError with code INVALID_ARGUMENT that names the field by its
// path (e.g. `advanced.approvalTimeoutMs`) and says what was expected, so an LLM caller
// can correct itself. Unknown fields are rejected too: a misspelt option (say
// `approval_policy`) silently ignored would be worse than an error.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex_mcp::tools {

using Json = nlohmann::json;

[[noreturn]] void throw_invalid_argument(const std::string& message);
/// "a, b, c": how messages list the valid values.
std::string join_choices(std::span<const std::string_view> values);

class ArgReader {
 public:
  /// `object` must outlive the reader. `path` prefixes field names in messages.
  explicit ArgReader(const Json& object, std::string path = "");

  bool has(std::string_view field) const;

  std::string required_string(std::string_view field) const;
  std::optional<std::string> optional_string(std::string_view field) const;
  /// A string that must be one of `allowed` (a list from choices.hpp).
  std::optional<std::string> optional_enum(std::string_view field,
                                           std::span<const std::string_view> allowed) const;
  std::string required_enum(std::string_view field,
                            std::span<const std::string_view> allowed) const;
  /// Integers may also arrive as integral numbers like 5.0 or numeric strings like "5".
  std::optional<std::int64_t> optional_int(std::string_view field, std::int64_t min,
                                           std::int64_t max) const;
  /// Booleans may also arrive as the strings "true"/"false".
  std::optional<bool> optional_bool(std::string_view field) const;
  std::optional<Json> optional_object(std::string_view field) const;
  std::optional<std::vector<std::string>> optional_string_array(std::string_view field) const;
  /// A nested object as its own reader (empty object when absent).
  ArgReader nested(std::string_view field) const;

  /// Rejects fields not in `known`.
  void reject_unknown(std::initializer_list<std::string_view> known) const;

  std::string path_of(std::string_view field) const;

 private:
  const Json* find(std::string_view field) const;

  const Json& object_;
  std::string path_;
};

}  // namespace codex_mcp::tools
