// codex's refusals of a caller's values, as INVALID_ARGUMENT messages that name the
// argument, the value and the values that work (the parsing is appserver/refusals).
// The decoders already hold the values codex 0.169 refuses; these cover what they cannot
// know: a codex that takes fewer values than the lists, and advanced.config entries.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace codex_mcp::tools {

using Json = nlohmann::json;

/// For a thread/start or turn/start error: the message when it refuses a value found in
/// `params` (the request sent), else nullopt (a refusal of something else, a timeout...).
std::optional<std::string> describe_param_refusal(const Json& params, std::string_view error);

/// For an app-server that exited at startup with `stderr_text`: the message when codex
/// refused a config value the caller set in advanced.config (`overrides`), else nullopt
/// (the problem is in config.toml or the profile file, not in the call's arguments).
std::optional<std::string> describe_config_refusal(const Json& overrides,
                                                   std::string_view stderr_text);

}  // namespace codex_mcp::tools
