#include "codex_mcp/codex/profile.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <system_error>

#include <cpptoml.h>

#include "codex_mcp/codex/toml.hpp"

namespace codex_mcp::codex {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

bool valid_name(const std::string& name) {
  return !name.empty() && name.front() != '.' && name.size() <= 100 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '_' || c == '-' || c == '.';
         });
}

Json to_json(const std::shared_ptr<cpptoml::base>& value);

Json table_to_json(const cpptoml::table& table) {
  Json out = Json::object();
  for (const auto& [key, value] : table) out[key] = to_json(value);
  return out;
}

Json to_json(const std::shared_ptr<cpptoml::base>& value) {
  if (value->is_table()) return table_to_json(*value->as_table());
  if (value->is_array()) {
    Json out = Json::array();
    for (const auto& item : value->as_array()->get()) out.push_back(to_json(item));
    return out;
  }
  if (value->is_table_array()) {
    Json out = Json::array();
    for (const auto& item : value->as_table_array()->get()) out.push_back(table_to_json(*item));
    return out;
  }
  if (const auto s = value->as<std::string>()) return s->get();
  if (const auto i = value->as<std::int64_t>()) return i->get();
  if (const auto d = value->as<double>()) return d->get();
  if (const auto b = value->as<bool>()) return b->get();
  // Dates and times: codex reads none of its settings from them; keep their text.
  if (const auto date = value->as<cpptoml::offset_datetime>()) {
    std::ostringstream text;
    text << date->get();
    return text.str();
  }
  return nullptr;
}

/// Tables become dotted paths; everything else (arrays included) is one value.
void flatten(const Json& table, const std::string& prefix, Json& out) {
  for (const auto& [key, value] : table.items()) {
    const auto path = prefix + toml_key(key);
    if (value.is_object()) {
      flatten(value, path + ".", out);
    } else if (!value.is_null()) {
      out[path] = value;
    }
  }
}

/// Whether config.toml still holds the profile the old way, as a [profiles.<name>] table.
bool has_legacy_profile(const std::string& codex_home, const std::string& name) {
  const auto config = fs::path(codex_home) / "config.toml";
  std::error_code ec;
  if (!fs::is_regular_file(config, ec)) return false;
  try {
    const auto profiles = cpptoml::parse_file(config.string())->get_table("profiles");
    return profiles && profiles->contains(name);
  } catch (const cpptoml::parse_exception&) {
    return false;  // codex reports a broken config.toml itself
  }
}

}  // namespace

fs::path profile_path(const std::string& codex_home, const std::string& name) {
  return fs::path(codex_home) / (name + ".config.toml");
}

Json load_profile_overrides(const std::string& codex_home, const std::string& name) {
  if (!valid_name(name)) {
    throw ProfileError("profile \"" + name +
                       "\" is not a profile name (letters, digits, '_', '-' and '.')");
  }
  const auto path = profile_path(codex_home, name);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    if (has_legacy_profile(codex_home, name)) {
      // codex 0.169 refuses these outright; say where the settings must go.
      throw ProfileError("profile \"" + name + "\" is a [profiles." + name + "] table in " +
                         (fs::path(codex_home) / "config.toml").string() +
                         ", which codex no longer reads: move its settings into " + path.string() +
                         " and remove the table");
    }
    throw ProfileError("profile \"" + name + "\" not found: codex keeps a profile in " +
                       path.string() + " (settings layered over config.toml)");
  }
  std::shared_ptr<cpptoml::table> table;
  try {
    table = cpptoml::parse_file(path.string());
  } catch (const cpptoml::parse_exception& e) {
    throw ProfileError("profile \"" + name + "\": " + path.string() +
                       " is not valid TOML: " + e.what());
  }
  Json overrides = Json::object();
  flatten(table_to_json(*table), "", overrides);
  return overrides;
}

}  // namespace codex_mcp::codex
