// PersonApprovals: codex's approvals and questions asked of the person, in the client's own
// dialog (MCP elicitation/create, 2025 clients), with `--approvals person`.
//
// Sessions started or replied to over the connection are watched (their change feed):
// each new pending action a person can answer (tools/approval_form) is held for the person
// (Session::hold_for_person: no approval timeout while the dialog is open) and sent as a
// form. An accepted answer is applied as codex_check respond_permission /
// respond_user_input would, exactly once: whoever answers first wins, and a later answer for
// a request already answered is dropped. A declined, cancelled, failed or unanswered dialog
// (kDialogTimeout) gives the action back to the caller with a fresh approvalTimeoutMs
// (Session::release_to_caller): never approved silently. A dialog whose request was
// answered elsewhere is withdrawn (notifications/cancelled to the client).
// Threading: the loop's executor only.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/mcp/client_requests.hpp"
#include "codex_mcp/session/change_feed.hpp"

namespace codex_mcp::session {
class Session;
}

namespace codex_mcp::tools {

/// Called with every session a tool starts or replies to (make_tools).
using SessionWatcher = std::function<void(const std::shared_ptr<session::Session>&)>;

class PersonApprovals : public std::enable_shared_from_this<PersonApprovals> {
 public:
  /// How long a dialog may stay unanswered before the action goes back to the caller.
  static constexpr std::chrono::minutes kDialogTimeout{30};

  /// `mode` is --approvals: caller, person or auto.
  static std::shared_ptr<PersonApprovals> create(boost::asio::any_io_executor executor,
                                                 std::string mode);
  /// The connection's client (set once the MCP server exists).
  void connect(std::shared_ptr<mcp::ClientRequests> client) { client_ = std::move(client); }
  /// Approvals go to the person now: person mode and a client that declared elicitation.
  /// (auto means person only for MCP tasks, which this 2025 path does not serve.)
  bool asks_person() const;
  /// From now on, `session`'s new pending actions are offered to the person when
  /// asks_person() holds at that moment.
  void watch(const std::shared_ptr<session::Session>& session);
  /// watch() as a SessionWatcher for make_tools.
  SessionWatcher watcher();

 private:
  PersonApprovals(boost::asio::any_io_executor executor, std::string mode)
      : executor_(std::move(executor)), mode_(std::move(mode)) {}
  /// The session's actions changed: each request not seen before is a new one.
  void on_actions(const std::weak_ptr<session::Session>& session, const std::string& id);
  void on_action(const std::weak_ptr<session::Session>& session, const nlohmann::json& action);
  struct Dialog;
  boost::asio::awaitable<void> ask(std::weak_ptr<session::Session> session, nlohmann::json action);
  /// Withdraws `dialog` once its request no longer waits for the person (the caller
  /// answered it, or an interrupt, a cancel or the turn's end resolved it).
  static boost::asio::awaitable<void> withdraw_when_resolved(
      std::weak_ptr<session::Session> session, std::string request_id,
      std::shared_ptr<Dialog> dialog);

  struct Watched {
    std::weak_ptr<session::Session> session;
    session::ChangeFeed::Subscription subscription;
    std::set<std::string> seen;  ///< request ids already offered (or not offerable)
  };

  boost::asio::any_io_executor executor_;
  std::string mode_;
  std::shared_ptr<mcp::ClientRequests> client_;
  std::map<std::string, Watched> watched_;  ///< by session id
};

}  // namespace codex_mcp::tools
