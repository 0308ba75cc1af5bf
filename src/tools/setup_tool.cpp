// codex_setup: the readiness report (tools/readiness) with the server's own view of its
// state directory (owner or shared, and the sessions it knows).
#include <boost/asio/awaitable.hpp>

#include "codex_mcp/tools/readiness.hpp"
#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/tools/session_tools.hpp"
#include "codex_mcp/util/environment.hpp"

namespace asio = boost::asio;

namespace codex_mcp::tools {

asio::awaitable<Json> setup_report(const Toolbox& box, Json arguments, mcp::ToolCallContext&) {
  const auto request = decode_setup(arguments);
  const auto& manager = box.sessions;
  const auto& state = manager.state();
  ReadinessInputs inputs{.config = box.config,
                         .executable = box.codex.executable(),
                         .probe = box.codex.probe,
                         .state_dir = {{"path", box.config.state_dir},
                                       {"access", store::to_string(state.access())},
                                       {"persistent", state.writable()},
                                       {"sessions", manager.session_count()}}};
  if (!state.problem().empty()) inputs.state_dir["problem"] = state.problem();
  const bool found = !inputs.executable.path.empty();
  auto report = co_await readiness_report(manager.executor(), std::move(inputs),
                                          request.cwd.value_or(util::current_directory()));
  // How this server's sessions run codex (the codex is probed by now).
  if (found) report["clientMode"] = box.codex.client_mode();
  co_return report;
}

}  // namespace codex_mcp::tools
