// Reading fields of JSON that comes from elsewhere (codex, the state directory), where a
// missing field or one of another type must not throw.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace codex_mcp::util {

/// The string at `key`, or "" when `object` is not an object, lacks it, or holds another type.
inline std::string string_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace codex_mcp::util
