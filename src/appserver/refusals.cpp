#include "codex_mcp/appserver/refusals.hpp"

#include <algorithm>
#include <cctype>

namespace codex_mcp::appserver {

namespace {

/// The `quoted` words of `text`, in order.
std::vector<std::string> backquoted(std::string_view text) {
  std::vector<std::string> words;
  for (std::size_t open = text.find('`'); open != std::string_view::npos;) {
    const auto close = text.find('`', open + 1);
    if (close == std::string_view::npos) break;
    words.emplace_back(text.substr(open + 1, close - open - 1));
    open = text.find('`', close + 1);
  }
  return words;
}

void collect_strings(const nlohmann::json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    if (!value.get_ref<const std::string&>().empty()) out.push_back(value.get<std::string>());
  } else if (value.is_structured()) {
    for (const auto& item : value) collect_strings(item, out);
  }
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

}  // namespace

std::string redact_config_values(std::string text, const nlohmann::json& config) {
  std::vector<std::string> values;
  collect_strings(config, values);
  // Longest first: a value inside a longer one is not left half-redacted.
  std::sort(values.begin(), values.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  constexpr std::string_view kRedacted = "<redacted>";
  for (const auto& value : values) {
    for (auto at = text.find(value); at != std::string::npos; at = text.find(value, at)) {
      const auto end = at + value.size();
      const bool whole = (at == 0 || !word_char(text[at - 1]) || !word_char(value.front())) &&
                         (end == text.size() || !word_char(text[end]) || !word_char(value.back()));
      if (!whole) {
        ++at;
        continue;
      }
      text.replace(at, value.size(), kRedacted);
      at += kRedacted.size();
    }
  }
  return text;
}

std::optional<UnknownVariant> parse_unknown_variant(std::string_view text) {
  constexpr std::string_view kMarker = "unknown variant `";
  const auto at = text.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  const auto value_end = text.find('`', at + kMarker.size());
  if (value_end == std::string_view::npos) return std::nullopt;
  UnknownVariant refusal;
  refusal.value = std::string(text.substr(at + kMarker.size(), value_end - at - kMarker.size()));
  auto rest = text.substr(value_end + 1);
  const auto expected = rest.find("expected");
  if (expected == std::string_view::npos) return refusal;
  rest = rest.substr(expected);
  // The list ends where the sentence does; a config error goes on with "in `key`".
  if (const auto end = rest.find_first_of("\n"); end != std::string_view::npos) {
    rest = rest.substr(0, end);
  }
  if (const auto in = rest.find(" in `"); in != std::string_view::npos) rest = rest.substr(0, in);
  refusal.expected = backquoted(rest);
  return refusal;
}

std::string startup_error(std::string_view stderr_text) {
  // "Error: " from codex's own checks, "error: " from its argument parser (clap).
  constexpr std::size_t kPrefixSize = 7;
  std::size_t at = std::string_view::npos;
  for (std::size_t line = 0; line < stderr_text.size();) {
    const auto head = stderr_text.substr(line, kPrefixSize);
    if (head == "Error: " || head == "error: ") at = line;
    const auto next = stderr_text.find('\n', line);
    if (next == std::string_view::npos) break;
    line = next + 1;
  }
  if (at == std::string_view::npos) return {};
  auto block = stderr_text.substr(at + kPrefixSize);
  if (const auto blank = block.find("\n\n"); blank != std::string_view::npos) {
    block = block.substr(0, blank);
  }
  std::string joined;
  std::size_t start = 0;
  while (start <= block.size()) {
    auto end = block.find('\n', start);
    if (end == std::string_view::npos) end = block.size();
    auto line = block.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!line.empty()) joined += (joined.empty() ? "" : " ") + std::string(line);
    start = end + 1;
  }
  return joined;
}

std::string config_key_of(std::string_view error) {
  const auto in = error.rfind(" in `");
  if (in == std::string_view::npos || error.empty() || error.back() != '`') return {};
  return std::string(error.substr(in + 5, error.size() - in - 6));
}

}  // namespace codex_mcp::appserver
