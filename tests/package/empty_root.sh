#!/usr/bin/env bash
# The portable binary in an empty root: a new mount namespace whose root holds only the
# binary, /proc and /dev/null, run with an empty environment (no PATH, no HOME, no codex).
# It must serve an MCP handshake and answer codex_setup cleanly (no codex found).
# Needs root (mount namespaces). Usage: empty_root.sh BINARY
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "SKIP: mount namespaces need root" >&2; exit 77; }
here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "$1")"
root=$(mktemp -d /tmp/codex-mcp-empty-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir "$root/proc" "$root/dev"
touch "$root/dev/null"
cp "$binary" "$root/codex-mcp"
# The mounts live and die with the namespace; nothing is left mounted on the host.
node "$here/handshake.mjs" --empty-env --no-codex -- /usr/bin/unshare --mount --propagation private \
  /bin/sh -c "/bin/mount -t proc proc '$root/proc' && /bin/mount --bind /dev/null '$root/dev/null' \
    && exec /usr/sbin/chroot '$root' /codex-mcp"
