#include "codex_mcp/process/run_capture.hpp"

#include <memory>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/process/child_process.hpp"

namespace asio = boost::asio;

namespace codex_mcp::process {

asio::awaitable<Captured> run_capture(asio::any_io_executor executor, std::string executable,
                                      std::vector<std::string> args,
                                      std::chrono::milliseconds timeout) {
  // Shared with the child's callbacks, which may outlive this frame.
  auto result = std::make_shared<Captured>();
  auto done = std::make_shared<asio::steady_timer>(executor, timeout);
  std::shared_ptr<ChildProcess> child;
  try {
    SpawnOptions options;
    options.executable = std::move(executable);
    options.args = std::move(args);
    options.log_prefix = options.executable;
    child = ChildProcess::spawn(executor, std::move(options),
                                {.on_line =
                                     [result](std::string line) {
                                       if (result->output.size() < 4096)
                                         result->output += line + "\n";
                                     },
                                 .on_oversized = [](std::size_t) {},
                                 .on_exit =
                                     [result, done](int code) {
                                       result->exit_code = code;
                                       done->cancel();
                                     }});
  } catch (const std::exception& e) {
    result->error = e.what();
    co_return *result;
  }
  child->close_stdin();
  boost::system::error_code ec;
  co_await done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (result->exit_code < 0) {
    result->timed_out = true;
    result->error = "timed out after " + std::to_string(timeout.count()) + " ms";
    co_await child->terminate_group(std::chrono::milliseconds(200));
    result->exit_code = -1;  // what the stopped process exited with says nothing
  } else if (result->exit_code != 0 && result->output.empty()) {
    result->error = child->stderr_tail();
  }
  while (!result->output.empty() && result->output.back() == '\n') result->output.pop_back();
  co_return *result;
}

}  // namespace codex_mcp::process
