// What a tool is to the MCP layer: a descriptor for tools/list and a coroutine handler.
// Tool failures are values the client sees (isError results), never transport errors.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

namespace codex_mcp::mcp {

using Json = nlohmann::json;
/// A tool's structured result. Its keys go out in insertion order: a client may show the
/// model only the start of a long reply, so a tool puts what the caller needs first.
using ToolReply = nlohmann::ordered_json;

/// A failure reported to the caller as `Error [CODE]: message` with isError:true.
class ToolError : public std::runtime_error {
 public:
  ToolError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

/// Per-call context: progress reporting for long waits (a no-op without a progressToken).
class ToolCallContext {
 public:
  using ProgressSink = std::function<void(const Json& params)>;

  ToolCallContext(Json progress_token, ProgressSink sink)
      : progress_token_(std::move(progress_token)), sink_(std::move(sink)) {}

  bool wants_progress() const { return !progress_token_.is_null(); }
  /// Sends notifications/progress with `message`. With `total`, `done` of it is shown as a
  /// percentage; the progress value strictly increases per call whatever `done` says.
  void report_progress(const std::string& message, std::optional<double> done = std::nullopt,
                       std::optional<double> total = std::nullopt) {
    if (!wants_progress()) return;
    progress_ = done && *done > progress_ ? *done : progress_ + 1;
    Json params = {{"progressToken", progress_token_}, {"progress", progress_}};
    if (total) params["total"] = *total;
    if (!message.empty()) params["message"] = message;
    sink_(params);
  }

 private:
  Json progress_token_;
  ProgressSink sink_;
  double progress_ = 0;
};

struct ToolDefinition {
  using Handler =
      std::function<boost::asio::awaitable<ToolReply>(Json arguments, ToolCallContext&)>;

  Json descriptor;  ///< name, title, description, inputSchema, annotations
  Handler handler;  ///< returns the structured result; throws ToolError on failure
};

}  // namespace codex_mcp::mcp
