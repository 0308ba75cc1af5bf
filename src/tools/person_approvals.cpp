#include "codex_mcp/tools/person_approvals.hpp"

#include <exception>
#include <optional>

#include <spdlog/spdlog.h>

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
  CheckRequest request;
  request.session_id = session.id();
  request.request_id = request_id;
  request.answered_by = "person";
  try {
    if (answer.decision) {
      request.action = "respond_permission";
      request.decision = *answer.decision;
      session.respond_permission(request);
    } else if (answer.answers) {
      request.action = "respond_user_input";
      request.answers = *answer.answers;
      session.respond_user_input(request);
    } else {
      return false;
    }
  } catch (const mcp::ToolError& e) {
    spdlog::info("session {}: the person's answer to {} was not applied: {}", session.id(),
                 request_id, e.what());
    return false;
  }
  return true;
}

}  // namespace

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
  std::weak_ptr<PersonApprovals> weak_self = weak_from_this();
  std::weak_ptr<session::Session> weak_session = session;
  session->on_action([weak_self, weak_session](const nlohmann::json& action) {
    if (auto self = weak_self.lock()) self->on_action(weak_session, action);
  });
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
  std::optional<nlohmann::json> result;
  try {
    result = co_await client->request("elicitation/create", approval_form(action), kDialogTimeout);
  } catch (const jsonrpc::RpcError& e) {
    // The client refused or failed the dialog, the connection closed, or nobody answered.
    spdlog::info("the dialog for {} got no answer: {}", request_id, e.what());
  }
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

}  // namespace codex_mcp::tools
