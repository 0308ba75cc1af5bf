#include "codex_mcp/util/json_text.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace codex_mcp::util {

namespace {

/// Bytes copied as they are: printable ASCII but the quote and the backslash.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int byte = 0x20; byte < 0x80; ++byte) plain[static_cast<std::size_t>(byte)] = true;
  plain['"'] = false;
  plain['\\'] = false;
  return plain;
}();

/// True when none of the 8 bytes at `p` needs a look: all printable ASCII, no quote, no
/// backslash. Eight bytes tested at once (SWAR), since most text is exactly that.
bool plain_word(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  const auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  const std::uint64_t control = (word - 0x20 * kOnes) & ~word & kHighs;  // a byte < 0x20
  return ((word & kHighs) | control | has_zero(word ^ ('"' * kOnes)) |
          has_zero(word ^ ('\\' * kOnes))) == 0;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

void append_escape(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (byte) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
  }
}

template <typename Number>
void append_number(std::string& out, Number number) {
  char buffer[24];
  const auto [end, error] = std::to_chars(std::begin(buffer), std::end(buffer), number);
  out.append(buffer, end);
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data()) + at;
  const auto left = text.size() - at;
  const auto lead = bytes[0];
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (left < length || bytes[1] < low || bytes[1] > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (bytes[i] < 0x80 || bytes[i] > 0xBF) return 0;
  }
  return length;
}

void append_json_string(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t run = i;
    while (i + 8 <= text.size() && plain_word(text.data() + i)) i += 8;
    while (i < text.size() && kPlain[static_cast<unsigned char>(text[i])]) ++i;
    out.append(text, run, i - run);
    if (i == text.size()) break;
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      append_escape(out, byte);
      ++i;
    } else if (const auto length = utf8_sequence_length(text, i)) {
      out.append(text, i, length);
      i += length;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  out += '"';
}

namespace {

template <typename BasicJson>
void append_value(std::string& out, const BasicJson& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::null:
      out += "null";
      return;
    case Type::boolean:
      out += value.template get<bool>() ? "true" : "false";
      return;
    case Type::number_integer:
      append_number(out, value.template get<std::int64_t>());
      return;
    case Type::number_unsigned:
      append_number(out, value.template get<std::uint64_t>());
      return;
    case Type::string:
      append_json_string(out, value.template get_ref<const std::string&>());
      return;
    case Type::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] :
           value.template get_ref<const typename BasicJson::object_t&>()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_value(out, member);
      }
      out += '}';
      return;
    }
    case Type::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.template get_ref<const typename BasicJson::array_t&>()) {
        if (!first) out += ',';
        first = false;
        append_value(out, element);
      }
      out += ']';
      return;
    }
    default:
      // Floating point (rare here: nlohmann's shortest round-trip form), binary, discarded.
      out += value.dump(-1, ' ', false, BasicJson::error_handler_t::replace);
      return;
  }
}

}  // namespace

void append_json(std::string& out, const nlohmann::json& value) {
  append_value(out, value);
}

void append_ordered_json(std::string& out, const nlohmann::ordered_json& value) {
  append_value(out, value);
}

std::string json_text(const nlohmann::json& value) {
  std::string out;
  append_json(out, value);
  return out;
}

}  // namespace codex_mcp::util
