// libFuzzer target: tools/call arguments into the tool decoders. The input's first line
// names the tool (codex_setup, codex, codex_reply, codex_session, codex_check; anything
// else is an unknown tool), the rest is the `arguments` value as JSON text. It reaches the
// decoders the way a client's call does: inside a tools/call line through the MCP server.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mcp_driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  auto arguments = std::string(input.substr(newline + 1));
  // One line on the wire: a raw newline would split it (the framing is fuzzed elsewhere).
  for (auto& c : arguments) {
    if (c == '\n') c = ' ';
  }
  const codex_mcp::fuzz::Json name = std::string(input.substr(0, newline));
  codex_mcp::fuzz::drive_mcp_server(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":)" +
      name.dump(-1, ' ', false, codex_mcp::fuzz::Json::error_handler_t::replace) +
      R"(,"arguments":)" + arguments + R"(,"_meta":{"progressToken":"p1"}}})" + "\n");
  return 0;
}
