// libFuzzer target: a file of the state directory into the loaders. The input's first line
// names the file (meta.json, events.jsonl or result.json), the rest is its content; the
// other two files of the session are valid ones. Then what a restarted server does with
// the directory (session/session_manager.cpp: recover, list, load): scan it, list the
// session, load its meta, events and result, restore it, and show it (get, poll, result).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "codex_mcp/jsonrpc/errors.hpp"
#include "codex_mcp/session/poll_view.hpp"
#include "codex_mcp/session/session.hpp"
#include "codex_mcp/store/session_journal.hpp"
#include "codex_mcp/store/session_loader.hpp"
#include "codex_mcp/tools/reply.hpp"
#include "codex_mcp/util/json_text.hpp"
#include "fake_codex.hpp"
#include "fuzz_support.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp;
using fuzz::Json;

namespace {

constexpr const char* kSessionId = "sess_0123456789ab";

const char* const kValidMeta =
    R"({"format":"codex-mcp/session/1","sessionId":"sess_0123456789ab","status":"idle",)"
    R"("createdAt":1700000000000,"updatedAt":1700000001000,"threadId":"thr_1","cwd":"/tmp",)"
    R"("model":"mock-model","approvalPolicy":"never","sandbox":"read-only","config":{},)"
    R"("settings":{"approvalTimeoutMs":60000,"effort":"low"},"consumedCursor":2})";
const char* const kValidEvents =
    R"({"id":0,"type":"progress","time":1700000000000,"data":{"method":"thread/started"}})"
    "\n"
    R"({"id":1,"type":"output","time":1700000000100,"data":{"method":"item/agentMessage/delta","itemId":"m1","delta":"Hel"}})"
    "\n"
    R"({"id":1,"delta":"lo"})"
    "\n";
const char* const kValidResult =
    R"({"turnId":"turn_1","status":"completed","text":"Hello","completedAt":1700000001000})";

fs::path session_dir() {
  static const fs::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    const fs::path base =
        fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::path(tmp ? tmp : "/tmp");
    const auto root = base / ("codex-mcp-fuzz-state-" + std::to_string(::getpid()));
    fs::create_directories(root / "sessions" / kSessionId);
    static fs::path to_remove = root;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(to_remove, ec);
    });
    return root / "sessions" / kSessionId;
  }();
  return dir;
}

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(content.data(), static_cast<std::streamsize>(content.size()));
}

/// What codex_session get and codex_check poll show of a restored session.
void show(session::Session& s) {
  (void)jsonrpc::to_line(s.info_json(true));
  (void)jsonrpc::to_line(s.info_json(false));
  (void)jsonrpc::to_line(s.meta_json());
  (void)jsonrpc::to_line(s.result_json());
  (void)jsonrpc::to_line(s.progress_json());
  (void)jsonrpc::to_line(s.actions_json());
  (void)s.interaction_state();
  (void)s.recommended_next_action();
  for (const char* mode : {"minimal", "delta_compact", "full"}) {
    const auto slice = s.events().read(s.consumed_cursor(), 10000);
    auto view = session::render_events(slice, {.response_mode = mode});
    const Json response = {{"sessionId", s.id()},
                           {"result", s.result_json()},
                           {"events", std::move(view.events)},
                           {"nextCursor", view.next_cursor}};
    auto reply = tools::in_reading_order(response);
    tools::fit_reply(reply, 4096);  // the caps every poll reply goes through
    (void)util::json_text(reply);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::quiet_logging();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const auto name = input.substr(0, newline);
  const auto content = input.substr(newline + 1);
  const auto dir = session_dir();
  write_file(dir / store::kMetaFile, name == store::kMetaFile ? content : kValidMeta);
  write_file(dir / store::kEventsFile, name == store::kEventsFile ? content : kValidEvents);
  write_file(dir / store::kResultFile, name == store::kResultFile ? content : kValidResult);

  // Recovery scans every session's meta; codex_session list shows them from it.
  const auto scan = store::scan_sessions(dir.parent_path());
  for (const auto& stored : scan.sessions) {
    (void)jsonrpc::to_line(session::Session::info_from_meta(stored.meta, false));
    (void)jsonrpc::to_line(session::Session::info_from_meta(stored.meta, true));
  }
  // SessionManager::load: a session that fails to load is skipped with a warning.
  boost::asio::io_context io{1};
  std::shared_ptr<session::Session> restored;
  try {
    std::string problem;
    const auto meta = store::load_meta(dir, problem);
    if (!meta) return 0;
    std::vector<std::string> warnings;
    auto events = store::load_events(dir, warnings);
    auto result = store::load_result(dir, warnings);
    session::SessionServices services{
        .executor = io.get_executor(),
        .provider = std::make_shared<testing::FakeProvider>(io.get_executor())};
    restored = session::Session::restore(std::move(services), *meta, std::move(events),
                                         std::move(result), nullptr);
  } catch (const std::exception&) {
    return 0;
  }
  show(*restored);
  return 0;
}
