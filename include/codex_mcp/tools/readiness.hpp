// The readiness report behind codex_setup and `codex-mcp doctor`: which codex runs and
// why, its version, login status, app-server support, the config.toml files a session in
// `cwd` sees, and the state directory as the caller describes it.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/app/options.hpp"
#include "codex_mcp/codex/locate.hpp"

namespace codex_mcp::tools {

struct ReadinessInputs {
  app::Options options;
  codex::ExecutableChoice executable;
  /// How sessions run codex ("app-server" | "exec"); when absent it follows from --mode and
  /// whether the codex has `app-server` (as the session manager decides).
  std::optional<std::string> client_mode;
  /// The report's `stateDir` object; a "problem" field in it also becomes a warning.
  nlohmann::json state_dir;
};

/// Runs codex (--version, login status, app-server --help; 15 s each at most) and reports.
boost::asio::awaitable<nlohmann::json> readiness_report(boost::asio::any_io_executor executor,
                                                        ReadinessInputs inputs, std::string cwd);

}  // namespace codex_mcp::tools
