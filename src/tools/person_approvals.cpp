#include "codex_mcp/tools/person_approvals.hpp"

#include <exception>
#include <optional>

#include <spdlog/spdlog.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include "codex_mcp/jsonrpc/errors.hpp"
#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/session/session.hpp"
#include "codex_mcp/tools/approval_form.hpp"
#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/util/await_detached.hpp"

namespace asio = boost::asio;

namespace codex_mcp::tools {

namespace {

/// Applies the person's answer as codex_check would. False when it was not applied (the
/// caller answered first, the turn ended, or codex's request does not take it).
bool apply(session::Session& session, const std::string& request_id, const PersonAnswer& answer) {
  try {
    if (answer.decision) {
      session.respond_permission(
          {.request_id = request_id, .decision = *answer.decision, .answered_by = "person"});
    } else if (answer.answers) {
      session.respond_user_input(
          {.request_id = request_id, .answers = *answer.answers, .answered_by = "person"});
    } else {
      return false;
    }
  } catch (const session::SessionError& e) {
    spdlog::info("session {}: the person's answer to {} was not applied: {}", session.id(),
                 request_id, e.what());
    return false;
  }
  return true;
}

/// The request still waits for the person (held, not answered).
bool held_for_person(const session::Session& session, const std::string& request_id) {
  for (const auto& action : session.actions_json()) {
    if (action.value("requestId", std::string()) == request_id) {
      return action.value("heldForPerson", false);
    }
  }
  return false;
}

}  // namespace

struct PersonApprovals::Dialog {
  asio::cancellation_signal withdraw;
  bool over = false;  ///< the dialog's answer (or failure) is in
};

std::shared_ptr<PersonApprovals> PersonApprovals::create(asio::any_io_executor executor,
                                                         std::string mode) {
  return std::shared_ptr<PersonApprovals>(
      new PersonApprovals(std::move(executor), std::move(mode)));
}

bool PersonApprovals::asks_person() const {
  return mode_ == "person" && client_ && client_->client_supports_elicitation();
}

void PersonApprovals::watch(const std::shared_ptr<session::Session>& session) {
  if (!session) return;
  auto& watched = watched_[session->id()];
  if (watched.session.lock() == session) return;  // already (a reply to the same session)
  watched.session = session;
  std::weak_ptr<PersonApprovals> weak_self = weak_from_this();
  std::weak_ptr<session::Session> weak_session = session;
  const auto id = session->id();
  watched.subscription =
      session->changes().subscribe([weak_self, weak_session, id](unsigned changes) {
        if ((changes & session::change::kActions) == 0) return;
        if (auto self = weak_self.lock()) self->on_actions(weak_session, id);
      });
}

void PersonApprovals::on_actions(const std::weak_ptr<session::Session>& weak,
                                 const std::string& id) {
  const auto live = weak.lock();
  const auto watched = watched_.find(id);
  if (!live || watched == watched_.end()) return;
  // Each request once: the feed says something changed, the seen set says what is new.
  for (const auto& action : live->actions_json()) {
    const auto request_id = action.value("requestId", std::string());
    if (request_id.empty() || !watched->second.seen.insert(request_id).second) continue;
    on_action(weak, action);
  }
}

SessionWatcher PersonApprovals::watcher() {
  return [self = shared_from_this()](const std::shared_ptr<session::Session>& session) {
    self->watch(session);
  };
}

void PersonApprovals::on_action(const std::weak_ptr<session::Session>& session,
                                const nlohmann::json& action) {
  if (!asks_person() || !person_can_answer(action)) return;
  const auto request_id = action.value("requestId", std::string());
  if (request_id.empty()) return;
  if (const auto held = session.lock()) held->hold_for_person(request_id);
  util::spawn_detached(executor_, shared_from_this(), ask(session, action),
                       "asking the person about " + request_id);
}

asio::awaitable<void> PersonApprovals::ask(std::weak_ptr<session::Session> session,
                                           nlohmann::json action) {
  const auto request_id = action.value("requestId", std::string());
  const auto client = client_;
  const auto dialog = std::make_shared<Dialog>();
  util::spawn_detached(executor_, shared_from_this(),
                       withdraw_when_resolved(session, request_id, dialog),
                       "watching the dialog for " + request_id);
  std::optional<nlohmann::json> result;
  try {
    result = co_await asio::co_spawn(
        executor_, client->request("elicitation/create", approval_form(action), kDialogTimeout),
        asio::bind_cancellation_slot(dialog->withdraw.slot(), asio::use_awaitable));
  } catch (const jsonrpc::RpcError& e) {
    // The client refused or failed the dialog, the connection closed, or nobody answered.
    spdlog::info("the dialog for {} got no answer: {}", request_id, e.what());
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) throw;
    spdlog::debug("the dialog for {} was withdrawn: answered elsewhere", request_id);
  }
  dialog->over = true;
  const auto live = session.lock();
  if (!live) co_return;
  const auto answer = result ? read_person_answer(action, *result) : std::nullopt;
  if (answer && apply(*live, request_id, *answer)) {
    spdlog::info("session {}: {} answered by the person", live->id(), request_id);
    co_return;
  }
  // Declined, cancelled, invalid or unanswered: the caller's again (a no-op when someone
  // answered meanwhile).
  live->release_to_caller(request_id);
}

asio::awaitable<void> PersonApprovals::withdraw_when_resolved(
    std::weak_ptr<session::Session> session, std::string request_id,
    std::shared_ptr<Dialog> dialog) {
  // Every change of the session wakes it (an answer records an event); the deadline only
  // bounds how long it outlives a dialog that ended.
  constexpr auto kRecheck = std::chrono::seconds(5);
  while (!dialog->over) {
    const auto live = session.lock();
    if (!live || !held_for_person(*live, request_id)) {
      dialog->withdraw.emit(asio::cancellation_type::terminal);
      co_return;
    }
    co_await live->wait_for_change(std::chrono::steady_clock::now() + kRecheck);
  }
}

}  // namespace codex_mcp::tools
