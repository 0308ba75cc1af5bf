#include "codex_mcp/codex/probe.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/process/run_capture.hpp"

namespace asio = boost::asio;

namespace codex_mcp::codex {

CodexProbe::CodexProbe(asio::any_io_executor executor, std::chrono::milliseconds timeout)
    : executor_(std::move(executor)), timeout_(timeout) {}

asio::awaitable<CodexFacts> CodexProbe::probe(asio::any_io_executor executor,
                                              std::string executable,
                                              std::chrono::milliseconds timeout) {
  CodexFacts facts;
  facts.executable = executable;
  // Named argument lists: GCC 12 cannot compile braced literals inside co_await.
  const std::vector<std::string> version_args{"--version"}, help_args{"app-server", "--help"};
  const auto version = co_await process::run_capture(executor, executable, version_args, timeout);
  if (version.exit_code == 0) {
    facts.version_text = version.output;
    facts.release.version = parse_version(version.output);
    if (!facts.release.version) facts.version_error = "no version in: " + version.output;
  } else {
    facts.version_error =
        version.error.empty() ? "exit code " + std::to_string(version.exit_code) : version.error;
  }
  const auto help = co_await process::run_capture(executor, executable, help_args, timeout);
  facts.app_server = help.exit_code == 0 || help.timed_out;
  spdlog::info("{}: {}{}", executable, facts.release.name(),
               facts.app_server ? "" : " (no app-server subcommand)");
  co_return facts;
}

CodexProbe::Entry& CodexProbe::begin(const std::string& executable) {
  if (const auto it = entries_.find(executable); it != entries_.end()) return it->second;
  auto& entry = entries_[executable];
  entry.ready =
      std::make_shared<asio::steady_timer>(executor_, asio::steady_timer::time_point::max());
  // A coroutine of its own, owning this probe: no caller's cancellation cuts it short.
  asio::co_spawn(
      executor_, probe(executor_, executable, timeout_),
      [self = shared_from_this(), executable](std::exception_ptr error, CodexFacts facts) {
        auto& done = self->entries_[executable];
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::warn("probing {} failed: {}", executable, e.what());
            facts = CodexFacts{};
            facts.executable = executable;
            facts.version_error = e.what();
          }
        }
        done.facts = std::move(facts);
        done.ready->cancel();
      });
  return entry;
}

void CodexProbe::prefetch(const std::string& executable) {
  begin(executable);
}

std::optional<CodexFacts> CodexProbe::known(const std::string& executable) const {
  const auto it = entries_.find(executable);
  return it != entries_.end() ? it->second.facts : std::nullopt;
}

asio::awaitable<CodexFacts> CodexProbe::facts(std::string executable) {
  const auto self = shared_from_this();
  auto ready = begin(executable).ready;
  for (;;) {
    if (auto found = known(executable)) co_return *found;
    boost::system::error_code ec;
    co_await ready->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    // The caller's own cancellation ends its wait, never the probe.
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) {
      throw boost::system::system_error(asio::error::operation_aborted);
    }
  }
}

}  // namespace codex_mcp::codex
