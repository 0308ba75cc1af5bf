// TOML rendering of JSON values, for `codex app-server -c key=value` overrides.
// Pure functions, no I/O; safe on any thread.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex_mcp::codex {

/// Renders one JSON value as a TOML value: strings as escaped basic strings, integers,
/// floats (always with a '.' or exponent), booleans, arrays, objects as inline tables.
/// Throws std::invalid_argument for null, which TOML cannot express.
std::string toml_value(const nlohmann::json& value);

/// A TOML key: bare when it only uses A-Za-z0-9_-, else a quoted basic string.
std::string toml_key(const std::string& key);

/// `-c key=value` argument pairs for every member of `overrides` (a JSON object; the keys
/// are dotted config paths and pass through unquoted).
std::vector<std::string> config_override_args(const nlohmann::json& overrides);

}  // namespace codex_mcp::codex
