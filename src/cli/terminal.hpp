// How the terminal view writes: colour and the terminal's width when stdout is a
// terminal (and NO_COLOR is unset), plain text of unlimited width otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace codex_mcp::cli {

class Terminal {
 public:
  /// Looks at stdout.
  static Terminal detect();
  Terminal(bool colour, std::size_t width) : colour_(colour), width_(width) {}

  bool colour() const { return colour_; }
  /// Columns available; 0 means no limit (not a terminal).
  std::size_t width() const { return width_; }

  std::string bold(std::string_view text) const { return paint("1", text); }
  std::string dim(std::string_view text) const { return paint("2", text); }
  std::string red(std::string_view text) const { return paint("31", text); }
  std::string green(std::string_view text) const { return paint("32", text); }
  std::string yellow(std::string_view text) const { return paint("33", text); }
  std::string cyan(std::string_view text) const { return paint("36", text); }
  /// The colour a session status is shown in.
  std::string status(std::string_view status) const;

 private:
  std::string paint(const char* code, std::string_view text) const;

  bool colour_;
  std::size_t width_;
};

/// `text` cut to `width` characters (UTF-8 aware) with an ellipsis; 0 keeps it whole.
std::string fit(std::string_view text, std::size_t width);
/// "12s", "5m", "3h", "2d": how long ago `then_ms` was, from `now_ms`.
std::string age(std::int64_t then_ms, std::int64_t now_ms);
/// "2026-11-29 15:40:12" in UTC.
std::string utc_time(std::int64_t ms);
/// Milliseconds since the epoch, now.
std::int64_t now_ms();

}  // namespace codex_mcp::cli
