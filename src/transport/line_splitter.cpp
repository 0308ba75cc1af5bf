#include "codex_mcp/transport/line_splitter.hpp"

#include <algorithm>

namespace codex_mcp::transport {

LineSplitter::LineSplitter(std::size_t max_line_bytes, LineHandler on_line,
                           OversizedHandler on_oversized)
    : max_line_bytes_(max_line_bytes),
      on_line_(std::move(on_line)),
      on_oversized_(std::move(on_oversized)) {}

void LineSplitter::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    const auto chunk = bytes.substr(0, newline);
    if (discarded_ > 0 || partial_.size() + chunk.size() > max_line_bytes_) {
      discarded_ += partial_.size() + chunk.size();
      partial_.clear();
    } else {
      partial_.append(chunk);
    }
    if (newline == std::string_view::npos) return;
    emit();
    bytes.remove_prefix(newline + 1);
  }
}

void LineSplitter::finish() {
  if (!partial_.empty() || discarded_ > 0) emit();
}

void LineSplitter::emit() {
  if (discarded_ > 0) {
    const auto size = discarded_;
    discarded_ = 0;
    on_oversized_(size);
    return;
  }
  std::string line;
  line.swap(partial_);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const bool blank = std::all_of(line.begin(), line.end(),
                                 [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
  if (!blank) on_line_(std::move(line));
}

}  // namespace codex_mcp::transport
