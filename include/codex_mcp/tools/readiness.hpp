// The readiness report behind codex_setup and `codex-mcp doctor`: which codex runs and
// why, its version (whether it is supported, what it lacks), login status, app-server support, the
// config.toml files a session in `cwd` sees, and the state directory as the caller describes it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/codex/locate.hpp"
#include "codex_mcp/codex/probe.hpp"
#include "codex_mcp/store/retention.hpp"

namespace codex_mcp::tools {

/// The server's configuration as the report shows it.
struct ServerConfig {
  std::string state_dir;
  std::string mode = "auto";          ///< --mode: auto | app-server | exec
  std::vector<std::string> warnings;  ///< configuration problems worth reporting
  store::RetentionPolicy retention;
};

struct ReadinessInputs {
  ServerConfig config;
  codex::ExecutableChoice executable;
  /// Asks codex its version and whether it has `app-server` (once per executable).
  std::shared_ptr<codex::CodexProbe> probe;
  /// The report's `stateDir` object; a "problem" field in it also becomes a warning.
  nlohmann::json state_dir;
};

/// Probes codex (--version, app-server --help), asks its login status (15 s at most) and
/// reports. clientMode follows from --mode and whether the codex has `app-server`.
boost::asio::awaitable<nlohmann::json> readiness_report(boost::asio::any_io_executor executor,
                                                        ReadinessInputs inputs, std::string cwd);

}  // namespace codex_mcp::tools
