#include "codex_mcp/mcp/server.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include "codex_mcp/util/json_text.hpp"

namespace asio = boost::asio;

namespace codex_mcp::mcp {

using jsonrpc::RpcError;
using jsonrpc::to_line;

std::string make_tool_result(ToolReply value) {
  // structuredContent must be an object; scalars and arrays are wrapped as {value}.
  if (!value.is_object()) {
    ToolReply wrapped = {{"value", std::move(value)}};
    value = std::move(wrapped);
  }
  const auto structured = util::json_text(value);
  // Clients show the text and programs read structuredContent: the same JSON twice, so
  // it is serialised once and spliced in (a poll can carry hundreds of KiB of output).
  std::string result;
  result.reserve(2 * structured.size() + 100);
  result.append(R"({"content":[{"type":"text","text":)");
  util::append_json_string(result, structured);
  result.append(R"(}],"isError":false,"structuredContent":)").append(structured).append("}");
  return result;
}

std::string tool_error_code(const jsonrpc::RpcError& error) {
  switch (error.code()) {
    case jsonrpc::code::kConnectionClosed:
      return "SESSION_NOT_RUNNING";
    case jsonrpc::code::kRequestTimeout:
      return "TIMEOUT";
    default:
      return "CODEX_ERROR";
  }
}

std::string make_tool_error(const std::string& code, const std::string& message) {
  const Json error = {
      {"content", Json::array({{{"type", "text"}, {"text", "Error [" + code + "]: " + message}}})},
      {"isError", true}};
  return jsonrpc::to_line(error);
}

/// The client end of the connection as the layers above see it.
class ClientChannel : public ClientRequests {
 public:
  explicit ClientChannel(std::shared_ptr<jsonrpc::Peer> peer) : peer_(std::move(peer)) {}
  asio::awaitable<Json> request(std::string method, Json params,
                                std::chrono::milliseconds timeout) override {
    const auto peer = peer_;  // alive while this waits
    co_return co_await peer->call(std::move(method), std::move(params), timeout);
  }
  bool client_supports_elicitation() const override { return elicitation_; }
  /// From a legacy initialize's `capabilities`: form mode is `elicitation: {}` (the
  /// 2025-06-18 form) or one that names `form`; URL mode alone is not a form.
  void declared(const Json& capabilities) {
    const auto elicitation =
        capabilities.is_object() ? capabilities.value("elicitation", Json()) : Json();
    elicitation_ = elicitation.is_object() && (elicitation.empty() || elicitation.contains("form"));
  }

 private:
  std::shared_ptr<jsonrpc::Peer> peer_;
  bool elicitation_ = false;
};

namespace {

constexpr const char* kTaskNotFound = "Failed to retrieve task: Task not found";

// The lists and discover are fixed for the life of the process and hold nothing about the
// caller; a read may report live facts about this machine (state dir, config).
constexpr CacheHint kFixedCache{.ttl_ms = 300'000, .scope = "public"};
constexpr CacheHint kReadCache{.ttl_ms = 0, .scope = "private"};

// The SDK's rule for initialize: only a valid modern envelope makes it a modern request
// (which then has no such method); anything else is the legacy handshake.
bool carries_valid_envelope(const Json& params) {
  try {
    return read_envelope(params).has_value();
  } catch (const RpcError&) {
    return false;
  }
}

// Runs `answer` for a modern request, giving its errors the modern codes.
template <class Answer>
auto with_modern_errors(Answer&& answer) {
  try {
    return answer();
  } catch (const RpcError& e) {
    throw RpcError(modern_error_code(e.code()), e.what(), e.data());
  }
}

}  // namespace

McpServer::McpServer(asio::any_io_executor executor, ServerInfo info,
                     std::vector<ToolDefinition> tools, std::vector<ResourceDefinition> resources,
                     std::vector<ResourceTemplateDefinition> templates,
                     jsonrpc::Peer::SendLine send_line)
    : info_(std::move(info)),
      tools_(std::move(tools)),
      resources_(std::move(resources)),
      templates_(std::move(templates)),
      modern_(info_.name, info_.version) {
  peer_ = jsonrpc::Peer::create(std::move(executor), {.name = "mcp"}, std::move(send_line));
  client_ = std::make_shared<ClientChannel>(peer_);
  // A request to the client we no longer wait for (the dialog's action was answered
  // elsewhere, or nobody answered): the client may close what it shows for it.
  peer_->on_call_abandoned(
      [weak = std::weak_ptr<jsonrpc::Peer>(peer_)](std::int64_t id, const std::string& why) {
        if (const auto peer = weak.lock()) {
          peer->notify("notifications/cancelled", {{"requestId", id}, {"reason", why}});
        }
      });
  // The era of each request comes from its own params (mcp/envelope): a modern _meta
  // envelope, or none (legacy). initialize is the legacy opener; the probe is modern.
  peer_->on_request_immediate("initialize", [this](const Json& params) {
    if (carries_valid_envelope(params)) {
      throw RpcError(jsonrpc::code::kMethodNotFound,
                     "Method not found: initialize (not in MCP 2026-07-28; this request is "
                     "modern by its _meta envelope)");
    }
    return to_line(initialize(params));
  });
  peer_->on_request_immediate("server/discover", [this](const Json& params) {
    read_envelope(params);  // validated when sent; the probe itself may come without one
    return discover_text_;
  });
  discover_text_ = to_line(modern_.stamp(discover(), kFixedCache));
  peer_->on_request_immediate("ping", [](const Json& params) -> std::string {
    if (read_envelope(params)) {
      throw RpcError(jsonrpc::code::kMethodNotFound,
                     "Method not found: ping (removed in MCP 2026-07-28)");
    }
    return "{}";
  });
  // The lists never change: serialised once per era (~0.3 ms per call otherwise).
  serve_fixed("tools/list", list_tools());
  serve_fixed("resources/list", list_resources());
  serve_fixed("resources/templates/list", list_resource_templates());
  peer_->on_request_immediate("resources/read", [this](const Json& params) {
    if (!read_envelope(params)) return to_line(read_resource(params));
    return with_modern_errors(
        [&] { return to_line(modern_.stamp(read_resource(params), kReadCache)); });
  });
  peer_->on_request_serialized("tools/call",
                               [this](Json params) { return answer_tool_call(std::move(params)); });
  // The tasks extension: answered only to modern requests that declare it (legacy ones get
  // -32601 as before the extension existed; modern ones without it -32021).
  serve_task_method("tasks/get",
                    [this](const RequestEnvelope& envelope, const std::string& id, const Json&) {
                      const auto view = tasks_->get(id, declares_form_elicitation(envelope));
                      if (!view) throw RpcError(jsonrpc::code::kInvalidParams, kTaskNotFound);
                      return task_json(id, *view);
                    });
  serve_task_method("tasks/update",
                    [this](const RequestEnvelope&, const std::string& id, const Json& params) {
                      const auto responses = params.value("inputResponses", Json::object());
                      if (!tasks_->update(id, responses.is_object() ? responses : Json::object())) {
                        throw RpcError(jsonrpc::code::kInvalidParams, kTaskNotFound);
                      }
                      return Json::object();
                    });
  serve_task_method("tasks/cancel",
                    [this](const RequestEnvelope&, const std::string& id, const Json&) {
                      if (!tasks_->cancel(id)) {
                        throw RpcError(jsonrpc::code::kInvalidParams, kTaskNotFound);
                      }
                      return Json::object();
                    });
  peer_->on_notification("notifications/initialized",
                         [](const Json&) { spdlog::debug("client initialized"); });
  peer_->on_notification("notifications/cancelled", [this](const Json& params) {
    if (params.is_object() && params.contains("requestId")) {
      spdlog::debug("client cancelled request {}", params["requestId"].dump());
      peer_->cancel_incoming(params["requestId"]);
    }
  });
}

std::shared_ptr<ClientRequests> McpServer::client_requests() const {
  return client_;
}

void McpServer::set_task_source(std::shared_ptr<TaskSource> source) {
  tasks_ = std::move(source);
  discover_text_ = to_line(modern_.stamp(discover(), kFixedCache));
}

void McpServer::serve_task_method(
    const std::string& method,
    std::function<Json(const RequestEnvelope&, const std::string&, const Json&)> answer) {
  peer_->on_request_immediate(
      method, [this, method, answer = std::move(answer)](const Json& params) -> std::string {
        const auto envelope = read_envelope(params);
        if (!envelope || !tasks_) {
          throw RpcError(jsonrpc::code::kMethodNotFound, "Method not found: " + method);
        }
        if (!declares_tasks(*envelope)) {
          throw RpcError(
              kMissingRequiredClientCapability,
              method + " needs the " + std::string(kTasksExtension) +
                  " extension declared in this request's clientCapabilities",
              Json{{"requiredCapabilities",
                    {{"extensions", {{std::string(kTasksExtension), Json::object()}}}}}});
        }
        const auto id = params.find("taskId");
        if (id == params.end() || !id->is_string()) {
          throw RpcError(jsonrpc::code::kInvalidParams,
                         "Invalid params: \"taskId\" must be a string");
        }
        return to_line(modern_.stamp(answer(*envelope, id->get<std::string>(), params)));
      });
}

void McpServer::serve_fixed(const std::string& method, const Json& result) {
  peer_->on_request_immediate(
      method, [legacy = to_line(result), modern = to_line(modern_.stamp(result, kFixedCache))](
                  const Json& params) { return read_envelope(params) ? modern : legacy; });
}

Json McpServer::discover() const {
  Json result = {
      {"supportedVersions", modern_protocol_versions()},
      {"capabilities", capabilities()},
  };
  if (tasks_) {
    result["capabilities"]["extensions"] = {{std::string(kTasksExtension), Json::object()}};
  }
  if (!info_.instructions.empty()) result["instructions"] = info_.instructions;
  return result;
}

Json McpServer::capabilities() {
  // Only what is served (the tasks extension is added to server/discover's: modern only).
  return {{"tools", {{"listChanged", false}}},
          {"resources", {{"subscribe", false}, {"listChanged", false}}}};
}

Json McpServer::initialize(const Json& params) {
  if (params.is_object() && params.contains("protocolVersion") &&
      !params["protocolVersion"].is_string()) {
    throw RpcError(jsonrpc::code::kInvalidParams,
                   "Invalid params: \"protocolVersion\" must be a string");
  }
  const auto requested = params.is_object() ? params.value("protocolVersion", std::string()) : "";
  const auto* match = std::find(std::begin(kSupportedProtocolVersions),
                                std::end(kSupportedProtocolVersions), requested);
  protocol_version_ = match != std::end(kSupportedProtocolVersions)
                          ? requested
                          : std::string(std::end(kSupportedProtocolVersions)[-1]);
  client_->declared(params.is_object() ? params.value("capabilities", Json()) : Json());
  if (params.is_object() && params.contains("clientInfo")) {
    spdlog::info("client {} asked for protocol {}, using {}",
                 jsonrpc::to_line(params["clientInfo"]), requested, protocol_version_);
  }
  Json result = {
      {"protocolVersion", protocol_version_},
      {"capabilities", capabilities()},
      {"serverInfo", {{"name", info_.name}, {"title", info_.title}, {"version", info_.version}}},
  };
  if (!info_.instructions.empty()) result["instructions"] = info_.instructions;
  return result;
}

Json McpServer::list_tools() const {
  Json tools = Json::array();
  for (const auto& tool : tools_) tools.push_back(tool.descriptor);
  return {{"tools", std::move(tools)}};
}

Json McpServer::list_resources() const {
  Json resources = Json::array();
  for (const auto& resource : resources_) resources.push_back(resource.descriptor);
  return {{"resources", std::move(resources)}};
}

Json McpServer::list_resource_templates() const {
  Json templates = Json::array();
  for (const auto& family : templates_) templates.push_back(family.descriptor);
  return {{"resourceTemplates", std::move(templates)}};
}

Json McpServer::read_resource(const Json& params) const {
  if (!params.is_object() || !params.contains("uri") || !params["uri"].is_string()) {
    throw RpcError(jsonrpc::code::kInvalidParams, "Invalid params: \"uri\" must be a string");
  }
  const auto& uri = params["uri"];
  const auto resource =
      std::find_if(resources_.begin(), resources_.end(),
                   [&](const ResourceDefinition& r) { return r.descriptor["uri"] == uri; });
  const auto answer = [&](std::string text, const Json& descriptor) {
    Json content = {{"uri", uri}, {"text", std::move(text)}};
    if (descriptor.contains("mimeType")) content["mimeType"] = descriptor["mimeType"];
    return Json{{"contents", Json::array({std::move(content)})}};
  };
  if (resource != resources_.end()) return answer(resource->read(), resource->descriptor);
  for (const auto& family : templates_) {
    try {
      if (auto text = family.read(uri.get<std::string>())) {
        return answer(std::move(*text), family.descriptor);
      }
    } catch (const ResourceUnavailable& e) {
      throw RpcError(jsonrpc::code::kResourceNotFound, e.what(), Json{{"uri", uri}});
    }
  }
  // The code MCP gives an unknown resource.
  throw RpcError(jsonrpc::code::kResourceNotFound, "Resource not found: " + uri.get<std::string>(),
                 Json{{"uri", uri}});
}

asio::awaitable<std::string> McpServer::answer_tool_call(Json params) {
  const auto envelope = read_envelope(params);
  const bool modern = envelope.has_value();
  // A task only for a request that declares the extension itself, and only for the tools
  // the source runs as tasks; everything else is answered as before.
  if (modern && tasks_ && declares_tasks(*envelope) && params.contains("name") &&
      params["name"].is_string() && tasks_->runs_as_task(params["name"].get<std::string>())) {
    auto arguments = params.value("arguments", Json::object());
    if (arguments.is_null()) arguments = Json::object();
    co_return co_await call_tool_as_task(params["name"].get<std::string>(), std::move(arguments));
  }
  auto result = co_await call_tool(std::move(params));
  co_return modern ? modern_.stamp_serialized(result) : result;
}

asio::awaitable<std::string> McpServer::call_tool(Json params) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    throw RpcError(jsonrpc::code::kInvalidParams, "Invalid params: \"name\" must be a string");
  }
  const auto name = params["name"].get<std::string>();
  const auto tool = std::find_if(tools_.begin(), tools_.end(), [&](const ToolDefinition& t) {
    return t.descriptor["name"] == name;
  });
  if (tool == tools_.end()) {
    throw RpcError(jsonrpc::code::kInvalidParams, "Unknown tool: " + name);
  }
  Json arguments = params.value("arguments", Json::object());
  if (arguments.is_null()) arguments = Json::object();
  if (!arguments.is_object()) {
    co_return make_tool_error("INVALID_ARGUMENT", "arguments must be a JSON object");
  }
  Json progress_token;
  if (const auto meta = params.find("_meta"); meta != params.end() && meta->is_object()) {
    progress_token = meta->value("progressToken", Json());
  }
  ToolCallContext context(progress_token, [peer = peer_](const Json& progress) {
    peer->notify("notifications/progress", progress);
  });
  try {
    co_return make_tool_result(co_await tool->handler(std::move(arguments), context));
  } catch (const ToolError& e) {
    co_return make_tool_error(e.code(), e.what());
  } catch (const boost::system::system_error& e) {
    if (e.code() == asio::error::operation_aborted) throw;  // cancelled: no reply at all
    spdlog::error("tool {} failed: {}", name, e.what());
    co_return make_tool_error("INTERNAL", e.what());
  } catch (const RpcError& e) {
    // A call to the codex child that failed and that the tool did not translate: still a
    // tool failure, never a transport error (the contract keeps the channel healthy).
    co_return make_tool_error(tool_error_code(e), std::string("codex app-server: ") + e.what());
  } catch (const std::exception& e) {
    // A bug, not a user error: report it as a tool failure so the connection stays usable.
    spdlog::error("tool {} failed: {}", name, e.what());
    co_return make_tool_error("INTERNAL", e.what());
  }
}

asio::awaitable<std::string> McpServer::call_tool_as_task(std::string name, Json arguments) {
  // A start that fails (a bad argument, no codex, a busy or unknown session) is answered
  // with the tool's isError result at once, not with a task: no turn exists for a task to
  // follow, the model needs the message to fix its call now, and a task born failed would
  // only cost the client a poll and hide the message in a background notification.
  if (!arguments.is_object()) {
    co_return modern_.stamp_serialized(
        make_tool_error("INVALID_ARGUMENT", "arguments must be a JSON object"));
  }
  std::pair<std::string, TaskView> started;
  try {
    started = co_await tasks_->start(name, std::move(arguments));
  } catch (const ToolError& e) {
    co_return modern_.stamp_serialized(make_tool_error(e.code(), e.what()));
  } catch (const boost::system::system_error& e) {
    if (e.code() == asio::error::operation_aborted) throw;  // cancelled: no reply at all
    spdlog::error("tool {} failed: {}", name, e.what());
    co_return modern_.stamp_serialized(make_tool_error("INTERNAL", e.what()));
  } catch (const RpcError& e) {
    co_return modern_.stamp_serialized(
        make_tool_error(tool_error_code(e), std::string("codex app-server: ") + e.what()));
  } catch (const std::exception& e) {
    spdlog::error("tool {} failed: {}", name, e.what());
    co_return modern_.stamp_serialized(make_tool_error("INTERNAL", e.what()));
  }
  // The task object itself is the result, with its own resultType.
  auto task = modern_.stamp(task_json(started.first, started.second));
  task["resultType"] = "task";
  co_return to_line(task);
}

}  // namespace codex_mcp::mcp
