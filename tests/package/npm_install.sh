#!/usr/bin/env bash
# The npm package, offline: packs it around the portable binary, installs the tarball
# globally into a scratch prefix and through `npm exec` (what npx runs) with the registry
# pointed at a closed port, then runs the installed codex-mcp: --version and an MCP handshake.
# Usage: npm_install.sh BINARY
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "$1")"
work=$(mktemp -d /tmp/codex-mcp-npm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
tarball=$("$here/../../packaging/npm/pack.sh" "$binary" "$work/dist")
tar -tzf "$tarball" | sort | tr '\n' ' '; echo
# No registry: any attempt to reach one fails the install.
offline=(--offline --registry http://127.0.0.1:9/ --no-audit --no-fund --loglevel=error)

npm install --global --prefix "$work/prefix" --cache "$work/cache" "${offline[@]}" "$tarball"
installed="$work/prefix/bin/codex-mcp"
# The bin is a link straight to the native executable: no Node launcher in between.
test -L "$installed" || { echo "FAIL: $installed is not a symlink" >&2; exit 1; }
target=$(readlink -f "$installed")
[ "$(head -c 4 "$target" | od -An -c | tr -d ' ')" = '177ELF' ] ||
  { echo "FAIL: $installed points to $target, not an ELF executable" >&2; exit 1; }
cmp "$target" "$binary"
want="$("$binary" --version)"
[ "$("$installed" --version)" = "$want" ] || { echo "FAIL: installed --version differs" >&2; exit 1; }
CODEX_MCP_STATE_DIR="$work/state" node "$here/handshake.mjs" -- "$installed"

# npx -y <package>: npm exec installs the tarball into its own cache and runs the bin.
got=$(cd "$work" && npm exec --yes --cache "$work/npx-cache" "${offline[@]}" \
  --package="$tarball" -- codex-mcp --version)
[ "$got" = "$want" ] || { echo "FAIL: npm exec printed '$got', want '$want'" >&2; exit 1; }
echo "ok: npm install -g and npm exec (npx) of $(basename "$tarball") work offline"
