// libFuzzer target: client lines into the MCP server (jsonrpc::Peer's receive path, the
// handshake, cancellation, resources, tools/call). The input is what a client writes on
// the server's stdin: one or more newline-separated lines.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mcp_driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  codex_mcp::fuzz::drive_mcp_server({reinterpret_cast<const char*>(data), size});
  return 0;
}
