// TOML value rendering (see toml.hpp). Pure; safe on any thread.
#include "codex_mcp/codex/toml.hpp"

#include <cmath>
#include <stdexcept>

namespace codex_mcp::codex {

namespace {

std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
          constexpr const char* kHex = "0123456789ABCDEF";
          out += "\\u00";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xF];
        } else {
          out += c;  // UTF-8 passes through unchanged
        }
      }
    }
  }
  out += '"';
  return out;
}

std::string toml_float(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  std::string text = nlohmann::json(value).dump();  // shortest round-trip form
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

}  // namespace

std::string toml_key(const std::string& key) {
  const bool bare = !key.empty() && key.find_first_not_of(
                                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789_-") == std::string::npos;
  return bare ? key : toml_string(key);
}

std::string toml_value(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return toml_string(value.get_ref<const std::string&>());
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return value.dump();
    case nlohmann::json::value_t::number_float:
      return toml_float(value.get<double>());
    case nlohmann::json::value_t::array: {
      std::string out = "[";
      for (const auto& item : value) {
        if (out.size() > 1) out += ", ";
        out += toml_value(item);
      }
      return out + "]";
    }
    case nlohmann::json::value_t::object: {
      if (value.empty()) return "{}";
      std::string out = "{ ";
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        out += toml_key(key) + " = " + toml_value(item);
      }
      return out + " }";
    }
    default:
      throw std::invalid_argument("TOML has no null value");
  }
}

std::vector<std::string> config_override_args(const nlohmann::json& overrides) {
  std::vector<std::string> args;
  if (overrides.is_null()) return args;
  if (!overrides.is_object()) {
    throw std::invalid_argument("config overrides must be a JSON object");
  }
  for (const auto& [key, value] : overrides.items()) {
    args.emplace_back("-c");
    args.push_back(key + "=" + toml_value(value));
  }
  return args;
}

}  // namespace codex_mcp::codex
