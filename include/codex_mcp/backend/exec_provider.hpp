// ExecProvider: the provider of `--mode exec`. Every session runs `codex exec --json` per
// turn (appserver::ExecClient: `exec resume` after the first turn) instead of owning an
// app-server child: for a codex built without app-server, or by choice. Such sessions have
// no approvals, fork or background terminals. It finds and probes codex and builds a
// channel's settings exactly as AppServerProvider does; only the channel's backend differs,
// and it keeps no spare. (In `--mode auto`, AppServerProvider itself falls back to exec
// channels for a codex whose probe shows no app-server.)
#pragma once

#include <memory>

#include "codex_mcp/backend/app_server_provider.hpp"

namespace codex_mcp::backend {

class ExecProvider final : public AppServerProvider {
 public:
  ExecProvider(boost::asio::any_io_executor executor, AppServerProviderOptions options,
               std::shared_ptr<codex::CodexProbe> probe)
      : AppServerProvider(std::move(executor), exec_only(std::move(options)), std::move(probe)) {}

 private:
  static AppServerProviderOptions exec_only(AppServerProviderOptions options) {
    options.mode = "exec";
    options.prewarm = 0;  // a spare is an app-server: nothing to keep ready for exec
    return options;
  }
};

}  // namespace codex_mcp::backend
