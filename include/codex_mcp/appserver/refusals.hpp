// How codex says no, parsed. Pure functions over codex 0.169's own texts (serde errors):
// - thread/start, turn/start answer -32600 "Invalid request: unknown variant `on-failure`,
//   expected one of `untrusted`, `on-request`, `granular`, `never`";
// - an app-server started with a config value it refuses (`-c key=value`, config.toml, a
//   profile) exits 1 before initialize, its stderr ending with "Error: unknown variant
//   `bogus`, expected one of `auto`, `concise`, `detailed`, `none`\nin
//   `model_reasoning_summary`" (or "Error: invalid type: string \"yes\", expected a
//   boolean\nin `key`"), then a stack backtrace;
// - `codex app-server -p PROFILE` exits 2: "error: unexpected argument '-p' found" (0.169's
//   app-server takes no profile; profiles are `codex --profile` files for other commands).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex_mcp::appserver {

struct UnknownVariant {
  std::string value;                  ///< what was refused
  std::vector<std::string> expected;  ///< what codex takes, in its order
};

/// "unknown variant `x`, expected one of `a`, `b`" anywhere in `text` (also "expected `a`
/// or `b`").
std::optional<UnknownVariant> parse_unknown_variant(std::string_view text);

/// codex's error report in a child's stderr: the last line starting "Error: " (or
/// "error: ", its argument parser's) with the lines continuing it up to a blank line,
/// joined by single spaces, without the prefix. Empty when there is none.
std::string startup_error(std::string_view stderr_text);

/// The config key a startup error names ("... in `key`" at its end), or "".
std::string config_key_of(std::string_view error);

/// `text` with every string value of `config` (`advanced.config`, a profile's settings:
/// they may hold tokens) replaced by <redacted> where it stands as a word of its own. A
/// value codex refuses is echoed in its error, and from there into what the server keeps
/// and logs (lastError, events, the log), which others may read.
std::string redact_config_values(std::string text, const nlohmann::json& config);

}  // namespace codex_mcp::appserver
