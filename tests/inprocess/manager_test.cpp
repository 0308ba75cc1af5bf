// The session manager against the fake codex, in a temporary state directory: create,
// find (loaded, or loaded from disk by a later manager), list, the sweep's lifecycle rules,
// remove, drain, shutdown, the fast end of turns, and the recovery of a turn that was
// running when the previous server died.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "asio_test_loop.hpp"
#include "codex_mcp/session/session_manager.hpp"
#include "fake_codex.hpp"
#include "test_dir.hpp"

namespace codex_mcp::session {
namespace {

namespace fs = std::filesystem;
using testing::FakeProvider;
using testing::run_awaitable;
using testing::run_until;
using namespace std::chrono_literals;

/// Lifecycle durations that never fire during a test (sweep() is called by hand).
LifecyclePolicy never() {
  return {.idle_stop = 24h, .stuck_cancel = 24h, .unload_after = 24h, .sweep_every = 24h};
}

/// The sweep compares ages in whole milliseconds, strictly: let one pass.
void let_a_millisecond_pass() {
  std::this_thread::sleep_for(2ms);
}

std::string file_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool has_progress(Session& session, const std::string& method) {
  for (const auto* event : session.events().read(0, 10000).events) {
    if (event->type == "progress" && event->data.value("method", "") == method) return true;
  }
  return false;
}

template <typename Op>
ErrorKind error_kind_of(Op op) {
  try {
    op();
  } catch (const SessionError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no SessionError";
  return ErrorKind::internal;
}

class Manager : public ::testing::Test {
 protected:
  std::unique_ptr<SessionManager> open_manager(LifecyclePolicy lifecycle = never()) {
    ManagerOptions options;
    options.state_dir = dir.string();
    options.lifecycle = lifecycle;
    auto manager = std::make_unique<SessionManager>(
        SessionServices{.executor = io.get_executor(), .provider = provider}, std::move(options));
    manager->start();
    return manager;
  }

  /// A session created by `manager` whose first turn runs.
  std::shared_ptr<Session> started(SessionManager& manager, const std::string& prompt = "hello") {
    auto session = run_awaitable(io, manager.create());
    StartSpec spec{.prompt = prompt};
    run_awaitable(io, session->start(std::move(spec)));
    return session;
  }

  /// A session whose first turn is over (idle, its codex still running).
  std::shared_ptr<Session> finished(SessionManager& manager) {
    auto session = started(manager);
    provider->last().complete_turn("done");
    EXPECT_EQ(session->status(), Status::idle);
    return session;
  }

  fs::path session_dir(const std::string& id) const { return dir / "sessions" / id; }

  /// Runs the loop until nothing is ready (timers not yet due are left).
  void settle() {
    io.poll();
    io.restart();
  }

  ~Manager() override {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  fs::path dir = testing::fresh_memory_test_dir("manager");
  boost::asio::io_context io{1};
  std::shared_ptr<FakeProvider> provider = std::make_shared<FakeProvider>(io.get_executor());
};

TEST_F(Manager, CreateGivesANewPersistedSessionAndFindReturnsIt) {
  auto manager = open_manager();
  auto session = started(*manager);
  EXPECT_TRUE(session->id().starts_with("sess_"));
  EXPECT_EQ(manager->find(session->id()), session);
  EXPECT_EQ(manager->loaded_count(), 1u);
  EXPECT_TRUE(fs::exists(session_dir(session->id()) / "meta.json"));
  EXPECT_NE(session->journal(), nullptr);
  auto other = run_awaitable(io, manager->create());
  EXPECT_NE(other->id(), session->id());
}

TEST_F(Manager, CreateWithoutACodexIsCodexUnavailable) {
  auto manager = open_manager();
  provider->unavailable = "no codex executable found";
  try {
    run_awaitable(io, manager->create());
    FAIL() << "a session was created";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::codex_unavailable);
    EXPECT_STREQ(e.what(), "no codex executable found");
  }
  EXPECT_TRUE(manager->list().empty());
}

TEST_F(Manager, AnUnknownSessionIsNotFound) {
  auto manager = open_manager();
  EXPECT_EQ(error_kind_of([&] { manager->find("sess_nope"); }), ErrorKind::not_found);
}

TEST_F(Manager, ASecondManagerListsThePersistedSessionAndLoadsItOnFind) {
  std::string id, thread;
  {
    auto first = open_manager();
    auto session = finished(*first);
    id = session->id();
    thread = session->thread_id();
    run_awaitable(io, first->shutdown(std::chrono::steady_clock::now() + 1s));
  }
  auto second = open_manager();
  EXPECT_EQ(second->loaded_count(), 0u);
  const auto listed = second->list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, id);
  EXPECT_EQ(listed[0].session, nullptr);  // on disk only
  EXPECT_EQ(listed[0].meta["recovered"], true);
  EXPECT_EQ(listed[0].meta["status"], "idle");

  auto session = second->find(id);
  EXPECT_EQ(second->loaded_count(), 1u);
  EXPECT_TRUE(session->recovered());
  EXPECT_EQ(session->status(), Status::idle);
  EXPECT_EQ(session->thread_id(), thread);
  EXPECT_FALSE(session->has_child());
  EXPECT_EQ(session->result_json()["text"], "done");
  EXPECT_NE(session->events().last_of_type("result"), nullptr);
  EXPECT_EQ(second->find(id), session);  // loaded once
}

TEST_F(Manager, ListHasEverySessionOldestFirstLoadedOrNot) {
  auto manager = open_manager(
      {.idle_stop = 0ms, .stuck_cancel = 24h, .unload_after = 0ms, .sweep_every = 24h});
  auto oldest = finished(*manager);
  let_a_millisecond_pass();
  auto middle = started(*manager);
  let_a_millisecond_pass();
  auto newest = run_awaitable(io, manager->create());
  // The oldest leaves memory: its codex is stopped by one sweep, it is unloaded by the next.
  let_a_millisecond_pass();
  manager->sweep();
  settle();
  let_a_millisecond_pass();
  manager->sweep();
  EXPECT_EQ(manager->loaded_count(), 2u);
  const auto listed = manager->list();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].id, oldest->id());
  EXPECT_EQ(listed[0].session, nullptr);
  EXPECT_EQ(listed[1].session, middle);
  EXPECT_EQ(listed[1].meta["status"], "running");
  EXPECT_EQ(listed[2].session, newest);
  EXPECT_EQ(manager->session_count(), 3u);
}

TEST_F(Manager, TheSweepStopsTheCodexOfAnIdleSessionWhichStaysIdle) {
  auto manager = open_manager(
      {.idle_stop = 0ms, .stuck_cancel = 24h, .unload_after = 24h, .sweep_every = 24h});
  auto session = finished(*manager);
  auto& codex = provider->last();
  let_a_millisecond_pass();
  manager->sweep();
  settle();
  EXPECT_TRUE(codex.shut_down());
  EXPECT_FALSE(session->has_child());
  EXPECT_EQ(session->status(), Status::idle);
  const auto stopped = session->events().last_of_type("progress");
  ASSERT_NE(stopped, nullptr);
  EXPECT_EQ(stopped->data["method"], "codex-mcp/stopped");
  EXPECT_EQ(manager->loaded_count(), 1u);  // not unloaded before unload_after
  // A reply resumes the thread in a new codex.
  run_awaitable(io, session->reply("more", {}));
  ASSERT_EQ(provider->opened.size(), 2u);
  EXPECT_EQ(provider->last().last_params("thread/resume")["threadId"], session->thread_id());
}

TEST_F(Manager, TheSweepLeavesARunningTurnAloneUntilStuckCancel) {
  auto manager = open_manager(
      {.idle_stop = 0ms, .stuck_cancel = 24h, .unload_after = 0ms, .sweep_every = 24h});
  auto session = started(*manager);
  let_a_millisecond_pass();
  manager->sweep();
  settle();
  EXPECT_EQ(session->status(), Status::running);
  EXPECT_TRUE(session->has_child());
  EXPECT_EQ(manager->loaded_count(), 1u);
}

TEST_F(Manager, TheSweepCancelsATurnOlderThanStuckCancel) {
  auto manager = open_manager(
      {.idle_stop = 24h, .stuck_cancel = 0ms, .unload_after = 24h, .sweep_every = 24h});
  auto session = started(*manager);
  auto& codex = provider->last();
  codex.turn_started();
  let_a_millisecond_pass();
  manager->sweep();
  settle();
  EXPECT_EQ(session->status(), Status::cancelled);
  EXPECT_TRUE(codex.shut_down());
  const auto cancelled = session->events().last_of_type("progress");
  ASSERT_NE(cancelled, nullptr);
  EXPECT_NE(cancelled->data["reason"].get<std::string>().find("stuck"), std::string::npos);
}

TEST_F(Manager, ASessionWithoutACodexIsUnloadedAndStillListedAndFound) {
  auto manager = open_manager(
      {.idle_stop = 24h, .stuck_cancel = 24h, .unload_after = 0ms, .sweep_every = 24h});
  auto session = finished(*manager);
  const auto id = session->id();
  run_awaitable(io, session->stop_child("test", 10ms));
  let_a_millisecond_pass();
  manager->sweep();
  EXPECT_EQ(manager->loaded_count(), 0u);
  session.reset();
  const auto listed = manager->list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, id);
  EXPECT_EQ(listed[0].session, nullptr);
  EXPECT_EQ(listed[0].meta["status"], "idle");
  auto loaded = manager->find(id);
  EXPECT_EQ(loaded->status(), Status::idle);
  EXPECT_EQ(loaded->result_json()["text"], "done");
  EXPECT_EQ(manager->loaded_count(), 1u);
}

TEST_F(Manager, ASessionWithACodexIsNotUnloaded) {
  auto manager = open_manager(
      {.idle_stop = 24h, .stuck_cancel = 24h, .unload_after = 0ms, .sweep_every = 24h});
  auto session = finished(*manager);
  let_a_millisecond_pass();
  manager->sweep();
  EXPECT_EQ(manager->loaded_count(), 1u);
  EXPECT_TRUE(session->has_child());
}

TEST_F(Manager, RemoveWithoutFilesForgetsTheSessionButKeepsItsDirectory) {
  auto manager = open_manager();
  auto session = finished(*manager);
  const auto id = session->id();
  const auto outcome = manager->remove(id, false);
  EXPECT_TRUE(outcome.removed);
  EXPECT_FALSE(outcome.files_deleted);
  EXPECT_TRUE(outcome.error.empty());
  EXPECT_EQ(manager->loaded_count(), 0u);
  EXPECT_TRUE(manager->list().empty());
  EXPECT_EQ(error_kind_of([&] { manager->find(id); }), ErrorKind::not_found);
  EXPECT_TRUE(fs::exists(session_dir(id) / "meta.json"));
  // A later server finds it again.
  session.reset();
  manager.reset();
  auto next = open_manager();
  ASSERT_EQ(next->list().size(), 1u);
  EXPECT_EQ(next->list()[0].id, id);
}

TEST_F(Manager, RemoveWithFilesDeletesItsDirectory) {
  auto manager = open_manager();
  auto session = finished(*manager);
  const auto id = session->id();
  const auto outcome = manager->remove(id, true);
  EXPECT_TRUE(outcome.removed);
  EXPECT_TRUE(outcome.files_deleted);
  EXPECT_FALSE(fs::exists(session_dir(id)));
  EXPECT_TRUE(manager->list().empty());
  EXPECT_EQ(error_kind_of([&] { manager->find(id); }), ErrorKind::not_found);
  session->flush_journal();  // a journal discarded writes nothing any more
  EXPECT_FALSE(fs::exists(session_dir(id)));
}

TEST_F(Manager, DrainReturnsWhenTheRunningTurnEnds) {
  auto manager = open_manager();
  auto session = started(*manager);
  auto& codex = provider->last();
  codex.turn_started();
  bool drained = false;
  boost::asio::co_spawn(io, manager->drain(std::chrono::steady_clock::now() + 10s),
                        [&drained](std::exception_ptr) { drained = true; });
  settle();
  EXPECT_FALSE(drained);
  // No new work while draining.
  EXPECT_EQ(error_kind_of([&] { manager->ensure_accepting_work(); }), ErrorKind::cancelled);
  EXPECT_EQ(error_kind_of([&] { run_awaitable(io, manager->create()); }), ErrorKind::cancelled);
  codex.delta("msg_1", "still working");
  settle();
  EXPECT_FALSE(drained);  // a change, but the turn still runs
  codex.complete_turn("finished in time");
  ASSERT_TRUE(run_until(
      io, [&] { return drained; }, 2s));
  EXPECT_EQ(session->status(), Status::idle);
  EXPECT_EQ(session->result_json()["text"], "finished in time");
}

TEST_F(Manager, DrainReturnsAtTheDeadline) {
  auto manager = open_manager();
  auto session = started(*manager);
  run_awaitable(io, manager->drain(std::chrono::steady_clock::now() - 1ms), 1s);
  EXPECT_EQ(session->status(), Status::running);  // drain waits; it ends nothing
}

TEST_F(Manager, DrainWithoutARunningTurnReturnsAtOnce) {
  auto manager = open_manager();
  finished(*manager);
  run_awaitable(io, manager->drain(std::chrono::steady_clock::now() + 10s), 1s);
}

TEST_F(Manager, ShutdownInterruptsRunningTurnsClosesEveryChannelAndFlushes) {
  auto manager = open_manager();
  auto running = started(*manager, "long task");
  auto& busy = provider->last();
  busy.turn_started();
  busy.delta("msg_1", "half an answer");  // buffered by the journal, not yet written
  auto idle = finished(*manager);
  auto& quiet = provider->last();
  const auto events_file = session_dir(running->id()) / "events.jsonl";
  EXPECT_EQ(file_text(events_file).find("half an answer"), std::string::npos);

  run_awaitable(io, manager->shutdown(std::chrono::steady_clock::now() + 2s), 3s);

  // codex ended the turn itself (turn/interrupt, then turn/completed interrupted).
  EXPECT_EQ(busy.last_params("turn/interrupt")["turnId"], busy.turn_id());
  EXPECT_EQ(quiet.last_params("turn/interrupt"), nullptr);
  EXPECT_EQ(running->status(), Status::idle);
  EXPECT_EQ(running->result_json()["status"], "interrupted");
  EXPECT_EQ(idle->status(), Status::idle);
  EXPECT_TRUE(busy.shut_down());
  EXPECT_TRUE(quiet.shut_down());
  EXPECT_FALSE(running->has_child());
  EXPECT_FALSE(idle->has_child());
  EXPECT_NE(file_text(events_file).find("half an answer"), std::string::npos);
  EXPECT_NE(file_text(session_dir(running->id()) / "meta.json").find("\"idle\""),
            std::string::npos);
  EXPECT_EQ(error_kind_of([&] { manager->ensure_accepting_work(); }), ErrorKind::cancelled);
}

TEST_F(Manager, ShutdownRecordsATurnCodexDidNotEndAsInterrupted) {
  auto manager = open_manager();
  auto session = started(*manager);
  auto& codex = provider->last();
  codex.turn_started();
  codex.fail_next("turn/interrupt", jsonrpc::RpcError(-32000, "busy"));
  run_awaitable(io, manager->shutdown(std::chrono::steady_clock::now() + 1s), 2s);
  EXPECT_EQ(session->status(), Status::idle);
  EXPECT_EQ(session->result_json()["status"], "interrupted");
  EXPECT_TRUE(has_progress(*session, "codex-mcp/interrupted"));
  EXPECT_TRUE(codex.shut_down());
}

TEST_F(Manager, EndTurnsNowRecordsRunningTurnsAsInterruptedWithoutWaiting) {
  auto manager = open_manager();
  auto session = started(*manager);
  auto& codex = provider->last();
  codex.turn_started();
  auto request = codex.ask("item/commandExecution/requestApproval", {{"command", "make"}});
  settle();
  EXPECT_EQ(session->status(), Status::waiting_approval);
  auto idle = finished(*manager);

  manager->end_turns_now();
  EXPECT_EQ(session->status(), Status::idle);
  EXPECT_EQ(session->result_json()["status"], "interrupted");
  EXPECT_EQ(codex.last_params("turn/interrupt"), nullptr);  // codex was not asked
  EXPECT_EQ(idle->status(), Status::idle);
  EXPECT_EQ(idle->result_json()["status"], "completed");
  settle();
  ASSERT_TRUE(request->answer.has_value());
  EXPECT_EQ((*request->answer)["decision"], "cancel");
  EXPECT_EQ(error_kind_of([&] { manager->ensure_accepting_work(); }), ErrorKind::cancelled);
  // Written already: nothing of it waits for a flush.
  EXPECT_NE(file_text(session_dir(session->id()) / "result.json").find("interrupted"),
            std::string::npos);
}

TEST_F(Manager, ATurnRunningWhenThePreviousServerDiedIsServerRestarted) {
  std::string id;
  {
    auto previous = open_manager();
    auto session = started(*previous);
    provider->last().turn_started();
    id = session->id();
    // Dropped without shutdown: as a server that was killed.
  }
  auto manager = open_manager();
  EXPECT_EQ(manager->loaded_count(), 1u);  // recovery loads it to record the lost turn
  auto session = manager->find(id);
  EXPECT_TRUE(session->recovered());
  EXPECT_EQ(session->status(), Status::error);
  EXPECT_FALSE(session->has_child());
  const auto result = session->result_json();
  EXPECT_EQ(result["status"], "failed");
  EXPECT_EQ(result["error"]["code"], "SERVER_RESTARTED");
  EXPECT_FALSE(result["turnId"].get<std::string>().empty());
  const auto error = session->events().last_of_type("error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->data["detail"]["code"], "SERVER_RESTARTED");
  // Persisted: a third server sees the error, not a running turn.
  session.reset();
  manager.reset();
  auto third = open_manager();
  ASSERT_EQ(third->list().size(), 1u);
  EXPECT_EQ(third->list()[0].meta["status"], "error");
}

}  // namespace
}  // namespace codex_mcp::session
