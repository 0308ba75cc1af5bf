// The main job: a real Codex session end to end, offline. The official MCP SDK client
// talks to build/codex-mcp, which runs the real `codex app-server` (pinned npm package)
// against the mock model on 127.0.0.1 (tests/fixtures/mock_model.mjs). Prints what a
// client sees at each step, including a server restart in the middle of the session.
// Usage: node scripts/demo.mjs /abs/path/to/codex-mcp
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const require = createRequire(path.join(root, ".deps/npm/package.json"));
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");
const { writeCodexHome } = await import(path.join(root, "tests/fixtures/codex_home.mjs"));

const binary = process.argv[2];
const show = (title, value) => console.log(`\n== ${title}\n${JSON.stringify(value, null, 2)}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// 1. A mock model: plain answers echo the conversation; "touch" asks to run a command.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "codex-mcp-demo-"));
const work = path.join(dir, "work");
fs.mkdirSync(work);
fs.writeFileSync(path.join(dir, "rules.json"), JSON.stringify({ rules: [
  { when: { userTextContains: "touch" },
    reply: { exec: { cmd: "touch demo.txt", escalated: true, justification: "create demo.txt" } } },
] }));
const model = spawn("node", [path.join(root, "tests/fixtures/mock_model.mjs"), "--script",
  path.join(dir, "rules.json"), "--port-file", path.join(dir, "port"), "--max-seconds", "300"],
  { stdio: ["pipe", "ignore", "inherit"] });
while (!fs.existsSync(path.join(dir, "port"))) await sleep(50);
const port = fs.readFileSync(path.join(dir, "port"), "utf8").trim();
writeCodexHome(path.join(dir, "home"), port, "on-request", "read-only");

// 2. The server, as an MCP client starts it.
const env = { ...process.env, CODEX_HOME: path.join(dir, "home"),
  CODEX_MCP_PATH: path.join(root, ".deps/npm/node_modules/.bin/codex"),
  CODEX_MCP_STATE_DIR: path.join(dir, "state"), HTTP_PROXY: "http://127.0.0.1:9",
  HTTPS_PROXY: "http://127.0.0.1:9", NO_PROXY: "127.0.0.1,localhost" };
delete env.OPENAI_API_KEY;
delete env.CODEX_API_KEY;
let client;
const connect = async () => {
  client = new Client({ name: "codex-mcp-demo", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command: binary, args: [], env, stderr: "ignore" }));
};
await connect();
const call = async (name, args) => {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(result.content[0].text);
  return result.structuredContent;
};

try {
  const setup = await call("codex_setup", { cwd: work });
  show("codex_setup", { ready: setup.ready, codex: setup.codex, clientMode: setup.clientMode,
    configFiles: setup.configFiles });

  const { resources } = await client.listResources();
  const info = JSON.parse((await client.readResource({ uri: "codex-mcp:///server-info" })).contents[0].text);
  show("resources", { uris: resources.map((r) => r.uri), serverInfo: { version: info.version,
    clientMode: info.clientMode, runtime: info.runtime } });

  const first = await call("codex", { prompt: "What is in this repository?", approvalPolicy: "on-request",
    sandbox: "read-only", cwd: work, advanced: { waitForResult: 60000 } });
  show("codex (waitForResult)", { sessionId: first.sessionId, status: first.status, result: first.result.text });

  const second = await call("codex_reply", { sessionId: first.sessionId,
    prompt: "And what did I ask before?", waitForResult: 60000 });
  show("codex_reply (the model sees the history)", { status: second.status, result: second.result.text });

  await call("codex_reply", { sessionId: first.sessionId, prompt: "please touch demo.txt" });
  let poll;
  do {
    poll = await call("codex_check", { action: "poll", sessionId: first.sessionId, maxEvents: 50,
      pollOptions: { waitMs: 1000 } });
  } while (!poll.actions && poll.status !== "idle");
  show("codex_check poll: an approval is waiting", poll.actions);
  await call("codex_check", { action: "respond_permission", sessionId: first.sessionId,
    requestId: poll.actions[0].requestId, decision: "accept" });
  do {
    poll = await call("codex_check", { action: "poll", sessionId: first.sessionId, maxEvents: 50,
      pollOptions: { waitMs: 1000, finalOnly: true } });
  } while (poll.status !== "idle" && poll.status !== "error");
  show("after accept", { status: poll.status, result: poll.result?.text,
    "demo.txt created": fs.existsSync(path.join(work, "demo.txt")) });

  show("codex_session list", await call("codex_session", { action: "list" }));

  // 3. The client goes away (stdin EOF: the server stops its children and exits), and a
  // new server finds the session in the state directory and continues its thread.
  await client.close();
  await connect();
  const recovered = await call("codex_session", { action: "get", sessionId: first.sessionId });
  const replay = await call("codex_check", { action: "poll", sessionId: first.sessionId, cursor: 0,
    maxEvents: 500, pollOptions: { skipDeltas: true } });
  show("after a server restart: the session, and its events from cursor 0",
    { status: recovered.status, recovered: recovered.recovered, events: replay.events.length,
      lastResult: replay.result?.text });
  const resumed = await call("codex_reply", { sessionId: first.sessionId,
    prompt: "What was my first question?", waitForResult: 60000 });
  show("codex_reply after the restart (thread/resume: the history is still there)",
    { status: resumed.status, result: resumed.result.text });
  show("codex_session cancel", await call("codex_session", { action: "cancel", sessionId: first.sessionId }));
} finally {
  await client.close();
  model.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log("\nA real codex app-server session ran end to end through codex-mcp, offline.");
