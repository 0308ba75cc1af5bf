#include "codex_mcp/codex/release.hpp"

#include <cctype>

namespace codex_mcp::codex {

namespace {

/// Digits at `text[pos...]` as a number (at most 6 digits); advances `pos`.
std::optional<int> read_number(std::string_view text, std::size_t& pos) {
  const auto start = pos;
  int value = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) {
    if (pos - start == 6) return std::nullopt;
    value = value * 10 + (text[pos] - '0');
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return value;
}

}  // namespace

std::string Version::to_string() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::optional<Version> parse_version(std::string_view text) {
  for (std::size_t begin = 0; begin < text.size(); ++begin) {
    // A version starts a word: not the "64" of "x86_64", nor the middle of a number.
    if (begin > 0 && (std::isalnum(static_cast<unsigned char>(text[begin - 1])) != 0 ||
                      text[begin - 1] == '.' || text[begin - 1] == '_')) {
      continue;
    }
    std::size_t pos = begin;
    Version version;
    const auto major = read_number(text, pos);
    if (!major || pos >= text.size() || text[pos++] != '.') continue;
    const auto minor = read_number(text, pos);
    if (!minor || pos >= text.size() || text[pos++] != '.') continue;
    const auto patch = read_number(text, pos);
    if (!patch) continue;
    version.major = *major;
    version.minor = *minor;
    version.patch = *patch;
    return version;
  }
  return std::nullopt;
}

std::string Release::name() const {
  return version ? "codex " + version->to_string() : std::string("codex (version unknown)");
}

bool Release::supported() const {
  return !version || *version >= kMinimumVersion;
}

bool Release::has_on_failure_policy() const {
  return version && *version < kOnFailureRemoved;
}

bool Release::has_background_terminals_clean() const {
  return !version || *version >= kBackgroundTerminalsClean;
}

std::vector<std::string> Release::missing_features() const {
  std::vector<std::string> out;
  if (!supported()) {
    out.push_back("sessions: codex-mcp needs codex " + kMinimumVersion.to_string() + " or newer");
    return out;
  }
  if (!has_background_terminals_clean()) {
    out.push_back("codex_session clean_background_terminals (codex " +
                  kBackgroundTerminalsClean.to_string() + " and newer)");
  }
  if (!has_on_failure_policy()) {
    out.push_back("approvalPolicy on-failure (removed in codex 0.150; codex 0.140 and older)");
  }
  return out;
}

std::optional<std::string> unsupported_reason(const Release& release) {
  if (release.supported()) return std::nullopt;
  return release.name() + " is older than codex " + kMinimumVersion.to_string() +
         ", the oldest release codex-mcp supports; install a newer one (npm install -g "
         "@openai/codex) or point CODEX_MCP_PATH at it";
}

std::optional<std::string> approval_policy_refusal(const Release& release,
                                                   std::string_view policy) {
  if (policy != "on-failure" || release.has_on_failure_policy()) return std::nullopt;
  return "approvalPolicy \"on-failure\" is not supported by " + release.name() +
         " (codex removed it in 0.150; 0.140 and older take it); use one of: untrusted, "
         "on-request, never";
}

std::optional<std::string> background_terminals_refusal(const Release& release) {
  if (release.has_background_terminals_clean()) return std::nullopt;
  return "clean_background_terminals is not supported by " + release.name() +
         " (thread/backgroundTerminals/clean exists from codex " +
         kBackgroundTerminalsClean.to_string() + " on)";
}

}  // namespace codex_mcp::codex
