// Finding the native codex binary behind the npm Node launcher.
// Pure filesystem lookups; safe on any thread.
#pragma once

#include <string>

namespace codex_mcp::appserver {

/// Given `codex` (a bare name is looked up on PATH; e.g. node_modules/.bin/codex, a symlink to
/// node_modules/@openai/codex/bin/codex.js), returns the native binary the launcher would
/// spawn (`@openai/codex-linux-<arch>/vendor/<triple>/bin/codex`, hoisted next to
/// @openai/codex or nested under it) when it exists and is executable; otherwise returns
/// `codex_path` unchanged.
std::string resolve_native_codex(const std::string& codex_path);

}  // namespace codex_mcp::appserver
