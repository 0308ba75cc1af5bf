#include "codex_mcp/appserver/exec_client.hpp"

#include <csignal>
#include <fstream>

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codex_mcp/appserver/exec_events.hpp"
#include "codex_mcp/codex/toml.hpp"
#include "codex_mcp/process/child_process.hpp"
#include "codex_mcp/util/json_fields.hpp"
#include "codex_mcp/util/json_parse.hpp"

namespace codex_mcp::appserver {

namespace asio = boost::asio;

namespace {}  // namespace

std::vector<std::string> exec_args(const CodexCommand& command, const AppServerSettings& settings,
                                   const Json& thread, const std::string& thread_id,
                                   const Json& turn, const std::string& schema_file) {
  std::vector<std::string> args = command.args;
  args.emplace_back("exec");
  const bool first = thread_id.empty();
  if (!first) args.emplace_back("resume");
  args.insert(args.end(), {"--json", "--skip-git-repo-check"});
  if (first) {
    if (const auto sandbox = util::string_field(thread, "sandbox"); !sandbox.empty()) {
      args.insert(args.end(), {"--sandbox", sandbox});
    }
    if (const auto cwd = util::string_field(thread, "cwd"); !cwd.empty()) {
      args.insert(args.end(), {"--cd", cwd});
    }
    if (thread.value("ephemeral", false)) args.emplace_back("--ephemeral");
  }
  auto model = util::string_field(turn, "model");
  if (model.empty()) model = util::string_field(thread, "model");
  if (!model.empty()) args.insert(args.end(), {"--model", model});
  // The caller's overrides, then what exec takes only as config: it cannot ask anyone, so
  // approvals are never requested.
  Json overrides = settings.config_overrides;
  overrides["approval_policy"] = "never";
  if (const auto effort = util::string_field(turn, "effort"); !effort.empty()) {
    overrides["model_reasoning_effort"] = effort;
  }
  if (const auto summary = util::string_field(turn, "summary"); !summary.empty()) {
    overrides["model_reasoning_summary"] = summary;
  }
  for (auto& arg : codex::config_override_args(overrides)) args.push_back(std::move(arg));
  if (!schema_file.empty()) args.insert(args.end(), {"--output-schema", schema_file});
  std::string prompt;
  for (const auto& input : turn.value("input", Json::array())) {
    const auto type = util::string_field(input, "type");
    if (type == "text") {
      if (!prompt.empty()) prompt += "\n\n";
      prompt += util::string_field(input, "text");
    } else if (type == "localImage") {
      args.insert(args.end(), {"--image", util::string_field(input, "path")});
    }
  }
  args.emplace_back("--");  // a prompt starting with '-' is still a prompt
  if (!first) args.push_back(thread_id);
  args.push_back(prompt);
  return args;
}

std::shared_ptr<ExecClient> ExecClient::create(asio::any_io_executor executor,
                                               AppServerHandlers handlers) {
  return std::shared_ptr<ExecClient>(new ExecClient(std::move(executor), std::move(handlers)));
}

ExecClient::ExecClient(asio::any_io_executor executor, AppServerHandlers handlers)
    : executor_(std::move(executor)), handlers_(std::move(handlers)) {}

ExecClient::~ExecClient() {
  std::error_code ec;
  if (schema_file_) std::filesystem::remove(*schema_file_, ec);
  // child_'s destructor SIGKILLs the group if it is still running.
}

asio::awaitable<Json> ExecClient::start(CodexCommand command, AppServerSettings settings) {
  command_ = std::move(command);
  settings_ = std::move(settings);
  started_ = true;  // no process until a turn: exec runs one per turn
  co_return Json::object();
}

asio::awaitable<Json> ExecClient::call(std::string method, Json, std::chrono::milliseconds) {
  throw jsonrpc::RpcError(jsonrpc::code::kMethodNotFound,
                          method + " is not available in exec mode");
  co_return Json();
}

asio::awaitable<Json> ExecClient::thread_start(Json params) {
  thread_params_ = std::move(params);
  co_return Json{{"thread", {{"id", ""}}}, {"cwd", settings_.cwd}};
}

asio::awaitable<Json> ExecClient::thread_resume(Json params) {
  thread_id_ = util::string_field(params, "threadId");
  co_return Json::object();
}

asio::awaitable<Json> ExecClient::thread_fork(Json) {
  throw jsonrpc::RpcError(jsonrpc::code::kMethodNotFound, "fork is not available in exec mode");
  co_return Json();
}

asio::awaitable<Json> ExecClient::turn_start(Json params) {
  auto self = shared_from_this();
  if (child_ && !child_->finished()) {
    if (!turn_over_) {
      throw jsonrpc::RpcError(jsonrpc::code::kInvalidRequest, "a turn is already running");
    }
    // The last turn is over but its process is still saving the thread: let it finish
    // (stopping it now could cost the thread its last turn).
    asio::steady_timer tick(executor_);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!child_->finished() && std::chrono::steady_clock::now() < give_up) {
      tick.expires_after(std::chrono::milliseconds(10));
      boost::system::error_code ec;
      co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!child_->finished()) co_await child_->terminate_group(std::chrono::seconds(2));
  }
  turn_id_ = "exec_turn_" + std::to_string(++turns_);
  turn_over_ = false;
  interrupted_ = false;
  exit_code_ = -1;
  std::string schema;
  if (params.contains("outputSchema") && params["outputSchema"].is_object()) {
    // exec reads the schema from a file; it lives until the next turn or the client's end.
    schema_file_ = std::filesystem::temp_directory_path() /
                   ("codex-mcp-schema-" + std::to_string(::getpid()) + "-" +
                    std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".json");
    std::ofstream(*schema_file_) << params["outputSchema"].dump();
    schema = schema_file_->string();
  }
  process::SpawnOptions options;
  options.executable = command_.executable;
  options.args = exec_args(command_, settings_, thread_params_, thread_id_, params, schema);
  options.env = settings_.env;
  options.unset_env = settings_.unset_env;
  options.cwd = settings_.cwd;
  options.max_line_bytes = settings_.max_line_bytes;
  options.log_prefix = settings_.name;
  const std::weak_ptr<ExecClient> weak = self;
  process::ChildHandlers handlers;
  handlers.on_line = [weak](std::string line) {
    if (auto client = weak.lock()) client->on_line(line);
  };
  handlers.on_exit = [weak](int code) {
    if (auto client = weak.lock()) client->on_turn_exit(code);
  };
  child_ = process::ChildProcess::spawn(executor_, std::move(options), std::move(handlers));
  child_->close_stdin();  // exec would read a piped stdin into the prompt
  // The first turn names the thread; the session needs that name before it goes on.
  named_ = std::make_unique<asio::steady_timer>(executor_, settings_.initialize_timeout);
  while (thread_id_.empty() && exit_code_ < 0) {
    boost::system::error_code ec;
    co_await named_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) break;  // the timeout
  }
  if (thread_id_.empty()) {
    if (exit_code_ >= 0) {
      throw std::runtime_error("codex exec exited with code " + std::to_string(exit_code_) +
                               " before starting a thread: " + stderr_tail());
    }
    throw StartupTimeout("codex exec did not start a thread within " +
                         std::to_string(settings_.initialize_timeout.count()) + " ms");
  }
  co_return Json{{"turn", {{"id", turn_id_}}}, {"threadId", thread_id_}};
}

asio::awaitable<Json> ExecClient::turn_interrupt(std::string, std::string,
                                                 std::chrono::milliseconds) {
  if (child_ && !child_->finished()) {
    interrupted_ = true;
    ::kill(-child_->pid(), SIGINT);  // its own process group: codex and what it runs
  }
  co_return Json::object();
}

asio::awaitable<void> ExecClient::shutdown(std::chrono::milliseconds grace) {
  auto self = shared_from_this();
  stopped_ = true;
  if (child_ && !child_->finished()) co_await child_->terminate_group(grace);
}

int ExecClient::pid() const {
  return child_ && !child_->finished() ? child_->pid() : -1;
}

std::string ExecClient::stderr_tail() const {
  return child_ ? child_->stderr_tail() : std::string();
}

void ExecClient::notify(const std::string& method, const Json& params) {
  if (handlers_.on_notification) handlers_.on_notification(method, params);
}

void ExecClient::on_line(const std::string& line) {
  const auto event = util::parse_untrusted_json_or_discarded(line);
  if (event.is_discarded()) {
    spdlog::warn("[{}] ignoring a line that is not JSON: {}", settings_.name, line.substr(0, 200));
    return;
  }
  auto translated = translate_exec_event(event, turn_id_);
  if (!translated.thread_id.empty() && thread_id_.empty()) {
    thread_id_ = translated.thread_id;
    if (named_) named_->cancel();
  }
  if (translated.turn_over) turn_over_ = true;
  for (const auto& [method, params] : translated.notifications) notify(method, params);
}

void ExecClient::on_turn_exit(int exit_code) {
  if (thread_id_.empty()) {
    exit_code_ = exit_code;  // turn_start reports it
    if (named_) named_->cancel();
    return;
  }
  if (turn_over_ || stopped_) return;  // finished, or stopped by the session itself
  // It ended without saying how the turn went: interrupted by us, or it failed.
  Json turn = {{"id", turn_id_}, {"status", interrupted_ ? "interrupted" : "failed"}};
  if (!interrupted_) {
    exit_code_ = exit_code;
    const auto line = last_line(stderr_tail());
    turn["error"] = {{"message", "codex exec exited with code " + std::to_string(exit_code) +
                                     (line.empty() ? "" : ": " + line)}};
  }
  turn_over_ = true;
  notify("turn/completed", Json{{"turn", std::move(turn)}});
}

}  // namespace codex_mcp::appserver
