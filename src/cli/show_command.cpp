// `codex-mcp show <id>`: one session for a person — its settings (secrets left out), its
// turns, the last turn's result and what the agent changed.
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "codex_mcp/store/session_loader.hpp"
#include "codex_mcp/util/json_fields.hpp"
#include "commands.hpp"
#include "state_view.hpp"

namespace codex_mcp::cli {

namespace {

namespace fs = std::filesystem;
using util::string_field;

struct Turn {
  std::string id;
  std::int64_t started_ms = 0, ended_ms = 0;
  std::string status = "running";
};

std::string text_of(const Json& value) {
  if (value.is_null()) return "(default)";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

int show_command(const app::Options& options, const Terminal& terminal) {
  fs::path dir;
  std::string problem;
  const auto meta = find_session(options.state_dir, options.subcommand.session_id, dir, problem);
  if (!meta) {
    std::cerr << "codex-mcp: " << problem << "\n";
    return 1;
  }
  std::vector<std::string> warnings;
  const auto events = store::load_events(dir, warnings);
  const auto result = store::load_result(dir, warnings);
  for (const auto& warning : warnings) std::cerr << "codex-mcp: " << warning << "\n";

  const auto field = [&](const std::string& name, const std::string& value) {
    std::cout << terminal.dim(name + ":")
              << std::string(name.size() < 19 ? 19 - name.size() : 1, ' ') << value << "\n";
  };
  const auto status = string_field(*meta, "status");
  std::cout << terminal.bold(string_field(*meta, "sessionId")) << "\n";
  const bool stale =
      (status == "running" || status == "starting" || status == "waiting_approval") &&
      !writer_alive(*meta);
  field("status", terminal.status(status) + (stale ? " (its server is gone)" : ""));
  const auto now = now_ms();
  for (const auto* time : {"createdAt", "updatedAt"}) {
    const auto ms = meta->value(time, std::int64_t{0});
    field(time == std::string("createdAt") ? "created" : "updated",
          utc_time(ms) + " UTC (" + age(ms, now) + " ago)");
  }
  field("cwd", string_field(*meta, "cwd"));
  for (const auto* name : {"model", "approvalPolicy", "sandbox", "profile", "threadId"}) {
    field(name, text_of(meta->value(name, Json())));
  }
  const auto settings = meta->value("settings", Json::object());
  for (const auto* name : {"effort", "personality", "approvalTimeoutMs", "ephemeral"}) {
    if (settings.contains(name) && !settings[name].is_null() && settings[name] != "") {
      field(name, text_of(settings[name]));
    }
  }
  // Instructions can be long and config overrides can carry keys: sizes and names only.
  for (const auto* name : {"baseInstructions", "developerInstructions"}) {
    if (const auto text = string_field(settings, name); !text.empty()) {
      field(name, "(set, " + std::to_string(text.size()) + " bytes)");
    }
  }
  if (const auto config = meta->value("config", Json()); config.is_object() && !config.empty()) {
    std::string keys;
    for (const auto& [key, value] : config.items()) keys += (keys.empty() ? "" : ", ") + key;
    field("config", keys + " (values hidden)");
  }
  if (const auto forked = string_field(*meta, "forkedFrom"); !forked.empty())
    field("forkedFrom", forked);
  if (const auto pending = meta->value("pendingActions", 0); pending > 0) {
    field("pending", terminal.yellow(std::to_string(pending) + " approval(s) waiting"));
  }
  if (const auto error = string_field(*meta, "lastError"); !error.empty()) {
    field("lastError", terminal.red(error));
  }

  // Turns, commands and changed files, from the event log.
  std::vector<Turn> turns;
  std::map<std::string, std::string> changes;  // path → kind, last one wins
  std::size_t commands = 0, failed_commands = 0;
  for (const auto& event : events) {
    const auto& data = event.data;
    const auto method = string_field(data, "method");
    if (method == "turn/started") {
      turns.push_back({.id = string_field(data, "turnId"), .started_ms = event.time_ms});
    } else if ((event.type == "result" || event.type == "error") && data.contains("status") &&
               !turns.empty()) {
      turns.back().status = string_field(data, "status");
      turns.back().ended_ms = event.time_ms;
    } else if (method == "item/completed" && string_field(data, "itemType") == "commandExecution") {
      ++commands;
      const auto exit = data.value("exitCode", Json());
      if (!exit.is_number_integer() || exit.get<std::int64_t>() != 0) ++failed_commands;
    } else if (method == "item/completed" && string_field(data, "itemType") == "fileChange") {
      for (const auto& change : data.value("changes", Json::array())) {
        const auto kind = change.value("kind", Json());
        changes[string_field(change, "path")] =
            kind.is_string() ? kind.get<std::string>() : string_field(kind, "type");
      }
    }
  }
  std::cout << "\n" << terminal.bold("Turns") << " (" << turns.size() << ")\n";
  for (std::size_t i = 0; i < turns.size(); ++i) {
    const auto& turn = turns[i];
    const auto duration =
        turn.ended_ms > 0
            ? fmt::format(" {:.1f} s",
                          static_cast<double>(turn.ended_ms - turn.started_ms) / 1000.0)
            : std::string();
    const auto shown = turn.status == "completed" ? terminal.green(turn.status)
                       : turn.status == "failed"  ? terminal.red(turn.status)
                       : turn.status == "running" ? terminal.cyan(turn.status)
                                                  : terminal.yellow(turn.status);
    std::cout << "  " << i + 1 << ". " << utc_time(turn.started_ms) << "  " << shown << duration
              << "  " << terminal.dim(turn.id) << "\n";
  }
  std::cout << "\n" << terminal.bold("Result") << "\n";
  if (result.is_object()) {
    field("  status", string_field(result, "status"));
    if (const auto text = string_field(result, "text"); !text.empty()) std::cout << text << "\n";
    if (result.contains("error") && !result["error"].is_null()) {
      std::cout << terminal.red("error: ") << text_of(result["error"]) << "\n";
    }
  } else {
    std::cout << "  (no finished turn yet)\n";
  }
  std::cout << "\n" << terminal.bold("Changes") << "\n";
  std::cout << "  commands run: " << commands;
  if (failed_commands > 0)
    std::cout << " (" << terminal.red(std::to_string(failed_commands) + " failed") << ")";
  std::cout << "\n";
  if (changes.empty()) std::cout << "  no file changes\n";
  for (const auto& [path, kind] : changes)
    std::cout << "  " << terminal.green(kind) << " " << path << "\n";
  return 0;
}

}  // namespace codex_mcp::cli
