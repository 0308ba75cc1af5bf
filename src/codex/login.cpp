#include "codex_mcp/codex/login.hpp"

#include <vector>

#include "codex_mcp/process/run_capture.hpp"

namespace codex_mcp::codex {

boost::asio::awaitable<LoginStatus> login_status(boost::asio::any_io_executor executor,
                                                 std::string executable,
                                                 std::chrono::milliseconds timeout) {
  // A named argument list: GCC 12 cannot compile a braced literal inside co_await.
  const std::vector<std::string> args{"login", "status"};
  const auto login = co_await process::run_capture(executor, executable, args, timeout);
  co_return LoginStatus{.logged_in = login.exit_code == 0, .status = login.output};
}

}  // namespace codex_mcp::codex
