// The seeded random-sequence fuzzer: drives the built server over its stdio, with the
// scripted fake app-server as codex and lifecycle timers of a few hundred ms, through a
// random sequence of messages: the five tools (valid, damaged and mistyped arguments),
// the protocol methods (initialize, ping, tools/list, resources/*), cancellations,
// garbage, oversized lines and odd ids. After every message it checks that the process
// lives, that a ping is answered, and that every line on stdout is a JSON-RPC message;
// at the end, that stdin EOF makes it exit 0.
//
//   sequence_fuzzer --binary build/codex-mcp --fake tests/fixtures/fake_app_server.mjs
//                   [--seed N] [--messages N] [--keep]
//
// The seed is printed first; the same seed sends the same sequence of message kinds,
// arguments and choices (which session a message names is an index into the sessions
// seen so far, so timing can make it name another one). On a finding it prints the seed,
// the message number, the messages sent (also kept in a file) and the server's stderr
// tail, and exits 1.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "jsonrpc_check.hpp"
#include "mcp_process.hpp"

namespace fs = std::filesystem;
using codex_mcp::fuzz::Json;
using codex_mcp::testing::McpProcess;
using namespace std::chrono_literals;

namespace {

constexpr auto kHangGuard = 60s;  // generous: a hang guard, not a performance assertion
constexpr std::size_t kMaxLineBytes = 64 * 1024;

struct Finding : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Sequence {
 public:
  Sequence(std::uint64_t seed, const std::string& binary, const std::string& fake,
           const fs::path& dir)
      : rng_(seed), dir_(dir) {
    for (const char* sub : {"state", "home", "work", "user"}) fs::create_directories(dir / sub);
    sent_log_.open(dir / "sent.jsonl");
    const auto pick_ms = [&](int lo, int hi) { return std::to_string(uniform(lo, hi)); };
    args_ = {"--idle-timeout-ms",        pick_ms(100, 900),
             "--sweep-interval-ms",      pick_ms(100, 500),
             "--unload-after-ms",        pick_ms(100, 900),
             "--drain-timeout-ms",       "1000",
             "--max-line-bytes",         std::to_string(kMaxLineBytes),
             "--retention-max-sessions", pick_ms(0, 8)};
    const std::vector<std::string> env = {"CODEX_MCP_PATH=" + fake,
                                          "CODEX_MCP_STATE_DIR=" + (dir / "state").string(),
                                          "CODEX_HOME=" + (dir / "home").string(),
                                          "HOME=" + (dir / "user").string(),
                                          "CODEX_MCP_STARTUP_TIMEOUT_MS=5000",
                                          "FAKE_CODEX_DELTAS=50",
                                          "FAKE_CODEX_DELAY_MS=20",
                                          "CODEX_MCP_LOG_LEVEL=info",
                                          "CODEX_MCP_STDIO_MODE=off"};
    server_ = std::make_unique<McpProcess>(binary, args_, env);
  }

  const std::vector<std::string>& args() const { return args_; }

  void run(int messages) {
    send_request("initialize",
                 {{"protocolVersion", "2025-11-25"},
                  {"capabilities", Json::object()},
                  {"clientInfo", {{"name", "sequence-fuzzer"}, {"version", "1"}}}},
                 true);
    send_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    for (index_ = 1; index_ <= messages; ++index_) {
      send_one();
      check_alive_and_pinged();
    }
    server_->close_stdin();
    drain_until_eof();
    const auto code = server_->wait_exit(kHangGuard);
    if (!code) throw Finding("did not exit within 60 s of stdin EOF");
    if (*code != 0) throw Finding("exited with code " + std::to_string(*code) + " on stdin EOF");
  }

  std::string stderr_tail() const {
    const auto text = server_->stderr_text();
    return text.substr(text.size() > 4000 ? text.size() - 4000 : 0);
  }
  int index() const { return index_; }
  fs::path sent_log_path() const { return dir_ / "sent.jsonl"; }

 private:
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& pick(const std::vector<T>& values) {
    return values[static_cast<std::size_t>(uniform(0, static_cast<int>(values.size()) - 1))];
  }

  std::string session_id() {
    if (sessions_.empty() || chance(0.1)) {
      return pick<std::string>({"sess_000000000000", "", "sess_../../etc", "x"});
    }
    return pick(sessions_);
  }

  /// A value of a random JSON type, for mistyped arguments.
  Json odd_value() {
    switch (uniform(0, 9)) {
      case 0:
        return nullptr;
      case 1:
        return uniform(-3, 3) * 1000000007LL;
      case 2:
        return 1.5;
      case 3:
        return "";
      case 4:
        return std::string(static_cast<std::size_t>(uniform(1, 3000)), 'x');
      case 5:
        return Json::array({1, "two", nullptr});
      case 6:
        return Json::object({{"nested", Json::object({{"deeper", true}})}});
      case 7:
        return "true";
      case 8:
        return -1;
      default:
        return false;
    }
  }

  /// Damages an argument object now and then: a field mistyped, dropped or unknown.
  Json damage(Json arguments) {
    if (!chance(0.2) || !arguments.is_object()) return arguments;
    switch (uniform(0, 2)) {
      case 0:
        if (!arguments.empty()) {
          auto it = arguments.begin();
          std::advance(it, uniform(0, static_cast<int>(arguments.size()) - 1));
          *it = odd_value();
        }
        break;
      case 1:
        if (!arguments.empty()) arguments.erase(arguments.begin());
        break;
      default:
        arguments["unknownField"] = odd_value();
    }
    return arguments;
  }

  Json start_arguments() {
    static const std::vector<std::string> scenarios = {
        "normal",           "normal",         "normal",   "user_input",  "server_requests",
        "command_approval", "slow",           "flood",    "error_retry", "fail",
        "garbage",          "crash_mid_turn", "hang_turn"};
    Json args = {{"prompt", "fuzz " + std::to_string(index_) + " @fake:" + pick(scenarios)},
                 {"approvalPolicy", pick<std::string>({"untrusted", "on-request", "never"})},
                 {"sandbox", pick<std::string>({"read-only", "workspace-write"})}};
    if (chance(0.3)) args["cwd"] = (dir_ / "work").string();
    if (chance(0.2)) args["effort"] = pick<std::string>({"low", "medium", "high", "minimal"});
    Json advanced = Json::object();
    if (chance(0.3)) advanced["waitForResult"] = uniform(0, 500);
    if (chance(0.2)) advanced["approvalTimeoutMs"] = uniform(100, 2000);
    if (chance(0.1)) advanced["config"] = {{"model_verbosity", "low"}};
    if (chance(0.1)) advanced["outputSchema"] = {{"type", "object"}};
    if (chance(0.1)) advanced["ephemeral"] = true;
    if (!advanced.empty()) args["advanced"] = advanced;
    return damage(args);
  }

  Json tool_call() {
    switch (uniform(0, 11)) {
      case 0:
        return {{"name", "codex_setup"}, {"arguments", damage(Json::object())}};
      case 1:
      case 2:
        return {{"name", "codex"}, {"arguments", start_arguments()}};
      case 3: {
        Json args = {{"sessionId", session_id()}, {"prompt", "again @fake:normal"}};
        if (chance(0.3)) args["waitForResult"] = uniform(0, 400);
        return {{"name", "codex_reply"}, {"arguments", damage(args)}};
      }
      case 4:
      case 5: {
        const auto action = pick<std::string>({"list", "list", "get", "cancel", "interrupt", "fork",
                                               "clean", "clean_background_terminals"});
        Json args = {{"action", action}};
        if (action != "list" && action != "clean") args["sessionId"] = session_id();
        if (action == "clean" && chance(0.5)) {
          args["statuses"] = Json::array({pick<std::string>({"idle", "error", "cancelled"})});
        }
        if (chance(0.3)) args["includeSensitive"] = true;
        return {{"name", "codex_session"}, {"arguments", damage(args)}};
      }
      default: {
        Json args = {{"action", "poll"}, {"sessionId", session_id()}};
        if (chance(0.3)) args["cursor"] = uniform(0, 50);
        if (chance(0.3)) args["maxEvents"] = uniform(0, 20);
        if (chance(0.3)) {
          args["responseMode"] = pick<std::string>({"minimal", "delta_compact", "full"});
        }
        if (chance(0.3)) {
          args["pollOptions"] = {{"waitMs", uniform(0, 300)},
                                 {"skipDeltas", chance(0.5)},
                                 {"finalOnly", chance(0.3)},
                                 {"maxBytes", uniform(1, 5000)}};
        }
        if (!request_ids_.empty() && chance(0.5)) {
          const auto& [session, request] = pick(request_ids_);
          args["sessionId"] = session;
          args["requestId"] = request;
          if (chance(0.5)) {
            args["action"] = "respond_permission";
            args["decision"] =
                pick<std::string>({"accept", "acceptForSession", "decline", "cancel"});
          } else {
            args["action"] = "respond_user_input";
            args["answers"] = {{"q1", {{"answers", Json::array({"yes"})}}}};
          }
        }
        return {{"name", "codex_check"}, {"arguments", damage(args)}};
      }
    }
  }

  /// A random id: mostly integers, sometimes strings, odd values or a reused one.
  Json request_id() {
    ++next_id_;
    switch (uniform(0, 19)) {
      case 0:
        return "id-" + std::to_string(next_id_);
      case 1:
        return -next_id_;
      case 2:
        return std::string(static_cast<std::size_t>(uniform(0, 300)), 'i');
      default:
        return next_id_;
    }
  }

  void send_one() {
    const int kind = uniform(0, 99);
    if (kind < 55) {
      send_request("tools/call", tool_call(), chance(0.85));
    } else if (kind < 60) {
      send_request("ping", Json::object(), true);
    } else if (kind < 64) {
      send_request("tools/list", Json::object(), true);
    } else if (kind < 68) {
      send_request("resources/list", Json::object(), true);
    } else if (kind < 72) {
      static const std::vector<std::string> uris = {"codex://server-info", "codex://sessions",
                                                    "codex://docs/tools", "codex://nope", ""};
      send_request("resources/read", {{"uri", pick(uris)}}, true);
    } else if (kind < 74) {
      send_request("resources/templates/list", Json::object(), true);
    } else if (kind < 76) {
      send_request("initialize",
                   {{"protocolVersion", pick<std::string>({"2025-06-18", "1999-01-01", ""})},
                    {"capabilities", Json::object()},
                    {"clientInfo", {{"name", "again"}, {"version", "2"}}}},
                   true);
    } else if (kind < 82) {
      // Cancel a request still in flight (or one long answered, or never sent).
      const Json id = in_flight_.empty() || chance(0.2) ? Json(987654321) : pick(in_flight_);
      send_line(Json{{"jsonrpc", "2.0"},
                     {"method", "notifications/cancelled"},
                     {"params", {{"requestId", id}, {"reason", "fuzz"}}}}
                    .dump());
    } else if (kind < 90) {
      send_line(garbage());
    } else if (kind < 93) {
      // Over --max-line-bytes: refused as it streams in, the connection goes on.
      send_line("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"" +
                std::string(kMaxLineBytes + static_cast<std::size_t>(uniform(1, 5000)), 'o') +
                "\"}}");
    } else if (kind < 97) {
      // Odd ids: null, fractional, huge, objects, arrays, booleans, a duplicate.
      static const std::vector<std::string> ids = {"null",
                                                   "1.5",
                                                   "1e400",
                                                   "-0",
                                                   "true",
                                                   "{\"a\":1}",
                                                   "[1]",
                                                   "18446744073709551616",
                                                   "9223372036854775807",
                                                   "\"\""};
      const auto id = chance(0.2) && !in_flight_.empty() ? pick(in_flight_).dump() : pick(ids);
      send_line(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"ping"})");
    } else {
      send_line(R"({"jsonrpc":"2.0","method":")" +
                pick<std::string>({"notifications/initialized", "notifications/progress",
                                   "notifications/roots/list_changed", "unknown/notification"}) +
                R"(","params":{}})");
    }
  }

  std::string garbage() {
    static const std::vector<std::string> lines = {
        "not json at all",
        "{",
        "[]",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
        "42",
        "\"a string\"",
        "null",
        R"({"jsonrpc":"1.0","id":1,"method":"ping"})",
        R"({"jsonrpc":"2.0","id":1})",
        R"({"jsonrpc":"2.0","id":1,"method":7})",
        R"({"jsonrpc":"2.0","id":1,"method":"ping","params":"str"})",
        R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}})",
        R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"codex","arguments":[1]}})",
        R"({"jsonrpc":"2.0","id":1,"method":"no/such/method"})",
        R"({"jsonrpc":"2.0","id":99999,"result":{}})",
        R"({"jsonrpc":"2.0","id":5,"error":{"code":1,"message":"x"}})",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"s\":\"\xff\xfe\"}}",
        "\x00\x01\x02",
    };
    if (chance(0.7)) return pick(lines);
    std::string bytes(static_cast<std::size_t>(uniform(1, 200)), ' ');
    for (auto& c : bytes) {
      c = static_cast<char>(uniform(1, 255));
      if (c == '\n') c = ' ';
    }
    return bytes;
  }

  void send_request(const std::string& method, const Json& params, bool wait) {
    const auto id = request_id();
    const Json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
    send_line(message.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (wait) {
      awaited_.insert(id.dump());
    } else {
      in_flight_.push_back(id);
      if (in_flight_.size() > 20) in_flight_.erase(in_flight_.begin());
    }
    read_until_answered();
  }

  void send_line(const std::string& line) {
    sent_log_ << line << '\n';
    sent_log_.flush();
    try {
      server_->send_raw(line + "\n");
    } catch (const std::exception&) {
      throw Finding("cannot write to the server's stdin (it is gone)");
    }
  }

  /// Reads until every awaited request is answered; checks every line read.
  void read_until_answered() {
    const auto deadline = std::chrono::steady_clock::now() + kHangGuard;
    while (!awaited_.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        throw Finding("no answer within 60 s to request(s) " + *awaited_.begin());
      }
      const auto line = server_->read_line(left);
      if (!line) {
        if (server_->wait_exit(0ms)) throw Finding("the server exited");
        continue;
      }
      take(*line);
    }
  }

  void take(const std::string& line) {
    if (const auto problem = codex_mcp::fuzz::jsonrpc_problem(line); !problem.empty()) {
      throw Finding("stdout line is not JSON-RPC (" + problem + "): " + line.substr(0, 300));
    }
    const auto message = Json::parse(line);
    if (message.contains("method")) return;  // a notification (progress)
    const auto id = message["id"];
    awaited_.erase(id.dump());
    std::erase(in_flight_, id);
    learn(message);
  }

  /// Session ids and pending request ids, for later messages to name.
  void learn(const Json& response) {
    const auto result = response.find("result");
    if (result == response.end() || !result->is_object()) return;
    const auto structured = result->find("structuredContent");
    if (structured == result->end() || !structured->is_object()) return;
    if (const auto id = structured->find("sessionId"); id != structured->end() && id->is_string()) {
      if (std::find(sessions_.begin(), sessions_.end(), *id) == sessions_.end()) {
        sessions_.push_back(*id);
      }
    }
    if (const auto actions = structured->find("actions");
        actions != structured->end() && actions->is_array()) {
      for (const auto& action : *actions) {
        if (action.contains("requestId") && action["requestId"].is_string()) {
          request_ids_.emplace_back(structured->value("sessionId", std::string()),
                                    action["requestId"].get<std::string>());
        }
      }
      if (request_ids_.size() > 20) request_ids_.erase(request_ids_.begin());
    }
  }

  void check_alive_and_pinged() {
    if (server_->wait_exit(0ms)) throw Finding("the server exited");
    const auto id = "ping-" + std::to_string(index_);
    send_line(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}}.dump());
    awaited_.insert(Json(id).dump());
    read_until_answered();
  }

  void drain_until_eof() {
    const auto deadline = std::chrono::steady_clock::now() + kHangGuard;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw Finding("stdout still open 60 s after stdin EOF");
      const auto line = server_->read_line(left);
      if (!line) return;  // EOF (or the guard, which wait_exit then reports)
      take(*line);
    }
  }

  std::mt19937_64 rng_;
  fs::path dir_;
  std::ofstream sent_log_;
  std::vector<std::string> args_;
  std::unique_ptr<McpProcess> server_;
  int index_ = 0;
  std::int64_t next_id_ = 0;
  std::set<std::string> awaited_;  // ids (as JSON text) whose answer we wait for
  std::vector<Json> in_flight_;    // ids not waited for: candidates for cancellation
  std::vector<std::string> sessions_;
  std::vector<std::pair<std::string, std::string>> request_ids_;
};

void usage() {
  std::cerr << "usage: sequence_fuzzer --binary PATH --fake PATH [--seed N] [--messages N] "
               "[--keep]\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary, fake;
  std::uint64_t seed = std::random_device{}();
  int messages = 500;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (arg == "--binary")
      binary = value();
    else if (arg == "--fake")
      fake = value();
    else if (arg == "--seed")
      seed = std::stoull(value());
    else if (arg == "--messages")
      messages = std::stoi(value());
    else if (arg == "--keep")
      keep = true;
    else
      usage();
  }
  if (binary.empty() || fake.empty()) usage();
  const char* tmp = std::getenv("TMPDIR");
  const auto dir = fs::path(tmp ? tmp : "/tmp") / ("codex-mcp-sequence-" + std::to_string(seed) +
                                                   "-" + std::to_string(::getpid()));
  std::cout << "sequence fuzzer: seed " << seed << ", " << messages << " messages" << std::endl;
  int status = 0;
  {
    Sequence sequence(seed, binary, fake, dir);
    std::cout << "server options:";
    for (const auto& a : sequence.args()) std::cout << ' ' << a;
    std::cout << std::endl;
    const auto started = std::chrono::steady_clock::now();
    try {
      sequence.run(messages);
      const auto seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
      std::cout << "sequence fuzzer: seed " << seed << ": " << messages << " messages, no finding ("
                << seconds.count() << " s)" << std::endl;
    } catch (const std::exception& e) {
      std::cout << "FINDING at message " << sequence.index() << " (seed " << seed
                << "): " << e.what() << "\n  reproduce: sequence_fuzzer --binary " << binary
                << " --fake " << fake << " --seed " << seed << " --messages " << messages
                << "\n  messages sent: " << sequence.sent_log_path()
                << "\n  server stderr (tail):\n"
                << sequence.stderr_tail() << std::endl;
      keep = true;
      status = 1;
    }
  }
  if (!keep) fs::remove_all(dir);
  return status;
}
