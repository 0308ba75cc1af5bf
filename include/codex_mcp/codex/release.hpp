// Which codex release a session talks to, and what that release supports.
//
// Measured with the same scenarios against real releases: 0.80 to 0.171 work, with these
// differences the backend handles by version:
// - older than 0.80 (0.60.x spells the v2 enums in camelCase, has no thread/fork and no v2
//   approvals): refused with a message naming the version and the minimum;
// - `approvalPolicy: on-failure` exists up to 0.140 and was removed in 0.150;
// - `thread/backgroundTerminals/clean` exists from 0.100 on;
// - 0.80 and 0.100 also send legacy `codex/event/*` notifications (dropped by the
//   app-server client for every release: appserver::is_legacy_notification).
// Pure functions; safe on any thread.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace codex_mcp::codex {

struct Version {
  int major = 0, minor = 0, patch = 0;
  auto operator<=>(const Version&) const = default;
  std::string to_string() const;
};

/// The version in `codex --version` output ("codex-cli 0.169.0", "codex 0.80.0-alpha.2",
/// a bare "0.169.0"): the first `N.N.N`. Nullopt when there is none.
std::optional<Version> parse_version(std::string_view text);

/// The oldest release codex-mcp runs sessions on.
inline constexpr Version kMinimumVersion{0, 80, 0};
/// The release the test suite runs against (scripts/deps pins it).
inline constexpr Version kTestedVersion{0, 169, 0};
/// The first release without `approvalPolicy: on-failure` we know of (0.140 has it, 0.150
/// has not; the releases between were not measured and are taken as without it).
inline constexpr Version kOnFailureRemoved{0, 141, 0};
/// The first release with `thread/backgroundTerminals/clean`.
inline constexpr Version kBackgroundTerminalsClean{0, 100, 0};

/// One codex release. An unknown version (`codex --version` failed or printed no
/// version) is taken as a current one: nothing is refused because of it.
struct Release {
  std::optional<Version> version;

  /// "codex 0.80.0", or "codex (version unknown)".
  std::string name() const;
  /// Known to be at least kMinimumVersion, or unknown.
  bool supported() const;
  bool has_on_failure_policy() const;
  bool has_background_terminals_clean() const;
  /// What codex-mcp offers that this release lacks, one sentence each (codex_setup).
  std::vector<std::string> missing_features() const;
};

/// Why sessions cannot run on this release (nullopt when they can).
std::optional<std::string> unsupported_reason(const Release& release);

/// Why this release refuses `policy` as an approvalPolicy (nullopt when it takes it).
std::optional<std::string> approval_policy_refusal(const Release& release, std::string_view policy);

/// Why this release cannot clean background terminals (nullopt when it can).
std::optional<std::string> background_terminals_refusal(const Release& release);

}  // namespace codex_mcp::codex
