// Start-latency benchmark: prints figures, asserts nothing (machines here are shared and
// noisy). A session start is the `codex` tool call until its answer (with the sessionId);
// against the real pinned codex and the mock model (an offline CODEX_HOME, as the
// end-to-end tests set up), it runs N starts with and without a pre-warmed spare
// app-server (--prewarm 0 / 1) and prints, per setting, the median and p90 of the whole
// start as the client sees it and of each phase as the server logs it at debug level
// ("start phases: open=… spawn=… initialize=… thread/start=… turn/start=… persist=…").
// Then the spare's own cost while idle: its RSS and the CPU it uses over a few seconds.
//
//   bench_start [N=20] [prewarm settings, e.g. "0,1"]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "mcp_process.hpp"
#include "mock_codex_config.hpp"

using codex_mcp::testing::Json;
using codex_mcp::testing::McpProcess;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string kSource = CODEX_MCP_SOURCE_DIR;
const std::string kCodex = kSource + "/.deps/npm/node_modules/.bin/codex";

struct Spread {
  double median = 0, p90 = 0;
};

Spread spread(std::vector<double> samples) {
  if (samples.empty()) return {};
  std::sort(samples.begin(), samples.end());
  return {samples[samples.size() / 2], samples[samples.size() * 9 / 10]};
}

/// The mock model on 127.0.0.1 and a CODEX_HOME pointing codex at it.
struct Offline {
  fs::path root;
  std::unique_ptr<McpProcess> model;

  Offline() {
    root = fs::temp_directory_path() / ("codex-mcp-bench-start-" + std::to_string(::getpid()));
    for (const char* sub : {"work", "home", "user"}) fs::create_directories(root / sub);
    std::ofstream(root / "rules.json") << R"({"rules":[]})";
    model = std::make_unique<McpProcess>(
        "/usr/bin/env", std::vector<std::string>{"node", kSource + "/tests/fixtures/mock_model.mjs",
                                                 "--script", (root / "rules.json").string(),
                                                 "--port-file", (root / "port").string()});
    for (int i = 0; i < 300 && !fs::exists(root / "port"); ++i) std::this_thread::sleep_for(50ms);
    std::string port;
    std::ifstream(root / "port") >> port;
    if (port.empty()) throw std::runtime_error("the mock model did not start");
    std::ofstream(root / "home" / "config.toml")
        << codex_mcp::testing::mock_codex_config(port, "never");
  }
  ~Offline() {
    model.reset();
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  std::unique_ptr<McpProcess> server(int prewarm, const std::string& state) const {
    auto server = std::make_unique<McpProcess>(
        CODEX_MCP_BINARY, std::vector<std::string>{},
        std::vector<std::string>{
            "CODEX_HOME=" + (root / "home").string(), "HOME=" + (root / "user").string(),
            "CODEX_MCP_PATH=" + kCodex, "CODEX_MCP_STATE_DIR=" + (root / state).string(),
            "CODEX_MCP_LOG_LEVEL=debug", "CODEX_MCP_PREWARM=" + std::to_string(prewarm),
            "HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9",
            "NO_PROXY=127.0.0.1,localhost", "OPENAI_API_KEY=", "CODEX_API_KEY="});
    server->initialize();
    return server;
  }
};

/// The phases of every "start phases:" line of the server's log: name → ms.
std::vector<std::map<std::string, double>> logged_phases(const std::string& logs) {
  std::vector<std::map<std::string, double>> out;
  std::istringstream lines(logs);
  std::string line;
  const std::string marker = "start phases: ";
  while (std::getline(lines, line)) {
    const auto at = line.find(marker);
    if (at == std::string::npos) continue;
    std::map<std::string, double> phases;
    std::istringstream fields(line.substr(at + marker.size()));
    std::string field;
    while (fields >> field) {
      const auto eq = field.find('=');
      if (eq == std::string::npos || !field.ends_with("ms")) continue;
      phases[field.substr(0, eq)] = std::atof(field.substr(eq + 1).c_str());
    }
    out.push_back(std::move(phases));
  }
  return out;
}

/// A field of /proc/<pid>/smaps_rollup in KiB (Pss: its share of what it maps, shared
/// pages divided among their users), or -1.
long smaps_kib(pid_t pid, const std::string& field) {
  std::ifstream rollup("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string line;
  while (std::getline(rollup, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

Json start_args(const Offline& offline) {
  return {{"prompt", "hello"},
          {"approvalPolicy", "never"},
          {"sandbox", "read-only"},
          {"cwd", (offline.root / "work").string()}};
}

/// Waits for the session's turn to end, then cancels it (its child goes): sessions do not
/// pile up children while the bench runs.
void retire(McpProcess& server, const std::string& session) {
  for (int i = 0; i < 20; ++i) {
    const auto poll = server.call_tool(
        "codex_check",
        {{"action", "poll"}, {"sessionId", session}, {"pollOptions", {{"waitMs", 1000}}}});
    const auto status = poll["result"]["structuredContent"].value("status", std::string());
    if (status != "running" && status != "starting") break;
  }
  server.call_tool("codex_session", {{"action", "cancel"}, {"sessionId", session}});
}

void run(const Offline& offline, int prewarm, int count) {
  const auto state = "state-" + std::to_string(prewarm);
  auto server = offline.server(prewarm, state);
  std::vector<double> totals;
  // The first start probes codex (its version, once per executable): not counted.
  for (int i = 0; i <= count; ++i) {
    // A pause as between a user's starts: the spare, if any, has been replaced by then.
    std::this_thread::sleep_for(prewarm > 0 ? 1500ms : 300ms);
    const auto begin = Clock::now();
    const auto reply = server->call_tool("codex", start_args(offline));
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
    const auto session = reply["result"]["structuredContent"].value("sessionId", std::string());
    if (session.empty()) {
      std::fprintf(stderr, "start failed: %s\n", reply.dump().c_str());
      return;
    }
    if (i > 0) totals.push_back(ms);
    retire(*server, session);
  }
  auto phases = logged_phases(server->stderr_text());
  if (!phases.empty()) phases.erase(phases.begin());
  std::map<std::string, std::vector<double>> by_phase;
  for (const auto& one : phases)
    for (const auto& [name, ms] : one) by_phase[name].push_back(ms);

  const auto whole = spread(totals);
  std::printf("\n--prewarm %d: %zu starts\n", prewarm, totals.size());
  std::printf("  %-14s median %7.1f ms   p90 %7.1f ms   (client-observed)\n", "codex call",
              whole.median, whole.p90);
  for (const char* name :
       {"open", "spawn", "initialize", "thread/start", "turn/start", "persist", "total"}) {
    const auto it = by_phase.find(name);
    if (it == by_phase.end()) continue;
    const auto s = spread(it->second);
    std::printf("  %-14s median %7.1f ms   p90 %7.1f ms\n", name, s.median, s.p90);
  }

  if (prewarm > 0) {
    // The spare alone: every session was cancelled, so the server's children are spares.
    std::this_thread::sleep_for(2s);
    const auto children = codex_mcp::testing::child_pids(server->pid());
    for (const auto child : children) {
      const auto cpu_before = codex_mcp::testing::cpu_seconds(child);
      std::this_thread::sleep_for(5s);
      const auto cpu_after = codex_mcp::testing::cpu_seconds(child);
      std::printf(
          "  idle spare pid %d: RSS %ld KiB (PSS %ld KiB, anonymous %ld KiB), CPU %.3f s "
          "over 5 s (%.2f%%), %.3f s since it started\n",
          static_cast<int>(child), codex_mcp::testing::rss_kib(child), smaps_kib(child, "Pss"),
          smaps_kib(child, "Anonymous"), cpu_after - cpu_before,
          (cpu_after - cpu_before) / 5.0 * 100.0, cpu_after);
    }
    if (children.empty()) std::printf("  no spare child found\n");
  }
  server->close_stdin();
  server->wait_exit(30s);
}

int bench(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 20;
  std::vector<int> settings = {0, 1};
  if (argc > 2) {
    settings.clear();
    std::istringstream list(argv[2]);
    std::string item;
    while (std::getline(list, item, ',')) settings.push_back(std::atoi(item.c_str()));
  }
  if (!fs::exists(kCodex)) {
    std::fprintf(stderr, "no pinned codex at %s (scripts/deps installs it)\n", kCodex.c_str());
    return 1;
  }
  Offline offline;
  std::printf("session start (codex tool call → sessionId), real codex + mock model, debug log\n");
  for (const int prewarm : settings) run(offline, prewarm, count);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return bench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_start: %s\n", e.what());
    return 1;
  }
}
