// AppServerProvider: the default Provider. Each session gets a `codex app-server` child
// of its own over pipes (in exec mode, `codex exec` per turn). Which codex runs is decided
// per channel (the option, the environment, then PATH: it may change while the server
// runs), and each executable is asked once, off the loop, what it is (codex/probe): its
// release (older than the minimum is refused) and, for `--mode auto`, whether it has an
// app-server at all.
// Threading: the loop thread only.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "codex_mcp/backend/provider.hpp"
#include "codex_mcp/codex/locate.hpp"
#include "codex_mcp/codex/probe.hpp"

namespace codex_mcp::backend {

struct AppServerProviderOptions {
  std::string codex_path;                            ///< --codex-path: a filesystem path
  std::string codex_command;                         ///< --codex-command: a name looked up on PATH
  std::string mode = "auto";                         ///< auto | app-server | exec
  std::chrono::milliseconds startup_timeout{30000};  ///< for the initialize answer
  std::map<std::string, std::string> env{};          ///< extra environment for children
  std::vector<std::string> unset_env{};              ///< removed from children's environment
};

class AppServerProvider : public Provider {
 public:
  AppServerProvider(boost::asio::any_io_executor executor, AppServerProviderOptions options,
                    std::shared_ptr<codex::CodexProbe> probe);

  boost::asio::awaitable<void> ensure_available() override;
  codex::Release release() const override;
  bool exec_mode() const override;
  std::string codex_home() const override;
  boost::asio::awaitable<std::shared_ptr<Channel>> open(
      ChannelRequest request, appserver::AppServerHandlers handlers) override;

  /// The codex executable channels run now (re-resolved on each call: PATH may change).
  codex::ExecutableChoice executable() const;
  /// How sessions run codex now: app-server, exec, none (no codex found), or auto (`--mode
  /// auto` and the codex is still being probed: this call starts the probe, never waits).
  std::string client_mode() const;
  const std::shared_ptr<codex::CodexProbe>& probe() const { return probe_; }

 private:
  /// The executable to spawn (the native binary behind the npm launcher), or empty.
  std::string command_path() const;
  /// Its facts when already known (never probes).
  std::optional<codex::CodexFacts> known_facts() const;
  bool exec_mode_for(const codex::CodexFacts* facts) const;
  /// The channel for `request` on the codex `facts` describes (not started).
  std::shared_ptr<Channel> make_channel(const codex::CodexFacts& facts,
                                        const ChannelRequest& request,
                                        appserver::AppServerHandlers handlers);

  boost::asio::any_io_executor executor_;
  AppServerProviderOptions options_;
  std::shared_ptr<codex::CodexProbe> probe_;
};

}  // namespace codex_mcp::backend
