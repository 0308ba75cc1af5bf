#include "event_printer.hpp"

#include "codex_mcp/util/json_fields.hpp"

namespace codex_mcp::cli {

namespace {

using Json = nlohmann::json;
using util::string_field;

std::string clock(std::int64_t ms) {
  return utc_time(ms).substr(11);  // HH:MM:SS
}

/// A command as codex reports it: a string, or an argv array.
std::string command_text(const Json& command) {
  if (command.is_string()) return command.get<std::string>();
  if (!command.is_array()) return {};
  std::string text;
  for (const auto& part : command) {
    if (!part.is_string()) continue;
    if (!text.empty()) text += ' ';
    text += part.get<std::string>();
  }
  return text;
}

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end) + " …";
}

}  // namespace

std::string EventPrinter::finish() {
  if (!line_open_) return {};
  line_open_ = false;
  return "\n";
}

std::string EventPrinter::line(std::int64_t time_ms, const std::string& text) {
  return finish() + terminal_.dim(clock(time_ms)) + " " + text + "\n";
}

std::string EventPrinter::stream(const session::Event& event, const std::string& delta) {
  std::string out;
  if (!line_open_) {
    out = terminal_.dim(clock(event.time_ms)) + " " + terminal_.cyan("agent") + " ";
    line_open_ = true;
  }
  turn_has_text_ = true;
  return out + delta;
}

std::string EventPrinter::format(const session::Event& event) {
  const auto& data = event.data;
  if (event.type.empty()) {  // more of a streamed delta: {"id","delta"}
    if (event.id != streaming_id_ || !streaming_agent_ || !line_open_) return {};
    return string_field(data, "delta");
  }
  const auto method = string_field(data, "method");
  if (data.contains("delta")) {
    streaming_id_ = event.id;
    streaming_agent_ = method == "item/agentMessage/delta";
    if (!streaming_agent_) return {};  // reasoning and raw command output: not for this view
    streamed_.insert(string_field(data, "itemId"));
    return stream(event, string_field(data, "delta"));
  }
  streaming_id_ = -1;
  if (event.type == "approval_request") {
    std::string what = string_field(data, "kind");
    if (const auto command = command_text(data.value("command", Json())); !command.empty()) {
      what += ": " + command;
    }
    if (const auto reason = string_field(data, "reason"); !reason.empty()) {
      what += " (" + reason + ")";
    }
    return line(event.time_ms, terminal_.yellow("approval asked") + " [" +
                                   string_field(data, "requestId") + "] " + what);
  }
  if (event.type == "approval_result") {
    std::string answer = data.contains("answers") ? "answered " + data["answers"].dump()
                                                  : string_field(data, "decision");
    if (const auto reason = string_field(data, "reason"); !reason.empty()) {
      answer += " (" + reason + ")";
    }
    return line(event.time_ms, terminal_.yellow("approval") + " [" +
                                   string_field(data, "requestId") + "] " + answer);
  }
  if (event.type == "error") {
    auto message = string_field(data, "message");
    if (message.empty() && data.contains("error")) message = data["error"].dump();
    return line(event.time_ms, terminal_.red("error") + " " + message);
  }
  if (event.type == "result") {
    std::string out;
    // A turn whose text never streamed (exec mode, a resumed log) shows it here.
    if (!turn_has_text_ && !string_field(data, "text").empty()) {
      out += line(event.time_ms, terminal_.cyan("agent") + " " + string_field(data, "text"));
    }
    const auto status = string_field(data, "status");
    return out + line(event.time_ms, terminal_.bold("turn " + status));
  }
  if (method == "item/started" || method == "item/completed") return item(event);
  if (method == "turn/started") {
    turn_has_text_ = false;
    return line(event.time_ms, terminal_.bold("turn started"));
  }
  if (method == "codex-mcp/cancelled" || method == "codex-mcp/stopped") {
    return line(event.time_ms,
                terminal_.dim(method.substr(10) + ": " + string_field(data, "reason")));
  }
  if (method == "thread/resumed" || method == "thread/forked") {
    return line(event.time_ms,
                terminal_.dim(method.substr(7) + " thread " + string_field(data, "threadId")));
  }
  return {};  // token usage, status changes, plans, diffs: in `codex_check` full mode
}

std::string EventPrinter::item(const session::Event& event) {
  const auto& data = event.data;
  const bool completed = string_field(data, "method") == "item/completed";
  const auto type = string_field(data, "itemType");
  if (type == "agentMessage" && completed) {
    if (streamed_.contains(string_field(data, "itemId"))) return finish();
    const auto text = string_field(data, "text");
    if (text.empty()) return {};
    turn_has_text_ = true;
    return line(event.time_ms, terminal_.cyan("agent") + " " + text);
  }
  if (type == "commandExecution") {
    const auto command = command_text(data.value("command", Json()));
    if (!completed) return line(event.time_ms, terminal_.bold("$ ") + first_line(command));
    const auto exit = data.value("exitCode", Json());
    std::string outcome = exit.is_number_integer()
                              ? "exit " + std::to_string(exit.get<std::int64_t>())
                              : string_field(data, "status");
    outcome = exit.is_number_integer() && exit.get<std::int64_t>() == 0 ? terminal_.green(outcome)
                                                                        : terminal_.red(outcome);
    return line(event.time_ms, "  " + outcome + "  " + terminal_.dim(first_line(command)));
  }
  if (type == "fileChange" && completed) {
    std::string out;
    const auto status = string_field(data, "status");
    for (const auto& change : data.value("changes", Json::array())) {
      auto kind = change.value("kind", Json());
      // codex reports the kind as a string or as {"type": "add" | "delete" | "update", ...}.
      const auto kind_text =
          kind.is_string() ? kind.get<std::string>() : string_field(kind, "type");
      out +=
          line(event.time_ms,
               terminal_.green("changed") + " " + kind_text + " " + string_field(change, "path") +
                   (status.empty() || status == "completed" ? "" : " (" + status + ")"));
    }
    return out;
  }
  if ((type == "mcpToolCall" || type == "dynamicToolCall" || type == "webSearch") && !completed) {
    return line(event.time_ms, terminal_.bold(type));
  }
  return {};
}

}  // namespace codex_mcp::cli
