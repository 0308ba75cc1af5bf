// The operating system's process facts and calls, behind one small interface, so that no
// other file includes a Linux-only header or reads /proc. Linux: src/process/platform_linux.cpp
// (/proc and prctl). docs/porting.md says what a macOS implementation of each would use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace codex_mcp::process::platform {

struct ProcessFacts {
  int parent = -1;
  int group = -1;
  /// When the kernel started the process, in a unit fixed for one boot (Linux: clock ticks
  /// since boot). With the pid and the boot id it names one process for good.
  std::uint64_t start_time = 0;
  bool zombie = false;  ///< exited but not reaped (or being torn down)
};

/// The facts of process `pid`, or nullopt when there is none (or it cannot be read).
std::optional<ProcessFacts> process_facts(int pid);

/// The current boot's identifier: the same string until the machine restarts.
const std::string& boot_id();

/// Every process id on the machine at the time of the call.
std::vector<int> all_pids();

/// Called in a forked child before exec, so async-signal-safe: asks the kernel to send
/// `signal` to the child when its parent dies. Returns 0, or an errno value.
int set_parent_death_signal(int signal);

/// A pipe with both ends close-on-exec from the start, so that no child started meanwhile
/// by another thread inherits them. Returns 0, or an errno value.
int make_cloexec_pipe(int (&fds)[2]);

/// Called in a forked child before exec, so async-signal-safe: closes every descriptor
/// from `first` to `last` in one call. Returns 0, or an errno value (ENOSYS where there is
/// no such call: the caller then closes them one by one).
int close_descriptor_range(unsigned first, unsigned last);

/// A descriptor that becomes readable once process `pid` (a child of ours) has exited, so
/// that its exit can be awaited without SIGCHLD. Returns the descriptor (close-on-exec),
/// or -errno (-ENOSYS where there is none: the caller then polls waitpid).
int open_exit_descriptor(int pid);

/// Makes this process adopt every orphaned descendant (instead of init), so that helpers
/// started in sessions of their own can still be found and ended. Returns 0, or an errno
/// value (or ENOSYS where the system has no such notion).
int become_child_subreaper();

}  // namespace codex_mcp::process::platform
