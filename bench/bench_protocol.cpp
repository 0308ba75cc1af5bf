// Protocol benchmark: prints figures, asserts nothing (machines here are shared and noisy).
//   time from spawn to the initialize answer, idle RSS, and the round trip of ping and
//   tools/list over pipes (median and p99 over many calls). With the fake app-server: its
//   flood ingest, then where the time of a round trip goes (2025 and 2026-07-28 requests):
//   the server's own share of each request (from its debug log, "answered <method> <id> in
//   N us": parse, handler and serialisation) next to what the client observes (plus pipes,
//   threads and its parse).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
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

struct Spread {
  double median = 0, p99 = 0;
};

Spread spread(std::vector<double> samples) {
  if (samples.empty()) return {};
  std::sort(samples.begin(), samples.end());
  return {samples[samples.size() / 2], samples[samples.size() * 99 / 100]};
}

struct RoundTrips {
  std::vector<double> micros;   ///< client-observed, one per call
  std::size_t reply_bytes = 0;  ///< the size of the last reply's line
};

/// Sends `count` requests (ids first, first + 1, ...) one at a time.
RoundTrips round_trips(McpProcess& server, const std::string& method, const Json& params, int first,
                       int count) {
  RoundTrips out;
  for (int id = first; id < first + count; ++id) {
    const auto start = Clock::now();
    server.send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    const auto reply = server.read_response(id);
    if (!reply) {
      std::fprintf(stderr, "no answer to %s\n", method.c_str());
      break;
    }
    out.micros.push_back(micros(Clock::now() - start));
    if (id == first + count - 1) out.reply_bytes = reply->dump().size();
  }
  server.skipped.clear();
  return out;
}

void report_round_trips(McpProcess& server, const std::string& method, int count) {
  const auto s = spread(round_trips(server, method, Json::object(), 0, count).micros);
  std::printf("%-28s median %8.1f us   p99 %8.1f us   (%d calls, client-observed)\n",
              (method + " round trip").c_str(), s.median, s.p99, count);
}

/// The server's own time per request id, from its debug lines on stderr.
std::map<long, double> server_times(const std::string& logs) {
  std::map<long, double> times;
  std::istringstream lines(logs);
  std::string line;
  const std::string marker = "[mcp] answered ";
  while (std::getline(lines, line)) {
    const auto at = line.find(marker);
    if (at == std::string::npos) continue;
    std::istringstream fields(line.substr(at + marker.size()));
    std::string method, id, in, unit;
    double us = 0;
    if (fields >> method >> id >> in >> us >> unit && unit == "us") {
      try {
        times[std::stol(id)] = us;
      } catch (const std::exception&) {
        // a string id: not one of ours
      }
    }
  }
  return times;
}

}  // namespace

/// The session path under load: the fake app-server floods 100k agent-message deltas;
/// how fast the server ingests them (start → turn idle) and its peak RSS meanwhile; then
/// the round trip of codex_check poll and codex_session list against a live session,
/// split into the server's share and the rest.
void flood(const std::string& fake) {
  // Debug logging makes the server time each request; it costs each request a write to
  // stderr (a few µs), so these round trips read a little above the ones printed above.
  McpProcess server(CODEX_MCP_BINARY, {},
                    {"CODEX_MCP_STATE_DIR=/tmp/codex-mcp-bench-state", "CODEX_MCP_PATH=" + fake,
                     "FAKE_CODEX_SCENARIO=flood", "FAKE_CODEX_DELTAS=100000",
                     "CODEX_HOME=/tmp/codex-mcp-bench-home", "CODEX_MCP_LOG_LEVEL=debug"});
  server.initialize();
  const auto cpu_before = codex_mcp::testing::cpu_seconds(server.pid());
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
  // The Node producer shares the 2 cores: the server's own CPU time says what it could take.
  const auto cpu = codex_mcp::testing::cpu_seconds(server.pid()) - cpu_before;
  std::printf("%-28s %8.0f events/s  (%.2f s of server CPU for 100k deltas and the polling)\n",
              "server capacity (CPU)", 100000 / cpu, cpu);
  std::printf("%-28s %8ld KiB\n", "peak RSS during flood", peak);

  // Where a client that keeps up polls from: one past the newest event.
  const auto info = server.call_tool(
      "codex_session", {{"action", "get"}, {"sessionId", sid}})["result"]["structuredContent"];
  const auto head = info.value("lastEventId", std::int64_t{0}) + 1;
  // A poll that brings one ordinary new event: the last small one of the turn.
  std::int64_t small_event = 0;
  const auto all = server.call_tool("codex_check", {{"action", "poll"},
                                                    {"sessionId", sid},
                                                    {"cursor", 0},
                                                    {"maxEvents", 1000},
                                                    {"responseMode", "full"},
                                                    {"pollOptions", {{"includeResult", false}}}});
  const auto events = all["result"]["structuredContent"]["events"];
  for (const auto& event : events) {
    if (event.dump().size() < 1024) small_event = event["id"].get<std::int64_t>();
  }
  struct Case {
    std::string label, method;
    Json params;
  };
  // A 2026-07-28 request: the same call with the envelope every modern request carries.
  const Json envelope = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                         {"io.modelcontextprotocol/clientCapabilities", Json::object()}};
  const std::vector<Case> cases = {
      {"ping", "ping", Json::object()},
      {"tools/list", "tools/list", Json::object()},
      {"tools/list (2026)", "tools/list", {{"_meta", envelope}}},
      {"poll, one new event",
       "tools/call",
       {{"name", "codex_check"},
        {"arguments",
         {{"action", "poll"},
          {"sessionId", sid},
          {"cursor", small_event},
          {"pollOptions", {{"includeResult", false}}}}}}},
      {"poll from 0 (flood)",
       "tools/call",
       {{"name", "codex_check"},
        {"arguments", {{"action", "poll"}, {"sessionId", sid}, {"cursor", 0}}}}},
      {"poll at the head",
       "tools/call",
       {{"name", "codex_check"},
        {"arguments",
         {{"action", "poll"},
          {"sessionId", sid},
          {"cursor", head},
          {"pollOptions", {{"includeResult", false}}}}}}},
      {"codex_session list",
       "tools/call",
       {{"name", "codex_session"}, {"arguments", {{"action", "list"}}}}},
      {"session list (2026)",
       "tools/call",
       {{"name", "codex_session"}, {"arguments", {{"action", "list"}}}, {"_meta", envelope}}}};
  constexpr int kCalls = 1000;
  std::vector<std::pair<std::string, RoundTrips>> clients;
  int first = 100000;
  for (const auto& c : cases) {
    clients.emplace_back(c.label, round_trips(server, c.method, c.params, first, kCalls));
    first += kCalls;
  }
  // A last round trip: the server logs a request's time right after replying to it, so
  // the previous line is surely written once this one is answered.
  round_trips(server, "ping", Json::object(), first, 1);
  const auto times = server_times(server.stderr_text());
  std::printf("\nwhere a round trip goes (%d calls each, on the debug-logging server above):\n",
              kCalls);
  std::printf("  %-20s %10s %10s %12s %10s %10s\n", "request", "client", "client", "server",
              "server", "reply");
  std::printf("  %-20s %10s %10s %12s %10s %10s\n", "", "median", "p99", "median", "p99", "bytes");
  first = 100000;
  for (const auto& [label, trips] : clients) {
    const auto& client = trips.micros;
    std::vector<double> own;
    for (int i = first; i < first + kCalls; ++i) {
      if (const auto it = times.find(i); it != times.end()) own.push_back(it->second);
    }
    first += kCalls;
    const auto c = spread(client);
    const auto s = spread(own);
    std::printf("  %-20s %7.1f us %7.1f us %9.1f us %7.1f us %10zu%s\n", label.c_str(), c.median,
                c.p99, s.median, s.p99, trips.reply_bytes,
                own.size() == client.size() ? "" : "  (server lines missing)");
  }
  std::printf(
      "  server: from the request line to its reply handed to the writer thread; the rest\n"
      "  is pipes, the reader/writer threads and the client's own parse of the answer.\n"
      "  poll from 0 (flood): the contract's default poll (one event and the result) after\n"
      "  the flood: the result's 100 KB text goes twice (content text and structuredContent),\n"
      "  so its time goes with its size.\n");
}

int main(int argc, char** argv) {
  std::filesystem::remove_all("/tmp/codex-mcp-bench-state");  // sessions of earlier runs
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
