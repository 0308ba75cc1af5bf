#!/usr/bin/env bash
# The portable binary links nothing at run time: no NEEDED entries, no program interpreter.
# Usage: portable_static.sh BINARY
set -euo pipefail
binary="$1"
dynamic=$(readelf --dynamic "$binary")
if grep -q "(NEEDED)" <<<"$dynamic"; then
  echo "FAIL: $binary needs shared libraries:" >&2
  grep "(NEEDED)" <<<"$dynamic" >&2
  exit 1
fi
if readelf --program-headers "$binary" | grep -q "INTERP"; then
  echo "FAIL: $binary has a program interpreter (it is dynamically linked)" >&2
  exit 1
fi
# ldd agrees (it exits 1 for a static executable).
if ldd "$binary" 2>&1 | grep -q "=>"; then
  echo "FAIL: ldd lists libraries for $binary" >&2
  ldd "$binary" >&2
  exit 1
fi
if readelf --section-headers "$binary" | grep -q "\.symtab\|\.debug_"; then
  echo "FAIL: $binary is not stripped" >&2
  exit 1
fi
echo "ok: $binary is static and stripped, $(stat -c %s "$binary") bytes"
