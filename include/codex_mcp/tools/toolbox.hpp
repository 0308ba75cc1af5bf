// Toolbox: what the tools work with — the sessions, the codex the server finds, and the
// server's configuration they report. The app builds it once and the tools and resources
// hold it by reference for the life of the server.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "codex_mcp/codex/locate.hpp"
#include "codex_mcp/codex/probe.hpp"
#include "codex_mcp/session/session_manager.hpp"
#include "codex_mcp/tools/person_approvals.hpp"
#include "codex_mcp/tools/readiness.hpp"

namespace codex_mcp::tools {

/// Which codex the server runs and how, for codex_setup and the server-info resource.
struct CodexView {
  /// The executable sessions run now (re-resolved on each call: PATH may change).
  std::function<codex::ExecutableChoice()> executable;
  /// Asks an executable its version and whether it has app-server (once each).
  std::shared_ptr<codex::CodexProbe> probe;
  /// app-server | exec | none | auto (still probing).
  std::function<std::string()> client_mode;
};

struct Toolbox {
  session::SessionManager& sessions;
  /// Told of every session codex or codex_reply starts a turn on (the person's dialogs).
  SessionWatcher watch{};
  CodexView codex;
  ServerConfig config;
};

}  // namespace codex_mcp::tools
