#include "codex_mcp/store/session_journal.hpp"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "codex_mcp/store/files.hpp"
#include "codex_mcp/util/json_text.hpp"

namespace codex_mcp::store {

namespace fs = std::filesystem;

std::string event_line(const Event& event) {
  // "id" last: the same field order for every line keeps the log easy to grep.
  const Json line = {{"type", event.type},
                     {"time", event.time_ms},
                     {"pinned", event.pinned},
                     {"data", event.data},
                     {"id", event.id}};
  return util::json_text(line);
}

std::shared_ptr<SessionJournal> SessionJournal::open(boost::asio::any_io_executor executor,
                                                     fs::path dir) {
  try {
    create_private_directory(dir);
  } catch (const std::system_error& e) {
    spdlog::warn("session state will not be saved: {}", e.what());
    return nullptr;
  }
  return std::shared_ptr<SessionJournal>(new SessionJournal(std::move(executor), std::move(dir)));
}

SessionJournal::SessionJournal(boost::asio::any_io_executor executor, fs::path dir)
    : dir_(std::move(dir)), flush_timer_(executor), executor_(std::move(executor)) {}

SessionJournal::~SessionJournal() {
  flush();
  if (events_fd_ >= 0) ::close(events_fd_);
}

void SessionJournal::append_event(const Event& event) {
  buffer_line(event_line(event), event.pinned);
}

void SessionJournal::append_delta(std::int64_t id, std::string_view delta) {
  // Written straight into the buffer: one line per streamed delta, so no document here.
  if (discarded_) return;
  pending_ += R"({"id":)";
  pending_ += std::to_string(id);
  pending_ += R"(,"delta":)";
  util::append_json_string(pending_, delta);
  pending_ += "}\n";
  buffered(false);
}

void SessionJournal::discard() {
  discarded_ = true;
  pending_.clear();
  pending_meta_ = nullptr;
  flush_timer_.cancel();
  if (events_fd_ >= 0) ::close(events_fd_);
  events_fd_ = -1;
}

void SessionJournal::buffer_line(std::string line, bool durable) {
  if (discarded_) return;
  pending_ += line;
  pending_ += '\n';
  buffered(durable);
}

void SessionJournal::buffered(bool durable) {
  if (durable || pending_.size() >= kFlushBytes) {
    const bool written = flush();
    if (durable && written && ::fdatasync(events_fd_) != 0) {
      failed(std::string("cannot sync ") + kEventsFile + ": " +
             std::generic_category().message(errno));
    }
    return;
  }
  schedule_flush();
}

void SessionJournal::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  flush_timer_.expires_after(kFlushDelay);
  flush_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->flush_scheduled_ = false;
      self->flush();
    }
  });
}

bool SessionJournal::ensure_events_open() {
  if (events_fd_ >= 0) return true;
  if (discarded_) return false;
  const auto path = dir_ / kEventsFile;
  events_fd_ = open_state_file(path, O_WRONLY | O_CREAT | O_APPEND);
  if (events_fd_ < 0) failed("cannot open " + path.string() + ": " + open_error(errno));
  return events_fd_ >= 0;
}

bool SessionJournal::flush() {
  write_meta();
  if (pending_.empty()) return events_fd_ >= 0;
  if (!ensure_events_open()) {
    pending_.clear();  // the ring still holds them; the log has a gap the loader tolerates
    return false;
  }
  // After a torn write, start on a fresh line so only the torn line is lost.
  if (torn_line_) pending_.insert(0, 1, '\n');
  torn_line_ = false;
  std::string_view rest = pending_;
  while (!rest.empty()) {
    const auto n = ::write(events_fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed(std::string("cannot append to ") + kEventsFile + ": " +
             std::generic_category().message(errno));
      torn_line_ = rest.size() < pending_.size();
      pending_.clear();
      return false;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  pending_.clear();
  return true;
}

void SessionJournal::save_meta(const Json& meta) {
  if (discarded_) return;
  pending_meta_ = meta;
  if (meta_write_posted_) return;  // the write to come takes this one
  meta_write_posted_ = true;
  boost::asio::post(executor_, [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->meta_write_posted_ = false;
      self->write_meta();
    }
  });
}

void SessionJournal::write_meta() {
  if (pending_meta_.is_null()) return;
  const auto meta = std::move(pending_meta_);
  pending_meta_ = nullptr;
  save(kMetaFile, meta);
}

void SessionJournal::save_result(const Json& result) {
  save(kResultFile, result);
}

void SessionJournal::save(const char* file, const Json& content) {
  if (discarded_) return;
  try {
    write_file_atomically(dir_ / file, content.dump(2, ' ', false, Json::error_handler_t::replace));
  } catch (const std::system_error& e) {
    failed(e.what());
  }
}

void SessionJournal::failed(const std::string& what) {
  last_error_ = what;
  // A full disk fails every write: log the first failure and then every hundredth.
  if (failures_++ % 100 == 0) {
    spdlog::warn("session state in {} is incomplete: {} (the session goes on in memory)",
                 dir_.string(), what);
  }
}

}  // namespace codex_mcp::store
