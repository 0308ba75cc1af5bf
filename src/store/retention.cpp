#include "codex_mcp/store/retention.hpp"

#include <algorithm>

namespace codex_mcp::store {

std::vector<std::string> sessions_to_prune(std::vector<RetentionEntry> entries,
                                           const RetentionPolicy& policy, std::int64_t now_ms) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.updated_ms < b.updated_ms; });
  std::size_t count = entries.size();
  std::uintmax_t bytes = 0;
  for (const auto& entry : entries) bytes += entry.bytes;

  std::vector<std::string> doomed;
  auto over_limits = [&] {
    return (policy.max_sessions > 0 && count > policy.max_sessions) ||
           (policy.max_bytes > 0 && bytes > policy.max_bytes);
  };
  for (const auto& entry : entries) {
    if (!entry.prunable) continue;
    const bool too_old =
        policy.max_age.count() > 0 && now_ms - entry.updated_ms > policy.max_age.count();
    if (!too_old && !over_limits()) continue;
    doomed.push_back(entry.id);
    --count;
    bytes -= entry.bytes;
  }
  return doomed;
}

}  // namespace codex_mcp::store
