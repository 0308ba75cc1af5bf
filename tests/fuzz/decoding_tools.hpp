// The five tools as the fuzz targets serve them: the real descriptors, and handlers that do
// what the real ones do with their arguments before a session is involved (decode, then
// derive what goes to codex: `-c` overrides, the output schema, approval answers). A
// session and its codex child are not part of an in-process target: the sequence fuzzer
// drives those through the built binary.
#pragma once

#include <stdexcept>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "codex_mcp/codex/toml.hpp"
#include "codex_mcp/jsonrpc/errors.hpp"
#include "codex_mcp/mcp/tool.hpp"
#include "codex_mcp/session/server_requests.hpp"
#include "codex_mcp/tools/requests.hpp"
#include "codex_mcp/tools/schemas.hpp"
#include "fuzz_support.hpp"

namespace codex_mcp::fuzz {

inline boost::asio::awaitable<mcp::ToolReply> decode_start_tool(Json arguments,
                                                                mcp::ToolCallContext&) {
  const auto request = tools::decode_start(arguments);
  try {
    (void)codex::config_override_args(request.config_overrides);
  } catch (const std::invalid_argument&) {
    // A value TOML cannot hold (null): the real start fails with this as its error.
  }
  if (request.turn.output_schema) (void)jsonrpc::to_line(*request.turn.output_schema);
  co_return mcp::ToolReply{{"prompt", request.prompt}};
}

inline boost::asio::awaitable<mcp::ToolReply> decode_reply_tool(Json arguments,
                                                                mcp::ToolCallContext&) {
  const auto request = tools::decode_reply(arguments);
  if (request.turn.output_schema) (void)jsonrpc::to_line(*request.turn.output_schema);
  co_return mcp::ToolReply{{"sessionId", request.session_id}};
}

inline boost::asio::awaitable<mcp::ToolReply> decode_setup_tool(Json arguments,
                                                                mcp::ToolCallContext&) {
  const auto request = tools::decode_setup(arguments);
  co_return mcp::ToolReply{{"cwd", request.cwd.value_or("")}};
}

inline boost::asio::awaitable<mcp::ToolReply> decode_session_tool(Json arguments,
                                                                  mcp::ToolCallContext&) {
  const auto request = tools::decode_session(arguments);
  co_return mcp::ToolReply{{"action", request.action}};
}

inline boost::asio::awaitable<mcp::ToolReply> decode_check_tool(Json arguments,
                                                                mcp::ToolCallContext& context) {
  const auto request = tools::decode_check(arguments);
  context.report_progress("decoded");  // a tool that waits reports progress (long-poll)
  if (request.action == "respond_permission") {
    for (const auto kind :
         {session::ActionKind::command_approval, session::ActionKind::file_change_approval}) {
      try {
        (void)jsonrpc::to_line(session::permission_answer(kind, *request.decision,
                                                          request.execpolicy_amendment,
                                                          request.network_policy_amendment));
      } catch (const mcp::ToolError&) {
        // a decision this kind of approval does not take: the caller is told so
      }
    }
  } else if (request.action == "respond_user_input") {
    (void)jsonrpc::to_line(session::user_input_answer(*request.answers));
  }
  co_return mcp::ToolReply{{"action", request.action}};
}

inline std::vector<mcp::ToolDefinition> decoding_tools() {
  return {{tools::codex_setup_descriptor(), decode_setup_tool},
          {tools::codex_descriptor(), decode_start_tool},
          {tools::codex_reply_descriptor(), decode_reply_tool},
          {tools::codex_session_descriptor(), decode_session_tool},
          {tools::codex_check_descriptor(), decode_check_tool}};
}

}  // namespace codex_mcp::fuzz
