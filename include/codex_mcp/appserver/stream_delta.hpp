// Streaming deltas: the one notification codex sends by the hundred thousand.
//
// A turn streams its answer, its reasoning and its commands' output as tiny
// notifications ({"method":"item/agentMessage/delta","params":{"threadId","turnId",
// "itemId","delta"},"emittedAtMs":N}). Building a JSON document for each costs more than
// everything else the server does with it, so the app-server client first offers every
// line to parse_stream_delta: a strict scanner that takes exactly this shape and decodes
// the two fields used, without a document. Anything else, including anything it is unsure
// of (a value of another type, a bad escape, invalid UTF-8), is left to the full parser,
// which then decides as it always did: the fast path changes speed, never meaning.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace codex_mcp::appserver {

/// The streaming notifications, each coalesced per item in a session's event ring.
bool is_stream_delta_method(std::string_view method);

struct StreamDelta {
  std::string_view method;  ///< one of the stream delta methods (static storage)
  std::string item_id;
  std::string delta;
};

/// The delta notification on this line, or nullopt when the line is anything else or not
/// plainly of the expected shape (the caller then parses it in full).
std::optional<StreamDelta> parse_stream_delta(std::string_view line);

}  // namespace codex_mcp::appserver
