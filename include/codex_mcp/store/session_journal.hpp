// SessionJournal: writes one session's state to <state>/sessions/<id>/.
//
//   meta.json     the session's settings and status (atomically replaced)
//   events.jsonl  append-only: one event per line, {"type","time","pinned","data","id"};
//                 a streaming delta merged into an earlier event is {"id","delta"}
//   result.json   the last finished turn's result (atomically replaced)
//
// Event lines are buffered and written within kFlushDelay, or at once for pinned events
// (approvals, results, errors), which are also fdatasync()ed: what a tool call reports
// is on disk before the call returns. meta.json is written once the current handler of
// the loop is done (several changes made together are one write), and at the latest by
// flush(), which every tool answer calls. Write failures (a full disk, a removed directory)
// never reach the caller: they are logged once, kept in last_error(), and the session
// goes on in memory. Threading: the loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "codex_mcp/store/event.hpp"

namespace codex_mcp::store {

using Json = nlohmann::json;

inline constexpr const char* kMetaFile = "meta.json";
inline constexpr const char* kEventsFile = "events.jsonl";
inline constexpr const char* kResultFile = "result.json";
/// meta.json's "format": files without it are not ours.
inline constexpr const char* kSessionFormat = "codex-mcp/session/1";

/// The serialised event line (without the trailing newline).
std::string event_line(const Event& event);

class SessionJournal : public std::enable_shared_from_this<SessionJournal> {
 public:
  /// Creates the session directory (0700); nullptr (logged) when that fails.
  static std::shared_ptr<SessionJournal> open(boost::asio::any_io_executor executor,
                                              std::filesystem::path dir);
  ~SessionJournal();
  SessionJournal(const SessionJournal&) = delete;
  SessionJournal& operator=(const SessionJournal&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  /// A new event (its id assigned by the ring).
  void append_event(const Event& event);
  /// `delta` was merged into the earlier event `id`.
  void append_delta(std::int64_t id, std::string_view delta);
  /// meta.json is replaced soon: once the loop is done with what it is doing (so that
  /// changes made together are written once, and a session start does not wait for its
  /// writes but has them done while codex works), and at the latest by the next flush().
  void save_meta(const Json& meta);
  void save_result(const Json& result);
  /// Writes buffered event lines and a meta.json still to be written now; false when the
  /// event lines could not be written.
  bool flush();
  /// The session's files are being deleted: drop what is buffered and write nothing more.
  void discard();
  /// The most recent write failure, empty while every write succeeded.
  const std::string& last_error() const { return last_error_; }

  static constexpr auto kFlushDelay = std::chrono::milliseconds(100);
  static constexpr std::size_t kFlushBytes = std::size_t{64} << 10;

 private:
  SessionJournal(boost::asio::any_io_executor executor, std::filesystem::path dir);
  void buffer_line(std::string line, bool durable);
  /// A line was added to the buffer: written now if durable or the buffer is full, else
  /// soon.
  void buffered(bool durable);
  void schedule_flush();
  /// Writes the meta.json that save_meta() left, if any.
  void write_meta();
  void save(const char* file, const Json& content);
  bool ensure_events_open();
  void failed(const std::string& what);

  std::filesystem::path dir_;
  boost::asio::steady_timer flush_timer_;
  bool flush_scheduled_ = false;
  std::string pending_;
  Json pending_meta_;  ///< null: meta.json is up to date
  bool meta_write_posted_ = false;
  boost::asio::any_io_executor executor_;
  int events_fd_ = -1;
  bool torn_line_ = false;
  bool discarded_ = false;
  std::string last_error_;
  std::size_t failures_ = 0;
};

}  // namespace codex_mcp::store
