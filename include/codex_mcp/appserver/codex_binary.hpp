// Finding the native codex binary behind the npm Node launcher.
// Pure filesystem lookups; safe on any thread.
#pragma once

#include <chrono>
#include <string>

namespace codex_mcp::appserver {

/// Given `codex` (a bare name is looked up on PATH; e.g. node_modules/.bin/codex, a symlink to
/// node_modules/@openai/codex/bin/codex.js), returns the native binary the launcher would
/// spawn (`@openai/codex-linux-<arch>/vendor/<triple>/bin/codex`, hoisted next to
/// @openai/codex or nested under it) when it exists and is executable; otherwise returns
/// `codex_path` unchanged.
std::string resolve_native_codex(const std::string& codex_path);

}  // namespace codex_mcp::appserver

namespace codex_mcp::appserver {

/// Whether this codex has the `app-server` subcommand: runs `<codex> app-server --help`
/// (a few ms for the native binary) and waits for it, up to `timeout`; one that is still
/// running then counts as having it. Blocks the calling thread: callers cache the answer.
bool has_app_server(const std::string& executable, std::chrono::milliseconds timeout);

}  // namespace codex_mcp::appserver
