// codex_setup: the readiness report (tools/readiness) with the server's own view of its
// state directory (owner or shared, and the sessions it knows).
#include <boost/asio/awaitable.hpp>

#include "codex_mcp/tools/readiness.hpp"
#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/tools/session_tools.hpp"
#include "codex_mcp/util/environment.hpp"

namespace asio = boost::asio;

namespace codex_mcp::tools {

asio::awaitable<Json> setup_report(session::SessionManager& manager, Json arguments,
                                   mcp::ToolCallContext&) {
  const auto request = decode_setup(arguments);
  const auto& state = manager.state();
  ReadinessInputs inputs{.options = manager.options(),
                         .executable = manager.executable(),
                         .client_mode = std::nullopt,
                         .state_dir = {{"path", manager.options().state_dir},
                                       {"access", store::to_string(state.access())},
                                       {"persistent", state.writable()},
                                       {"sessions", manager.session_count()}}};
  if (!inputs.executable.path.empty()) inputs.client_mode = manager.client_mode();
  if (!state.problem().empty()) inputs.state_dir["problem"] = state.problem();
  co_return co_await readiness_report(manager.executor(), std::move(inputs),
                                      request.cwd.value_or(util::current_directory()));
}

}  // namespace codex_mcp::tools
