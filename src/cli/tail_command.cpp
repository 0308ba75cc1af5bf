// `codex-mcp tail <id> [-f]`: a session's events as readable lines; with -f, new events as
// the server running the session appends them to events.jsonl, until no turn is running.
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "codex_mcp/store/session_journal.hpp"
#include "codex_mcp/store/session_loader.hpp"
#include "commands.hpp"
#include "event_printer.hpp"
#include "state_view.hpp"

namespace codex_mcp::cli {

namespace {

namespace fs = std::filesystem;

// A follower polls: portable (no inotify), and the journal itself writes at most every
// 100 ms, so a person sees no difference.
constexpr std::chrono::milliseconds kFollowInterval{200};

/// Reads the complete lines appended to a file since the last call. A line still being
/// written (no newline yet) waits for the next call.
class AppendedLines {
 public:
  explicit AppendedLines(fs::path path) : path_(std::move(path)) {}

  std::vector<std::string> read() {
    std::vector<std::string> lines;
    std::ifstream in(path_, std::ios::binary);
    if (!in || !in.seekg(static_cast<std::streamoff>(offset_))) return lines;
    std::string line;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // no newline: not complete yet
      offset_ += line.size() + 1;
      lines.push_back(std::move(line));
    }
    return lines;
  }

 private:
  fs::path path_;
  std::uintmax_t offset_ = 0;
};

}  // namespace

int tail_command(const app::Options& options, const Terminal& terminal) {
  fs::path dir;
  std::string problem;
  const auto& id = options.subcommand.session_id;
  if (!find_session(options.state_dir, id, dir, problem)) {
    std::cerr << "codex-mcp: " << problem << "\n";
    return 1;
  }
  EventPrinter printer(terminal);
  AppendedLines journal(dir / store::kEventsFile);
  std::size_t damaged = 0;
  const auto print_new = [&] {
    for (const auto& text : journal.read()) {
      const auto event = store::parse_event_line(text);
      if (!event) {
        damaged += text.empty() ? 0 : 1;
        continue;
      }
      std::cout << printer.format(*event);
    }
    std::cout.flush();
    return static_cast<bool>(std::cout);  // false once the reader is gone (EPIPE)
  };

  bool reading = print_new();
  while (reading && options.subcommand.follow) {
    std::string meta_problem;
    const auto meta = store::load_meta(dir, meta_problem);
    const bool running = meta && turn_in_progress(*meta);
    std::this_thread::sleep_for(kFollowInterval);
    // After the turn ended, one more read takes what was written with its end.
    reading = print_new();
    if (!running) break;
  }
  std::cout << printer.finish() << std::flush;
  if (damaged > 0) {
    std::cerr << "codex-mcp: " << damaged << " damaged line(s) skipped in "
              << (dir / store::kEventsFile).string() << "\n";
  }
  return 0;
}

}  // namespace codex_mcp::cli
