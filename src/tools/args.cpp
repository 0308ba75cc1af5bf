#include "codex_mcp/tools/args.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "codex_mcp/mcp/tool.hpp"

namespace codex_mcp::tools {

namespace {

const Json& empty_object() {
  static const Json kEmpty = Json::object();
  return kEmpty;
}

std::string type_name(const Json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) return "integer";
  return value.type_name();
}

}  // namespace

std::string join_choices(std::span<const std::string_view> values) {
  std::string out;
  for (const auto value : values) {
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out;
}

void throw_invalid_argument(const std::string& message) {
  throw mcp::ToolError("INVALID_ARGUMENT", message);
}

ArgReader::ArgReader(const Json& object, std::string path)
    : object_(object.is_object() ? object : empty_object()), path_(std::move(path)) {}

std::string ArgReader::path_of(std::string_view field) const {
  return path_.empty() ? std::string(field) : path_ + "." + std::string(field);
}

const Json* ArgReader::find(std::string_view field) const {
  const auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) return nullptr;  // null means "not given"
  return &*it;
}

bool ArgReader::has(std::string_view field) const {
  return find(field) != nullptr;
}

std::optional<std::string> ArgReader::optional_string(std::string_view field) const {
  const auto* value = find(field);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    throw_invalid_argument(path_of(field) + " must be a string, got " + type_name(*value));
  }
  return value->get<std::string>();
}

std::string ArgReader::required_string(std::string_view field) const {
  auto value = optional_string(field);
  if (!value) throw_invalid_argument(path_of(field) + " is required (a string)");
  if (value->empty()) throw_invalid_argument(path_of(field) + " must not be empty");
  return *value;
}

std::optional<std::string> ArgReader::optional_enum(
    std::string_view field, std::span<const std::string_view> allowed) const {
  auto value = optional_string(field);
  if (value && std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
    throw_invalid_argument(path_of(field) + " must be one of: " + join_choices(allowed) +
                           " (got \"" + *value + "\")");
  }
  return value;
}

std::string ArgReader::required_enum(std::string_view field,
                                     std::span<const std::string_view> allowed) const {
  auto value = optional_enum(field, allowed);
  if (!value)
    throw_invalid_argument(path_of(field) + " is required (one of: " + join_choices(allowed) + ")");
  return *value;
}

std::optional<std::int64_t> ArgReader::optional_int(std::string_view field, std::int64_t min,
                                                    std::int64_t max) const {
  const auto* value = find(field);
  if (!value) return std::nullopt;
  std::optional<std::int64_t> number;
  if (value->is_number_integer()) {
    number = value->get<std::int64_t>();
  } else if (value->is_number_unsigned()) {
    const auto u = value->get<std::uint64_t>();
    number = u > static_cast<std::uint64_t>(max) ? max + 1 : static_cast<std::int64_t>(u);
  } else if (value->is_number_float()) {
    const auto d = value->get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9e15) {
      number = static_cast<std::int64_t>(d);
    }
  } else if (value->is_string()) {
    const auto& s = value->get_ref<const std::string&>();
    std::int64_t parsed = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) number = parsed;
  }
  const auto range = " between " + std::to_string(min) + " and " + std::to_string(max);
  if (!number) {
    throw_invalid_argument(path_of(field) + " must be an integer" + range + ", got " +
                           type_name(*value));
  }
  if (*number < min || *number > max) {
    throw_invalid_argument(path_of(field) + " must be" + range + " (got " +
                           std::to_string(*number) + ")");
  }
  return number;
}

std::optional<bool> ArgReader::optional_bool(std::string_view field) const {
  const auto* value = find(field);
  if (!value) return std::nullopt;
  if (value->is_boolean()) return value->get<bool>();
  if (*value == "true") return true;
  if (*value == "false") return false;
  throw_invalid_argument(path_of(field) + " must be a boolean, got " + type_name(*value));
}

std::optional<Json> ArgReader::optional_object(std::string_view field) const {
  const auto* value = find(field);
  if (!value) return std::nullopt;
  if (!value->is_object()) {
    throw_invalid_argument(path_of(field) + " must be an object, got " + type_name(*value));
  }
  return *value;
}

std::optional<std::vector<std::string>> ArgReader::optional_string_array(
    std::string_view field) const {
  const auto* value = find(field);
  if (!value) return std::nullopt;
  if (!value->is_array()) {
    throw_invalid_argument(path_of(field) + " must be an array of strings, got " +
                           type_name(*value));
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const auto& item = (*value)[i];
    if (!item.is_string()) {
      throw_invalid_argument(path_of(field) + "[" + std::to_string(i) + "] must be a string, got " +
                             type_name(item));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

ArgReader ArgReader::nested(std::string_view field) const {
  const auto* value = find(field);
  if (value && !value->is_object()) {
    throw_invalid_argument(path_of(field) + " must be an object, got " + type_name(*value));
  }
  return ArgReader(value ? *value : empty_object(), path_of(field));
}

void ArgReader::reject_unknown(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : object_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw_invalid_argument("unknown field " + path_of(key) +
                             " (allowed: " + join_choices({known.begin(), known.size()}) + ")");
    }
  }
}

}  // namespace codex_mcp::tools
