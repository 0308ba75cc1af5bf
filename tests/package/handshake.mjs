// An MCP handshake with dependencies on nothing but Node: spawns the command after `--`,
// sends initialize, notifications/initialized, tools/list and tools/call codex_setup, checks
// the answers, closes stdin and expects exit code 0. Prints the codex_setup report.
// Usage: node handshake.mjs [--empty-env] [--no-codex] -- COMMAND [ARGS...]
//   --empty-env  run COMMAND with an empty environment
//   --no-codex   expect codex_setup to report that no codex was found (ready: false)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import readline from "node:readline";

const argv = process.argv.slice(2);
const split = argv.indexOf("--");
assert.ok(split >= 0 && split + 1 < argv.length, "usage: handshake.mjs [flags] -- COMMAND");
const flags = new Set(argv.slice(0, split));
const [command, ...args] = argv.slice(split + 1);

// A hang guard, not a timing assertion.
const guard = setTimeout(() => {
  console.error("handshake: no answer within 60 s");
  process.exit(1);
}, 60000);

const child = spawn(command, args, {
  env: flags.has("--empty-env") ? {} : process.env,
  stdio: ["pipe", "pipe", "inherit"],
});
const pending = new Map();
readline.createInterface({ input: child.stdout }).on("line", (line) => {
  const message = JSON.parse(line); // anything but JSON-RPC on stdout fails here
  assert.equal(message.jsonrpc, "2.0");
  if (message.id !== undefined && pending.has(message.id)) {
    pending.get(message.id)(message);
    pending.delete(message.id);
  }
});
const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
let nextId = 1;
function request(method, params) {
  const id = nextId++;
  child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
  return new Promise((resolve) => pending.set(id, resolve));
}

const init = await request("initialize", {
  protocolVersion: "2025-11-25",
  capabilities: {},
  clientInfo: { name: "handshake", version: "1" },
});
assert.equal(init.result.serverInfo.name, "codex-mcp", JSON.stringify(init));
assert.equal(init.result.protocolVersion, "2025-11-25");
child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");

const tools = await request("tools/list", {});
assert.deepEqual(tools.result.tools.map((t) => t.name).sort(),
  ["codex", "codex_check", "codex_reply", "codex_session", "codex_setup"]);

const setup = await request("tools/call", { name: "codex_setup", arguments: {} });
assert.equal(setup.result.isError ?? false, false, JSON.stringify(setup));
const report = setup.result.structuredContent;
assert.equal(typeof report.ready, "boolean", JSON.stringify(report));
if (flags.has("--no-codex")) {
  assert.equal(report.ready, false);
  assert.ok(report.codex.error, "codex_setup names why no codex was found");
  assert.ok(report.nextSteps.some((s) => s.includes("Install codex")), JSON.stringify(report));
}

child.stdin.end();
const { code, signal } = await exited;
assert.equal(signal, null);
assert.equal(code, 0, "exit code after stdin EOF");
clearTimeout(guard);
console.log(JSON.stringify(report));
console.log("handshake: ok");
