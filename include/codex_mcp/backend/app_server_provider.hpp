// AppServerProvider: the default Provider. Each session gets a `codex app-server` child
// of its own over pipes (in exec mode, `codex exec` per turn). Which codex runs is decided
// per channel (the option, the environment, then PATH: it may change while the server
// runs), and each executable is asked once, off the loop, what it is (codex/probe): its
// release (older than the minimum is refused) and, for `--mode auto`, whether it has an
// app-server at all.
//
// With `prewarm` > 0 it keeps that many spare app-servers started and initialized before
// anyone asks: open() adopts one that fits (the same codex executable, CODEX_HOME and
// environment: the child's cwd does not matter, thread/start carries the cwd, and the
// config overrides go with the thread requests), binds the session's handlers to it, and a
// replacement is started in the background. A spare that dies or fails to start is
// replaced after a backoff (0.5 s doubling up to a minute); shutdown() stops them.
// Threading: the loop thread only.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <deque>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

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
  int prewarm = 0;  ///< --prewarm: spare app-servers kept ready for the next sessions
};

class AppServerProvider : public Provider, public std::enable_shared_from_this<AppServerProvider> {
 public:
  AppServerProvider(boost::asio::any_io_executor executor, AppServerProviderOptions options,
                    std::shared_ptr<codex::CodexProbe> probe);

  boost::asio::awaitable<void> ensure_available() override;
  codex::Release release() const override;
  bool exec_mode() const override;
  std::string codex_home() const override;
  boost::asio::awaitable<std::shared_ptr<Channel>> open(
      ChannelRequest request, appserver::AppServerHandlers handlers) override;
  /// Stops the spares and the one being started; no new one is started.
  boost::asio::awaitable<void> shutdown() override;

  /// Starts the spares (with prewarm > 0) in the background: the server calls it once it
  /// serves. The provider must be owned by a shared_ptr.
  void prewarm();
  /// The pids of the spares ready now (for tests and the bench).
  std::vector<int> spare_pids() const;

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

  /// An app-server started and initialized for no session yet.
  struct Spare {
    std::shared_ptr<appserver::AppServerClient> client;
    std::shared_ptr<HandlerSlot> slot;
    std::string executable;  ///< what it runs
    std::string codex_home;  ///< its CODEX_HOME
    Json identity;
  };
  /// A spare's client, not started yet, and how to start it.
  struct SpareStart {
    Spare spare;
    appserver::CodexCommand command;
    appserver::AppServerSettings settings;
  };
  /// (A plain function: GCC 12 mishandles a coroutine frame holding these aggregates.)
  SpareStart prepare_spare(const codex::CodexFacts& facts);
  /// A ready spare for a session on `facts`' codex with `home`, or nullopt. Spares of
  /// another executable (codex changed under us) are stopped.
  std::optional<Spare> take_spare(const codex::CodexFacts& facts, const std::string& home);
  /// The channel of an adopted spare, bound to `handlers`.
  std::shared_ptr<Channel> adopt(Spare spare, const ChannelRequest& request,
                                 appserver::AppServerHandlers handlers);
  /// Starts the refill in the background unless it runs (or nothing is to be kept).
  void kick_refill();
  /// Starts spares until `prewarm` are ready, waiting out the backoff after failures.
  boost::asio::awaitable<void> refill();
  /// Starts one spare; false when it could not be (then counted as a failure).
  boost::asio::awaitable<bool> start_spare();
  /// A spare died before anyone adopted it.
  void spare_exited(const std::shared_ptr<HandlerSlot>& slot, int exit_code);
  /// Stops a spare in the background.
  void stop_spare(Spare spare);

  boost::asio::any_io_executor executor_;
  AppServerProviderOptions options_;
  std::shared_ptr<codex::CodexProbe> probe_;
  std::deque<Spare> spares_;
  std::shared_ptr<appserver::AppServerClient> starting_;  ///< the spare being started
  bool refilling_ = false;
  bool stopping_ = false;
  int failures_ = 0;  ///< spares in a row that failed to start or died unadopted
  boost::asio::steady_timer backoff_;
};

}  // namespace codex_mcp::backend
