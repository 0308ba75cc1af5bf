// Protocol benchmark: prints figures, asserts nothing (machines here are shared and noisy).
//   time from spawn to the initialize answer, idle RSS, and the round trip of ping and
//   tools/list over pipes (median and p99 over many calls).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "mcp_process.hpp"

using codex_mcp::testing::Json;
using codex_mcp::testing::McpProcess;
using Clock = std::chrono::steady_clock;

namespace {

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

void report_round_trips(McpProcess& server, const std::string& method, int count) {
  std::vector<double> samples;
  for (int i = 0; i < count; ++i) {
    const auto start = Clock::now();
    server.send({{"jsonrpc", "2.0"}, {"id", i}, {"method", method}, {"params", Json::object()}});
    if (!server.read_response(i)) {
      std::fprintf(stderr, "no answer to %s\n", method.c_str());
      return;
    }
    samples.push_back(micros(Clock::now() - start));
  }
  std::sort(samples.begin(), samples.end());
  std::printf("%-28s median %8.1f us   p99 %8.1f us   (%d calls, client-observed)\n",
              (method + " round trip").c_str(), samples[samples.size() / 2],
              samples[samples.size() * 99 / 100], count);
}

}  // namespace

int main() {
  std::vector<double> init_times;
  for (int run = 0; run < 10; ++run) {
    const auto start = Clock::now();
    McpProcess server(CODEX_MCP_BINARY, {}, {"CODEX_MCP_STATE_DIR=/tmp/codex-mcp-bench-state"});
    server.initialize();
    init_times.push_back(micros(Clock::now() - start) / 1000.0);
  }
  std::sort(init_times.begin(), init_times.end());
  std::printf("%-28s median %8.2f ms   max %8.2f ms   (10 spawns)\n", "spawn -> initialize answer",
              init_times[init_times.size() / 2], init_times.back());

  McpProcess server(CODEX_MCP_BINARY, {}, {"CODEX_MCP_STATE_DIR=/tmp/codex-mcp-bench-state"});
  server.initialize();
  report_round_trips(server, "ping", 2000);
  report_round_trips(server, "tools/list", 2000);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::printf("%-28s %8ld KiB\n", "idle RSS", codex_mcp::testing::rss_kib(server.pid()));
  return 0;
}
