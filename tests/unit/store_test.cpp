// The state directory's files: atomic writes, the journal's log format read back by the
// loader (merged deltas, damage), write failures, the lock, and the retention policy.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <csignal>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "codex_mcp/store/files.hpp"
#include "codex_mcp/store/retention.hpp"
#include "codex_mcp/store/session_journal.hpp"
#include "codex_mcp/store/session_loader.hpp"
#include "codex_mcp/store/state_dir.hpp"
#include "test_dir.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp;
using codex_mcp::store::Event;

namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = codex_mcp::testing::fresh_test_dir("store");
    fs::remove(dir_);  // the tests create it themselves, to see its mode
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  boost::asio::io_context io_;
};

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? (info.st_mode & 0777) : 0;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(StoreTest, AtomicWriteReplacesTheFilePrivatelyAndLeavesNoTempFile) {
  store::create_private_directory(dir_);
  store::write_file_atomically(dir_ / "meta.json", "first");
  store::write_file_atomically(dir_ / "meta.json", "second");
  EXPECT_EQ(slurp(dir_ / "meta.json"), "second");
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_EQ(mode_of(dir_ / "meta.json"), 0600u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
  EXPECT_THROW(store::write_file_atomically(dir_ / "missing" / "x.json", "x"), std::system_error);
}

TEST_F(StoreTest, JournalLogReadsBackWithMergedDeltasAndPinnedEventsWrittenAtOnce) {
  auto journal = store::SessionJournal::open(io_.get_executor(), dir_ / "sess_0123456789ab");
  ASSERT_TRUE(journal);
  journal->append_event(Event{.id = 0, .type = "progress", .data = {{"method", "turn/started"}}});
  journal->append_event(Event{.id = 1, .type = "output", .data = {{"delta", "Hel"}}});
  journal->append_delta(1, "lo");
  journal->append_delta(1, "!\"\\\n\t\x01 é😀");  // every kind of character that needs care
  // A pinned event goes to disk with everything before it, without waiting for a flush.
  journal->append_event(
      Event{.id = 2, .type = "approval_request", .data = {{"requestId", "req_1"}}, .pinned = true});
  std::vector<std::string> warnings;
  const auto events = store::load_events(dir_ / "sess_0123456789ab", warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].data["delta"], "Hello!\"\\\n\t\x01 é😀");
  EXPECT_EQ(events[1].data["coalesced"], 3);
  EXPECT_TRUE(events[2].pinned);
  EXPECT_EQ(mode_of(dir_ / "sess_0123456789ab" / "events.jsonl"), 0600u);
}

TEST_F(StoreTest, BufferedEventsReachTheDiskOnFlush) {
  auto journal = store::SessionJournal::open(io_.get_executor(), dir_ / "s");
  journal->append_event(Event{.id = 0, .type = "output", .data = {{"delta", "x"}}});
  std::vector<std::string> warnings;
  EXPECT_TRUE(store::load_events(dir_ / "s", warnings).empty());  // still buffered
  journal->flush();
  EXPECT_EQ(store::load_events(dir_ / "s", warnings).size(), 1u);
}

TEST_F(StoreTest, DamagedLinesAreSkippedAndCounted) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "events.jsonl")
      << R"({"type":"progress","time":1,"pinned":false,"data":{},"id":0})"
      << "\n"
      << "garbage\n"
      << R"({"id":7,"delta":"orphan delta"})"
      << "\n"
      << R"({"type":"progress","time":1,"pinned":false,"data":{},"id":0})"
      << "\n"  // id reused
      << R"({"type":"output","time":2,"pinned":false,"data":{"text":"ok"},"id":3})"
      << "\n"
      << R"({"type":"outp)";
  std::vector<std::string> warnings;
  const auto events = store::load_events(dir_, warnings);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].id, 3);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("4 damaged line(s)"), std::string::npos) << warnings[0];
}

TEST_F(StoreTest, WriteFailuresAreKeptNotThrown) {
  auto journal = store::SessionJournal::open(io_.get_executor(), dir_ / "s");
  {
    // A full disk on demand: past RLIMIT_FSIZE every write fails (EFBIG, SIGXFSZ
    // ignored), as every write fails with ENOSPC on a full disk. (A link to /dev/full
    // would no longer do: state files are never opened through a link.)
    struct rlimit saved {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit tiny = saved;
    tiny.rlim_cur = 0;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
    journal->append_event(Event{.id = 0, .type = "error", .data = {{"m", "x"}}, .pinned = true});
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);
  }
  EXPECT_NE(journal->last_error().find("cannot append to events.jsonl"), std::string::npos)
      << journal->last_error();
  fs::remove_all(dir_ / "s");
  journal->save_meta({{"a", 1}});  // the directory is gone
  journal->flush();                // (meta.json is written after the handler, or by a flush)
  EXPECT_NE(journal->last_error().find("meta.json"), std::string::npos) << journal->last_error();
}

TEST_F(StoreTest, MetaIsWrittenOnceTheLoopIsDoneWithTheChange) {
  auto journal = store::SessionJournal::open(io_.get_executor(), dir_ / "s");
  journal->save_meta({{"status", "starting"}});
  journal->save_meta({{"status", "running"}});
  EXPECT_FALSE(fs::exists(dir_ / "s" / "meta.json"));  // not in the caller's time
  io_.poll();
  EXPECT_EQ(store::Json::parse(slurp(dir_ / "s" / "meta.json"))["status"],
            "running");  // once, the last
  journal->save_meta({{"status", "idle"}});
  journal->flush();  // what a tool answer does: on disk before the answer
  EXPECT_EQ(store::Json::parse(slurp(dir_ / "s" / "meta.json"))["status"], "idle");
  journal->save_meta({{"status", "error"}});
  journal.reset();  // a journal let go of writes what it has
  EXPECT_EQ(store::Json::parse(slurp(dir_ / "s" / "meta.json"))["status"], "error");
  io_.poll();  // the posted write finds no journal: nothing happens
}

TEST_F(StoreTest, StateFilesAreNeverOpenedThroughALink) {
  auto journal = store::SessionJournal::open(io_.get_executor(), dir_ / "s");
  const auto victim = dir_ / "victim";
  std::ofstream(victim) << "precious";
  // A link where the journal appends its events.
  fs::create_symlink(victim, dir_ / "s" / "events.jsonl");
  journal->append_event(Event{.id = 0, .type = "error", .data = {{"m", "x"}}, .pinned = true});
  EXPECT_NE(journal->last_error().find("symbolic link"), std::string::npos)
      << journal->last_error();
  // A link where the atomic write puts its temp file (named after our pid).
  fs::create_symlink(victim, dir_ / "s" / ("meta.json.tmp" + std::to_string(::getpid())));
  store::write_file_atomically(dir_ / "s" / "meta.json", "{}");
  EXPECT_EQ(store::read_small_file(dir_ / "s" / "meta.json", 100), "{}");
  // A link in place of a file that is read.
  fs::create_symlink(victim, dir_ / "s" / "result.json");
  EXPECT_FALSE(store::read_small_file(dir_ / "s" / "result.json", 100));
  std::ifstream in(victim);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "precious");
  // The events log read back: a link is ignored with a warning.
  std::vector<std::string> warnings;
  EXPECT_TRUE(store::load_events(dir_ / "s", warnings).empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("not a regular file"), std::string::npos);
}

TEST_F(StoreTest, MetaIsOursOnlyWithTheFormatAndMatchingId) {
  const auto dir = dir_ / "sess_0123456789ab";
  fs::create_directories(dir);
  std::string problem;
  EXPECT_FALSE(store::load_meta(dir, problem));
  EXPECT_NE(problem.find("missing"), std::string::npos);
  nlohmann::json meta = {{"format", store::kSessionFormat},
                         {"sessionId", "sess_0123456789ab"},
                         {"status", "idle"},
                         {"createdAt", 1},
                         {"updatedAt", 2}};
  std::ofstream(dir / "meta.json") << meta.dump();
  EXPECT_TRUE(store::load_meta(dir, problem));
  meta["sessionId"] = "sess_ffffffffffff";
  std::ofstream(dir / "meta.json") << meta.dump();
  EXPECT_FALSE(store::load_meta(dir, problem));
  meta["sessionId"] = "sess_0123456789ab";
  meta["status"] = "sleeping";
  std::ofstream(dir / "meta.json") << meta.dump();
  EXPECT_FALSE(store::load_meta(dir, problem));
  EXPECT_TRUE(store::is_session_id("sess_0123456789ab"));
  EXPECT_FALSE(store::is_session_id("sess_0123456789AB"));
  EXPECT_FALSE(store::is_session_id("sess_0123"));
}

TEST_F(StoreTest, OnlyOneServerOwnsTheDirectory) {
  auto first = store::StateDir::open(dir_);
  EXPECT_EQ(first.access(), store::StateAccess::owner);
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_TRUE(fs::is_directory(first.sessions_path()));
  // flock() locks belong to open file descriptions: a second open conflicts even in-process.
  auto second = store::StateDir::open(dir_);
  EXPECT_EQ(second.access(), store::StateAccess::shared);
  EXPECT_NE(second.problem().find(std::to_string(::getpid())), std::string::npos);
  first = store::StateDir();  // releases the lock
  EXPECT_EQ(store::StateDir::open(dir_).access(), store::StateAccess::owner);
}

TEST_F(StoreTest, UnusableDirectoryIsReportedNotThrown) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  const auto state = store::StateDir::open(dir_ / "file" / "state");
  EXPECT_EQ(state.access(), store::StateAccess::unavailable);
  EXPECT_FALSE(state.problem().empty());
}

TEST(Retention, AgeFirstThenOldestUntilCountAndSizeFit) {
  const std::int64_t now = 100 * 86400000LL;
  const store::RetentionPolicy policy{
      .max_age = std::chrono::hours(24 * 7), .max_sessions = 3, .max_bytes = 1000};
  std::vector<store::RetentionEntry> entries = {
      {.id = "ancient", .updated_ms = now - 30 * 86400000LL, .bytes = 10},
      {.id = "newest", .updated_ms = now - 1, .bytes = 10},
      {.id = "big", .updated_ms = now - 5000, .bytes = 900},
      {.id = "in-use-old", .updated_ms = now - 60 * 86400000LL, .bytes = 10, .prunable = false},
      {.id = "old", .updated_ms = now - 9000, .bytes = 10},
      {.id = "mid", .updated_ms = now - 3000, .bytes = 200},
  };
  // ancient: too old. Left: in-use-old(10, kept), old(10), big(900), mid(200), newest(10)
  // = 5 sessions, 1130 bytes: old and big go (oldest prunable first) → 3 sessions, 220 B.
  EXPECT_EQ(store::sessions_to_prune(entries, policy, now),
            (std::vector<std::string>{"ancient", "old", "big"}));
  EXPECT_TRUE(
      store::sessions_to_prune(entries, {.max_age = {}, .max_sessions = 0, .max_bytes = 0}, now)
          .empty());
}

}  // namespace
