#include "codex_mcp/mcp/envelope.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "codex_mcp/jsonrpc/errors.hpp"
#include "codex_mcp/util/json_text.hpp"

namespace codex_mcp::mcp {

namespace {

constexpr std::string_view kVersionKey = "io.modelcontextprotocol/protocolVersion";
constexpr std::string_view kCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";
constexpr std::string_view kClientInfoKey = "io.modelcontextprotocol/clientInfo";
constexpr std::string_view kLogLevelKey = "io.modelcontextprotocol/logLevel";
constexpr std::array kLogLevels = {"debug", "info",     "notice", "warning",
                                   "error", "critical", "alert",  "emergency"};

struct Issue {
  std::string key;
  std::string problem;
};

// The wording of the SDK's schema checks (zod), so a client sees the same text from us.
std::string expected(std::string_view type, const Json* value) {
  return "Invalid input: expected " + std::string(type) + ", received " +
         (value ? value->type_name() : "undefined");
}

void check_type(std::vector<Issue>& issues, const Json& meta, std::string_view key,
                std::string_view type, bool (Json::*is_type)() const noexcept) {
  const auto it = meta.find(key);
  if (it != meta.end() && !((*it).*is_type)()) {
    issues.push_back({std::string(key), expected(type, &*it)});
  }
}

// Every problem in the SDK's order (missing keys first); the first one is reported.
std::vector<Issue> envelope_issues(const Json& meta) {
  std::vector<Issue> issues;
  for (const auto key : {kVersionKey, kCapabilitiesKey}) {
    if (!meta.contains(key)) issues.push_back({std::string(key), "missing"});
  }
  check_type(issues, meta, kVersionKey, "string", &Json::is_string);
  check_type(issues, meta, kCapabilitiesKey, "object", &Json::is_object);
  if (const auto info = meta.find(kClientInfoKey); info != meta.end()) {
    if (!info->is_object()) {
      issues.push_back({std::string(kClientInfoKey), expected("object", &*info)});
    } else {
      for (const auto* field : {"name", "version"}) {
        const auto value = info->find(field);
        if (value == info->end() || !value->is_string()) {
          issues.push_back({std::string(kClientInfoKey) + "." + field,
                            expected("string", value == info->end() ? nullptr : &*value)});
        }
      }
    }
  }
  if (const auto level = meta.find(kLogLevelKey); level != meta.end()) {
    const bool known = level->is_string() &&
                       std::find(kLogLevels.begin(), kLogLevels.end(), level->get<std::string>()) !=
                           kLogLevels.end();
    if (!known) {
      std::string problem = "Invalid option: expected one of ";
      for (const auto* name : kLogLevels) {
        if (problem.back() != ' ') problem.append("|");
        problem.append("\"").append(name).append("\"");
      }
      issues.push_back({std::string(kLogLevelKey), problem});
    }
  }
  if (const auto token = meta.find("progressToken");
      token != meta.end() && !token->is_string() && !token->is_number_integer()) {
    issues.push_back({"progressToken", "Invalid input"});
  }
  return issues;
}

[[noreturn]] void reject(const Issue& issue) {
  std::string message = "Invalid _meta envelope for protocol revision ";
  message.append(kModernProtocolVersions[0]).append(": ");
  message.append(issue.key).append(": ").append(issue.problem);
  throw jsonrpc::RpcError(jsonrpc::code::kInvalidParams, message,
                          Json{{"envelope", {{"key", issue.key}, {"problem", issue.problem}}}});
}

}  // namespace

Json modern_protocol_versions() {
  Json versions = Json::array();
  for (const auto version : kModernProtocolVersions) versions.push_back(version);
  return versions;
}

std::optional<RequestEnvelope> read_envelope(const Json& params) {
  if (!params.is_object()) return std::nullopt;
  const auto meta = params.find("_meta");
  // As in the SDK, the version key is the claim: without it a request is legacy (a 2025
  // client may well send _meta, with a progressToken).
  if (meta == params.end() || !meta->is_object() || !meta->contains(kVersionKey)) {
    return std::nullopt;
  }
  // The SDK's order: a malformed envelope first (naming its first problem), then the
  // version.
  if (const auto issues = envelope_issues(*meta); !issues.empty()) reject(issues.front());
  const auto requested = (*meta)[kVersionKey].get<std::string>();
  if (std::find(std::begin(kModernProtocolVersions), std::end(kModernProtocolVersions),
                requested) == std::end(kModernProtocolVersions)) {
    throw jsonrpc::RpcError(
        jsonrpc::code::kUnsupportedProtocolVersion, "Unsupported protocol version: " + requested,
        Json{{"supported", modern_protocol_versions()}, {"requested", requested}});
  }
  return RequestEnvelope{
      .protocol_version = requested,
      .client_capabilities = (*meta)[kCapabilitiesKey],
      .client_info = meta->value(kClientInfoKey, Json()),
  };
}

ModernResults::ModernResults(std::string server_name, std::string server_version)
    : meta_({{"io.modelcontextprotocol/serverInfo",
              {{"name", std::move(server_name)}, {"version", std::move(server_version)}}}}) {
  prefix_ = R"("resultType":"complete","_meta":)" + util::json_text(meta_);
}

Json ModernResults::stamp(Json result, std::optional<CacheHint> cache) const {
  result["resultType"] = "complete";
  if (cache) {
    result["ttlMs"] = cache->ttl_ms;
    result["cacheScope"] = cache->scope;
  }
  auto& meta = result["_meta"];  // a result's own _meta keeps its keys
  if (!meta.is_object()) meta = Json::object();
  meta.update(meta_);
  return result;
}

std::string ModernResults::stamp_serialized(std::string_view result) const {
  if (result.empty() || result.front() != '{') return std::string(result);  // not an object
  std::string stamped;
  stamped.reserve(result.size() + prefix_.size() + 2);
  stamped.append("{").append(prefix_);
  const auto members = result.substr(1);  // after the opening brace
  if (members.empty() || members.front() != '}') stamped.append(",");
  stamped.append(members);
  return stamped;
}

int modern_error_code(int code) {
  return code == jsonrpc::code::kResourceNotFound ? jsonrpc::code::kInvalidParams : code;
}

}  // namespace codex_mcp::mcp
