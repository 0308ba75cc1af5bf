#!/usr/bin/env node
// model_turns.mjs — how many tool calls, and how many bytes of results, a model following
// codex-mcp's instructions spends on the canonical tasks. Figures, not assertions.
//
// The official MCP SDK client (pinned in scripts/deps) drives build/codex-mcp, which runs
// the real codex app-server (pinned) against the mock model on 127.0.0.1. The "model" here
// does exactly what the server's instructions recommend:
//   codex {..., advanced:{waitForResult:120000}}; while an action waits, respond_permission
//   with pollOptions {waitMs:300000, finalOnly:true}; while the turn still runs, poll with
//   the same pollOptions; when the reply says truncated, read resultUri.
// Tasks: a plain task; a task longer than the first wait; an approval; a 120 KB answer.
// Bytes read are what Claude Code hands the model: JSON.stringify(structuredContent) per
// tool result, the text of each resource read.
//
// Usage: node bench/model_turns.mjs [--binary build/codex-mcp] [--quick]
//   --quick  divides the waits (and so the long task) by 10: the same calls, in ~20 s
//            instead of ~2.5 min.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, "..");
const require = createRequire(path.join(source, ".deps/npm/package.json"));
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");
const { writeCodexHome, offlineServerEnv } = await import("../tests/fixtures/codex_home.mjs");

const args = process.argv.slice(2);
const binary = path.resolve(args.includes("--binary") ? args[args.indexOf("--binary") + 1]
                                                      : path.join(source, "build/codex-mcp"));
const scale = args.includes("--quick") ? 10 : 1;
const WAIT_FOR_RESULT = 120000 / scale;  // as the instructions recommend
const LONG_POLL = 300000 / scale;
const CAP = 20000;
const codex = path.join(source, ".deps/npm/node_modules/.bin/codex");

function bigAnswer() {
  let text = "";
  for (let line = 0; text.length < 120000; line++) text += `line ${line}: "quoted"\tünïcødé\n`;
  return text;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "codex-mcp-bench-"));
const rules = {
  rules: [
    { when: { userTextContains: "long task" },
      reply: { text: "long task done", chunks: 2, delayMs: WAIT_FOR_RESULT + 3000 } },
    { when: { userTextContains: "approval task" },
      reply: { exec: { cmd: "touch approved.txt", escalated: true, justification: "writes a file" } } },
    { when: { userTextContains: "big task" }, reply: { text: bigAnswer(), chunks: 40 } },
  ],
};
fs.writeFileSync(path.join(root, "rules.json"), JSON.stringify(rules));
const model = spawn(process.execPath, [path.join(source, "tests/fixtures/mock_model.mjs"),
                                       "--script", path.join(root, "rules.json"),
                                       "--port-file", path.join(root, "port")],
                    { stdio: ["pipe", "ignore", "inherit"] });
while (!fs.existsSync(path.join(root, "port"))) await new Promise((r) => setTimeout(r, 50));
fs.mkdirSync(path.join(root, "home"));
fs.mkdirSync(path.join(root, "work"));
writeCodexHome(path.join(root, "home"), Number(fs.readFileSync(path.join(root, "port"), "utf8")));

const client = new Client({ name: "codex-mcp-bench", version: "1.0.0" });
const transport = new StdioClientTransport({
  command: binary,
  args: [],
  env: offlineServerEnv(root, path.join(root, "home"), codex),
  stderr: process.env.BENCH_VERBOSE ? "inherit" : "ignore",
});
await client.connect(transport);
const instructions = client.getInstructions() ?? "";
const toolsList = await client.listTools();
const listBytes = Buffer.byteLength(JSON.stringify(toolsList));
const instructionBytes = Buffer.byteLength(instructions);

async function runTask(name, prompt) {
  const figures = { name, calls: 0, bytes: 0, largest: 0, progress: 0, status: "" };
  const call = async (tool, argumentsObject) => {
    figures.calls++;
    const result = await client.callTool({ name: tool, arguments: argumentsObject }, undefined, {
      timeout: 3600000, resetTimeoutOnProgress: true,
      onprogress: () => { figures.progress++; },
    });
    const text = JSON.stringify(result.structuredContent ?? result.content);
    figures.bytes += Buffer.byteLength(text);
    figures.largest = Math.max(figures.largest, Buffer.byteLength(text));
    if (result.isError) throw new Error(`${tool}: ${result.content[0].text}`);
    return result.structuredContent;
  };
  const waitOptions = { waitMs: LONG_POLL, finalOnly: true };
  let reply = await call("codex", {
    prompt, approvalPolicy: "on-request", sandbox: "workspace-write", cwd: path.join(root, "work"),
    advanced: { waitForResult: WAIT_FOR_RESULT } });
  for (;;) {
    if (reply.actions?.length) {
      reply = await call("codex_check", { action: "respond_permission", sessionId: reply.sessionId,
                                          requestId: reply.actions[0].requestId, decision: "accept",
                                          pollOptions: waitOptions });
    } else if (reply.interactionState === "working") {
      reply = await call("codex_check", { action: "poll", sessionId: reply.sessionId,
                                          pollOptions: waitOptions });
    } else {
      break;
    }
  }
  figures.status = `${reply.status}/${reply.result?.status ?? "-"}`;
  if (reply.truncated && reply.resultUri) {
    figures.calls++;
    const read = await client.readResource({ uri: reply.resultUri });
    figures.bytes += Buffer.byteLength(read.contents[0].text);
    figures.resource = Buffer.byteLength(read.contents[0].text);
  }
  return figures;
}

const tasks = [];
try {
  tasks.push(await runTask("plain task", "plain task: say hello"));
  tasks.push(await runTask("long task", "long task: take your time"));
  tasks.push(await runTask("approval flow", "approval task: touch a file"));
  tasks.push(await runTask("120 KB answer", "big task: write a lot"));
} finally {
  await client.close();
  model.kill();
  fs.rmSync(root, { recursive: true, force: true });
}

console.log(`codex-mcp model turns (waitForResult ${WAIT_FOR_RESULT} ms, long-poll ${LONG_POLL} ms)`);
console.log(`tools/list ${listBytes} B + instructions ${instructionBytes} B = ${listBytes + instructionBytes} B`);
console.log("task             calls  result bytes read  largest reply  progress msgs  ended");
for (const t of tasks) {
  const extra = t.resource ? ` (incl. ${t.resource} B resource)` : "";
  console.log(`${t.name.padEnd(16)} ${String(t.calls).padStart(5)}  ${String(t.bytes).padStart(17)}  ` +
              `${String(t.largest).padStart(13)}  ${String(t.progress).padStart(13)}  ${t.status}${extra}`);
}
const over = tasks.filter((t) => t.largest > CAP);
console.log(over.length ? `replies over the ${CAP} B cap: ${over.map((t) => t.name).join(", ")}`
                        : `no reply over the ${CAP} B cap`);
