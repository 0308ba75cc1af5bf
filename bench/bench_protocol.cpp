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

/// The session path under load: the fake app-server floods 100k agent-message deltas;
/// how fast the server ingests them (start → turn idle) and its peak RSS meanwhile; then
/// the round trip of codex_check poll and codex_session list against a live session.
void flood(const std::string& fake) {
  McpProcess server(CODEX_MCP_BINARY, {},
                    {"CODEX_MCP_STATE_DIR=/tmp/codex-mcp-bench-state", "CODEX_MCP_PATH=" + fake,
                     "FAKE_CODEX_SCENARIO=flood", "FAKE_CODEX_DELTAS=100000",
                     "CODEX_HOME=/tmp/codex-mcp-bench-home"});
  server.initialize();
  const auto start = Clock::now();
  const auto started = server.call_tool(
      "codex", {{"prompt", "flood"}, {"approvalPolicy", "never"}, {"sandbox", "read-only"}});
  const auto sid = started["result"]["structuredContent"]["sessionId"];
  long peak = 0;
  int id = 5000;
  for (;;) {
    peak = std::max(peak, codex_mcp::testing::rss_kib(server.pid()));
    server.send(
        {{"jsonrpc", "2.0"},
         {"id", ++id},
         {"method", "tools/call"},
         {"params",
          {{"name", "codex_session"}, {"arguments", {{"action", "get"}, {"sessionId", sid}}}}}});
    const auto info = server.read_response(id);
    if (!info || (*info)["result"]["structuredContent"]["status"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%-28s %8.0f events/s  (100k deltas in %.2f s, spawn included)\n",
              "flood ingest via fake", 100000 / seconds, seconds);
  std::printf("%-28s %8ld KiB\n", "peak RSS during flood", peak);
  for (const auto& [label, arguments] : std::vector<std::pair<std::string, Json>>{
           {"codex_check poll", {{"action", "poll"}, {"sessionId", sid}, {"cursor", 0}}},
           {"codex_session list", {{"action", "list"}}}}) {
    const std::string name = label.substr(0, label.find(' '));
    std::vector<double> samples;
    for (int i = 0; i < 1000; ++i) {
      const auto t0 = Clock::now();
      server.call_tool(name, arguments);
      samples.push_back(micros(Clock::now() - t0));
    }
    std::sort(samples.begin(), samples.end());
    std::printf("%-28s median %8.1f us   p99 %8.1f us   (1000 calls, client-observed)\n",
                (label + " round trip").c_str(), samples[500], samples[990]);
  }
}

int main(int argc, char** argv) {
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
  if (argc > 1) flood(argv[1]);  // path of tests/fixtures/fake_app_server.mjs
  return 0;
}
