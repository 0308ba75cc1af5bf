#!/usr/bin/env bash
# Packs the npm package around a portable codex-mcp binary; prints the tarball's path.
# Usage: packaging/npm/pack.sh BINARY OUT_DIR
# The version is the binary's own (`codex-mcp --version`), so package and binary agree.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "$1")"
mkdir -p "$2"
out="$(realpath "$2")"
version=$("$binary" --version | awk '{print $2}')
[ -n "$version" ] || { echo "pack.sh: $binary --version printed no version" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/bin"
install -m 0755 "$binary" "$stage/bin/codex-mcp"
cp "$here/README.md" "$here/../../LICENSE" "$stage/"
sed "s/\"0\.0\.0-set-by-pack\.sh\"/\"$version\"/" "$here/package.json" >"$stage/package.json"
grep -q "\"version\": \"$version\"" "$stage/package.json"
name=$(cd "$stage" && npm pack --pack-destination "$out" --loglevel=error)
echo "$out/$name"
