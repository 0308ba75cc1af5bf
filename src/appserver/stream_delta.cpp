#include "codex_mcp/appserver/stream_delta.hpp"

#include <array>
#include <cstdint>

#include "codex_mcp/util/json_text.hpp"

namespace codex_mcp::appserver {

namespace {

constexpr std::array<std::string_view, 6> kStreamDeltaMethods = {
    "item/agentMessage/delta",         "item/reasoning/textDelta",
    "item/reasoning/summaryTextDelta", "item/commandExecution/outputDelta",
    "item/fileChange/outputDelta",     "item/plan/delta"};

std::optional<std::string_view> canonical_method(std::string_view method) {
  for (const auto known : kStreamDeltaMethods) {
    if (known == method) return known;
  }
  return std::nullopt;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

/// A strict reader of the few JSON forms a delta line holds. Every method answers false
/// at the first thing it does not take; the line then goes to the full parser.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool consume(char c) {
    skip_whitespace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool at_end() {
    skip_whitespace();
    return p_ == end_;
  }

  /// A string, decoded into `out` (replacing what it held).
  bool string(std::string& out) {
    out.clear();
    if (!consume('"')) return false;
    for (;;) {
      const char* run = p_;
      while (p_ != end_ && plain(*p_)) ++p_;
      out.append(run, p_);
      if (p_ == end_) return false;
      const auto byte = static_cast<unsigned char>(*p_);
      if (byte == '"') {
        ++p_;
        return true;
      }
      if (byte == '\\') {
        if (!escape(out)) return false;
      } else if (byte >= 0x80) {
        if (!multibyte(out)) return false;
      } else {
        return false;  // a raw control character
      }
    }
  }

  /// An integer (emittedAtMs), checked and skipped. Only up to 18 digits, and no fraction
  /// or exponent: those the full parser may refuse (a double that overflows), so they go
  /// there.
  bool integer() {
    skip_whitespace();
    if (p_ != end_ && *p_ == '-') ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
      return p_ == end_ || (*p_ != '.' && *p_ != 'e' && *p_ != 'E' && !digit(*p_));
    }
    const char* first = p_;
    while (p_ != end_ && digit(*p_)) ++p_;
    const auto count = p_ - first;
    return count > 0 && count <= 18 && (p_ == end_ || (*p_ != '.' && *p_ != 'e' && *p_ != 'E'));
  }

  /// A string or an integer, skipped: fields a newer codex may add beside the ones used.
  bool scalar(std::string& scratch) {
    skip_whitespace();
    if (p_ == end_) return false;
    return *p_ == '"' ? string(scratch) : integer();
  }

 private:
  static bool plain(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\';
  }

  void skip_whitespace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool hex4(std::uint32_t& value) {
    if (end_ - p_ < 4) return false;
    value = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      const char c = *p_;
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  /// After a backslash: one escape, decoded. Surrogates must come as a proper pair.
  bool escape(std::string& out) {
    ++p_;
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"':
        out += '"';
        return true;
      case '\\':
        out += '\\';
        return true;
      case '/':
        out += '/';
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    std::uint32_t code_point = 0;
    if (!hex4(code_point)) return false;
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) return false;  // a lone low half
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      std::uint32_t low = 0;
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
      p_ += 2;
      if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, code_point);
    return true;
  }

  /// A UTF-8 sequence, copied if well formed (by the full parser's rules).
  bool multibyte(std::string& out) {
    const auto length = util::utf8_sequence_length(std::string_view(p_, end_), 0);
    if (length == 0) return false;
    out.append(p_, length);
    p_ += length;
    return true;
  }

  const char* p_;
  const char* end_;
};

/// The params object: itemId and delta kept, threadId, turnId and any other plain field
/// skipped.
bool read_params(Scanner& in, StreamDelta& out, std::string& scratch) {
  bool have_item = false;
  bool have_delta = false;
  if (!in.consume('{')) return false;
  if (in.consume('}')) return false;
  do {
    if (!in.string(scratch) || !in.consume(':')) return false;
    if (scratch == "itemId") {
      if (!in.string(out.item_id)) return false;
      have_item = true;
    } else if (scratch == "delta") {
      if (!in.string(out.delta)) return false;
      have_delta = true;
    } else if (!in.scalar(scratch)) {
      return false;
    }
  } while (in.consume(','));
  return in.consume('}') && have_item && have_delta;
}

}  // namespace

bool is_stream_delta_method(std::string_view method) {
  return canonical_method(method).has_value();
}

std::optional<StreamDelta> parse_stream_delta(std::string_view line) {
  Scanner in(line);
  StreamDelta out;
  std::string scratch;
  bool have_params = false;
  if (!in.consume('{') || in.consume('}')) return std::nullopt;
  do {
    if (!in.string(scratch) || !in.consume(':')) return std::nullopt;
    if (scratch == "method") {
      if (!in.string(scratch)) return std::nullopt;
      const auto method = canonical_method(scratch);
      if (!method) return std::nullopt;  // most lines that are not deltas stop here
      out.method = *method;
    } else if (scratch == "params") {
      if (!read_params(in, out, scratch)) return std::nullopt;
      have_params = true;
    } else if (scratch == "emittedAtMs" || scratch == "jsonrpc") {
      if (!in.scalar(scratch)) return std::nullopt;
    } else {
      return std::nullopt;  // an id, a result, an error: not a notification
    }
  } while (in.consume(','));
  if (!in.consume('}') || !in.at_end() || out.method.empty() || !have_params) return std::nullopt;
  return out;
}

}  // namespace codex_mcp::appserver
