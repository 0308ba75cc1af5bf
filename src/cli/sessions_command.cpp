// `codex-mcp sessions [--json]`: the sessions in the state directory, newest first.
#include <iostream>

#include "codex_mcp/session/session.hpp"
#include "codex_mcp/util/json_fields.hpp"
#include "commands.hpp"
#include "state_view.hpp"
#include "terminal.hpp"

namespace codex_mcp::cli {

namespace {

struct Row {
  std::vector<std::string> cells;  // plain text, in column order
  std::string status;
};

std::string shown_status(const Json& meta) {
  const auto status = util::string_field(meta, "status");
  const bool active = status == "starting" || status == "running" || status == "waiting_approval";
  // A server that died mid-turn leaves its last status behind until the next owner
  // recovers the session: say so rather than show it as running.
  return active && !writer_alive(meta) ? status + " (server gone)" : status;
}

}  // namespace

int sessions_command(const app::Options& options, const Terminal& terminal) {
  std::vector<std::string> warnings;
  const auto sessions = sessions_newest_first(options.state_dir, warnings);
  for (const auto& warning : warnings) std::cerr << "codex-mcp: " << warning << "\n";

  if (options.subcommand.json) {
    Json list = Json::array();
    for (const auto& stored : sessions) {
      auto info = session::Session::info_from_meta(stored.meta, false);
      info["cwd"] = stored.meta.value("cwd", Json());
      info["turnInProgress"] = turn_in_progress(stored.meta);
      info["bytes"] = stored.bytes;
      list.push_back(std::move(info));
    }
    std::cout << list.dump(2) << "\n";
    return 0;
  }
  if (sessions.empty()) {
    std::cout << "No sessions in " << options.state_dir << "\n";
    return 0;
  }

  const std::vector<std::string> headers = {"ID",     "STATUS",  "AGE", "MODEL",
                                            "ACTIVE", "PENDING", "CWD"};
  const auto now = now_ms();
  std::vector<Row> rows;
  for (const auto& stored : sessions) {
    const auto& meta = stored.meta;
    const auto pending = meta.value("pendingActions", Json(0));
    rows.push_back(
        {{stored.id, shown_status(meta), age(meta["createdAt"].get<std::int64_t>(), now),
          meta.value("model", Json()).is_string() ? meta["model"].get<std::string>() : "(default)",
          age(meta["updatedAt"].get<std::int64_t>(), now) + " ago",
          pending.is_number_integer() ? std::to_string(pending.get<std::int64_t>()) : "?",
          util::string_field(meta, "cwd")},
         util::string_field(meta, "status")});
  }
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) {
    widths[c] = headers[c].size();
    for (const auto& row : rows) widths[c] = std::max(widths[c], row.cells[c].size());
  }
  // The last column (cwd) takes what the terminal has left.
  std::size_t used = 0;
  for (std::size_t c = 0; c + 1 < headers.size(); ++c) used += widths[c] + 2;
  const std::size_t cwd_width =
      terminal.width() == 0
          ? 0
          : std::max<std::size_t>(12, terminal.width() - std::min(used, terminal.width()));
  const auto line = [&](const std::vector<std::string>& cells, const std::string& status,
                        bool header) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool last = c + 1 == cells.size();
      auto cell = last ? fit(cells[c], cwd_width) : cells[c];
      const auto pad = last ? std::string() : std::string(widths[c] - cells[c].size() + 2, ' ');
      if (header) {
        cell = terminal.bold(cell);
      } else if (c == 1) {
        cell = terminal.status(status) + cell.substr(status.size());
      } else if (c == 5 && cells[c] != "0") {
        cell = terminal.yellow(cell);
      }
      out += cell + pad;
    }
    std::cout << out << "\n";
  };
  line(headers, "", true);
  for (const auto& row : rows) line(row.cells, row.status, false);
  return 0;
}

}  // namespace codex_mcp::cli
