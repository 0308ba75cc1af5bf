#!/usr/bin/env bash
# The .deb: CPack builds it from the build directory; its control fields name a maintainer
# and depend on nothing; dpkg installs it into an empty scratch root (its own dpkg
# database, so a missing dependency would fail the install); the installed binary, man
# page, license and docs are where they belong; the binary answers --version and an MCP
# handshake. Usage: deb_install.sh BUILD_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(realpath "$1")"
work=$(mktemp -d /tmp/codex-mcp-deb-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cpack --config "$build/CPackConfig.cmake" -B "$work/dist" >"$work/cpack.log" ||
  { cat "$work/cpack.log" >&2; exit 1; }
deb=$(ls "$work"/dist/*.deb)
dpkg-deb --field "$deb"
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(dpkg-deb --field "$deb" Package)" = codex-mcp ] || fail "package name"
[ "$(dpkg-deb --field "$deb" Architecture)" = amd64 ] || fail "architecture"
[[ "$(dpkg-deb --field "$deb" Maintainer)" == *"<"*"@"*">" ]] || fail "no maintainer address"
[ -z "$(dpkg-deb --field "$deb" Depends)" ] || fail "Depends: $(dpkg-deb --field "$deb" Depends)"

root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --log=/dev/null --force-not-root --install "$deb"
dpkg --root="$root" --status codex-mcp | grep -q "Status: install ok installed"
for file in usr/bin/codex-mcp usr/share/man/man1/codex-mcp.1.gz usr/share/doc/codex-mcp/LICENSE \
  usr/share/doc/codex-mcp/README.md usr/share/doc/codex-mcp/docs/state.md; do
  [ -f "$root/$file" ] || fail "the package has no /$file"
done
[ -x "$root/usr/bin/codex-mcp" ] || fail "/usr/bin/codex-mcp is not executable"
# The man page documents the subcommands and the environment.
man_text=$(zcat "$root/usr/share/man/man1/codex-mcp.1.gz")
for word in sessions doctor tail CODEX_MCP_STATE_DIR; do
  grep -q -- "$word" <<<"$man_text" || fail "the man page does not mention $word"
done
"$root/usr/bin/codex-mcp" --version | grep -q "^codex-mcp [0-9]"
CODEX_MCP_STATE_DIR="$work/state" node "$here/handshake.mjs" -- "$root/usr/bin/codex-mcp"
echo "ok: $(basename "$deb") installs into an empty root and runs"
