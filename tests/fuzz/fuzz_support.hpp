// Shared by the libFuzzer targets (and their corpus replay drivers): quiet logging, the
// loop, and the check that whatever the server wrote is a valid JSON-RPC message.
// A finding is an abort with the reason on stderr: libFuzzer (or the replay test) then
// reports the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "jsonrpc_check.hpp"

namespace codex_mcp::fuzz {

/// Logs go nowhere, at debug level: every log argument is still built and formatted, as
/// with `--log-level debug` (what a user debugging the server runs).
inline void quiet_logging() {
  static const bool done = [] {
    auto logger =
        std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(std::move(logger));
    return true;
  }();
  (void)done;
}

[[noreturn]] inline void finding(const std::string& what, std::string_view line) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n  line: %.400s\n", what.c_str(),
               std::string(line).c_str());
  std::abort();
}

}  // namespace codex_mcp::fuzz
