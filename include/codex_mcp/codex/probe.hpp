// What a codex executable is, asked once: `codex --version` (its release, and from it what
// it supports) and `codex app-server --help` (whether it has app-server, for --mode auto).
//
// Probing runs child processes, so it never happens on the caller's stack: the first
// caller for an executable starts the probe as a coroutine of its own (a caller that gives
// up does not abandon it), and every caller, that one included, waits on the loop for its
// answer. The answer is kept for the life of the server. Threading: the loop thread only.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "codex_mcp/codex/release.hpp"

namespace codex_mcp::codex {

struct CodexFacts {
  std::string executable;
  std::string version_text;   ///< what `--version` printed (empty when it failed)
  std::string version_error;  ///< why `--version` gave no answer
  Release release;
  /// `app-server --help` succeeded (or was still running at the timeout: it did not refuse).
  bool app_server = true;
};

class CodexProbe : public std::enable_shared_from_this<CodexProbe> {
 public:
  CodexProbe(boost::asio::any_io_executor executor, std::chrono::milliseconds timeout);

  /// The facts of `executable`: probed now (once, however many callers ask at the same
  /// time), or as found before.
  boost::asio::awaitable<CodexFacts> facts(std::string executable);
  /// Already known (nullopt while never asked, or still probing).
  std::optional<CodexFacts> known(const std::string& executable) const;
  /// Starts probing `executable` if nobody has yet, without waiting for it.
  void prefetch(const std::string& executable);

 private:
  struct Entry {
    std::optional<CodexFacts> facts;
    std::shared_ptr<boost::asio::steady_timer> ready;  ///< cancelled once facts is set
  };
  Entry& begin(const std::string& executable);
  static boost::asio::awaitable<CodexFacts> probe(boost::asio::any_io_executor executor,
                                                  std::string executable,
                                                  std::chrono::milliseconds timeout);

  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds timeout_;
  std::map<std::string, Entry> entries_;
};

}  // namespace codex_mcp::codex
