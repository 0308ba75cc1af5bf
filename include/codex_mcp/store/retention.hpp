// Retention: which persisted sessions to delete so the state directory stays bounded.
// A pure function, so the policy is tested without touching a disk.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace codex_mcp::store {

/// Limits on what the state directory keeps; 0 disables a limit.
struct RetentionPolicy {
  std::chrono::milliseconds max_age{std::chrono::hours(24 * 7)};
  std::size_t max_sessions = 200;
  std::uintmax_t max_bytes = std::uintmax_t{1} << 30;
};

struct RetentionEntry {
  std::string id{};
  std::int64_t updated_ms = 0;
  std::uintmax_t bytes = 0;
  /// False for sessions in use (loaded, with a live child): counted, never deleted.
  bool prunable = true;
};

/// The ids to delete, oldest first: every prunable session older than max_age, then the
/// oldest prunable ones until the count and total size fit.
std::vector<std::string> sessions_to_prune(std::vector<RetentionEntry> entries,
                                           const RetentionPolicy& policy, std::int64_t now_ms);

}  // namespace codex_mcp::store
