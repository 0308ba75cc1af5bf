#!/usr/bin/env bash
# Portability on paper: outside src/process/platform_linux.cpp, no source includes a
# Linux-only header or reads /proc, so a macOS port replaces one file (docs/porting.md).
# Usage: portability_check.sh SOURCE_DIR
set -euo pipefail
cd "$1"
linux_only='#include <(linux/|sys/prctl\.h|sys/epoll\.h|sys/inotify\.h|sys/signalfd\.h|sys/eventfd\.h|sys/timerfd\.h|sys/sysinfo\.h|sys/syscall\.h|sys/sysmacros\.h|sys/personality\.h|sys/fsuid\.h|mntent\.h|features\.h|gnu/)'
found=$(grep -rEn "$linux_only|\"/proc" src include --include='*.cpp' --include='*.hpp' |
  grep -v '^src/process/platform_linux\.cpp:' || true)
if [ -n "$found" ]; then
  echo "FAIL: Linux-only code outside src/process/platform_linux.cpp (move it behind process/platform.hpp):" >&2
  echo "$found" >&2
  exit 1
fi
echo "ok: Linux-only headers and /proc appear only in src/process/platform_linux.cpp"
