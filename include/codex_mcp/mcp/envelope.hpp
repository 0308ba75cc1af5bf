// The two MCP eras of one request, and what the modern one (2026-07-28) asks of a result.
//
// A modern request carries its protocol version and client capabilities in its own
// `params._meta` (the envelope); there is no handshake and nothing is remembered between
// requests. A request without an envelope is legacy (2025: initialize, then plain
// requests). read_envelope() decides the era of one request from its params alone;
// ModernResults adds what a modern result must carry. Nothing here knows about tools or
// sessions. Threading: no shared state (ModernResults is immutable once built), any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace codex_mcp::mcp {

using Json = nlohmann::json;

/// The modern revisions we serve (the SDK lists only these in server/discover).
inline constexpr std::string_view kModernProtocolVersions[] = {"2026-07-28"};
/// The same, as a JSON array (DiscoverResult.supportedVersions, -32022's data.supported).
Json modern_protocol_versions();

/// What a modern request declares about itself. Capabilities are per request: a decision
/// that depends on them is taken from this request's envelope, never from an earlier one.
struct RequestEnvelope {
  std::string protocol_version;
  Json client_capabilities;  ///< an object
  Json client_info;          ///< {name, version, ...}, or null when not sent
};

/// The era of one request: its envelope when `params._meta` claims a modern revision
/// (holds `io.modelcontextprotocol/protocolVersion`, the SDK's test), nullopt (legacy)
/// otherwise. A claim with a missing or malformed key throws RpcError -32602 naming the
/// first problem (the SDK's message and `data.envelope {key, problem}`); then a version
/// we don't serve throws -32022 with `data {supported, requested}`.
std::optional<RequestEnvelope> read_envelope(const Json& params);

/// Freshness a cacheable modern result declares (server/discover, the lists,
/// resources/read).
struct CacheHint {
  std::int64_t ttl_ms = 0;
  std::string_view scope = "private";  ///< "public" or "private"
};

/// Stamps modern results: `resultType`, our identity in
/// `_meta["io.modelcontextprotocol/serverInfo"]`, and cache hints where given.
class ModernResults {
 public:
  ModernResults(std::string server_name, std::string server_version);

  Json stamp(Json result, std::optional<CacheHint> cache = std::nullopt) const;
  /// The same for a result that is already JSON text (a tool result, possibly large): the
  /// fields are spliced in front of the object's members, without parsing it. The text
  /// must be an object without those fields of its own (our CallToolResults are).
  std::string stamp_serialized(std::string_view result) const;

 private:
  Json meta_;           ///< {"io.modelcontextprotocol/serverInfo": {name, version}}
  std::string prefix_;  ///< `"resultType":"complete","_meta":{…}` as text
};

/// The code a modern request gets for an error raised as `code`: -32002 (resource not
/// found) became -32602 in 2026-07-28; the rest are the same.
int modern_error_code(int code);

}  // namespace codex_mcp::mcp
