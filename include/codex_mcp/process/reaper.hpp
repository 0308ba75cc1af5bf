// The server as the reaper of everything it starts.
//
// codex starts some helpers in a session of their own (the login-shell snapshot
// `bash -lc`), so signalling a child's process group misses them, and when their parent
// dies they are re-parented away from us and outlive the server. As a child subreaper
// (PR_SET_CHILD_SUBREAPER) the server adopts every orphaned descendant instead: it can
// find them by ancestry, end them on every exit path, and must wait for them when they
// exit (else they stay zombies). Linux only.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace codex_mcp::process {

/// Makes this process the subreaper of its descendants; false (logged) when refused.
bool become_subreaper();

/// Waits for adopted descendants that exited; `is_ours(pid)` tells the children whose
/// exit another part of the server waits for (they are left alone). Returns how many.
std::size_t reap_adopted(const std::function<bool(int pid)>& is_ours);

/// Ends every live descendant of this process: SIGTERM to each and its group, then
/// SIGKILL after `grace`, then waits for those that are our children. Blocks for at most
/// about `grace` plus a second; returns how many there were.
std::size_t end_all_descendants(std::chrono::milliseconds grace);

}  // namespace codex_mcp::process
