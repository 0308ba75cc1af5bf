// LineSplitter: turns a byte stream into newline-delimited messages with a hard size cap.
// Pure and synchronous (no I/O), so the framing rules are unit-tested on their own.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace codex_mcp::transport {

/// Splits incoming bytes at '\n'. A trailing '\r' is dropped and blank lines are skipped.
/// A line longer than the cap is discarded as it streams in (memory stays bounded) and
/// reported once through on_oversized when its newline finally arrives.
class LineSplitter {
 public:
  using LineHandler = std::function<void(std::string line)>;
  using OversizedHandler = std::function<void(std::size_t size)>;

  LineSplitter(std::size_t max_line_bytes, LineHandler on_line, OversizedHandler on_oversized);

  void feed(std::string_view bytes);
  /// End of stream: a final unterminated line is still delivered.
  void finish();

 private:
  void emit();

  std::size_t max_line_bytes_;
  LineHandler on_line_;
  OversizedHandler on_oversized_;
  std::string partial_;
  std::size_t discarded_ = 0;  // > 0 while skipping the rest of an oversized line
};

}  // namespace codex_mcp::transport
