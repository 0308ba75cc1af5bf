// The official tasks client (@modelcontextprotocol/ext-tasks 0.2.2 on
// @modelcontextprotocol/client 2.3.1, pinned in scripts/deps) against build/codex-mcp, the
// real codex app-server and the mock model: a codex turn runs as a task to completion, an
// approval reaches the client's input handler and its answer goes back through tasks/update
// (accepted: the command ran; declined: it did not), a task cancelled twice ends cancelled,
// and a call without the extension is answered as before.
// Usage: node tasks_client_test.mjs /abs/path/to/codex-mcp
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { check, finish } from "./tap.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../.deps/npm/package.json"));
const { Client } = await import(require.resolve("@modelcontextprotocol/client"));
const { StdioClientTransport } = await import(require.resolve("@modelcontextprotocol/client/stdio"));
// (ESM-only exports: resolved as an import from the .deps tree, not with require.)
const { createTaskSessionFromClient } = await import(
  path.join(here, "../../.deps/npm/node_modules/@modelcontextprotocol/ext-tasks/dist/client/index.js"));

const binary = process.argv[2];
assert.ok(binary, "usage: node tasks_client_test.mjs /path/to/codex-mcp");

const codex = path.join(here, "../../.deps/npm/node_modules/.bin/codex");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "codex-mcp-tasks-sdk-"));
const work = path.join(root, "work");
fs.mkdirSync(work);
fs.writeFileSync(path.join(root, "rules.json"), JSON.stringify({ rules: [
  { when: { userTextContains: "touch" },
    reply: { exec: { cmd: "touch approved.txt", escalated: true } } },
  { when: { userTextContains: "slow" },
    reply: { text: "never finished", gate: path.join(root, "gate") } },
  { when: { userTextContains: "task please" }, reply: { text: "the task answer" } },
] }));
const model = spawn(process.execPath, [path.join(here, "../fixtures/mock_model.mjs"),
                                       "--script", path.join(root, "rules.json"),
                                       "--port-file", path.join(root, "port")],
                    { stdio: ["pipe", "ignore", "inherit"] });

/// Raw JSON-RPC over the client's own transport, for the task wire shapes the SDK's codecs
/// do not know (ext-tasks asks the host for this: `rawDispatch`).
function rawDispatcher(transport) {
  const pending = new Map();
  let next = 0;
  const inner = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const waiter = message.id !== undefined && pending.get(message.id);
    if (!waiter) return inner?.(message, extra);
    pending.delete(message.id);
    waiter(message.error ? { kind: "error", error: message.error }
                         : { kind: "result", result: message.result });
  };
  return (request) => new Promise((resolve, reject) => {
    const id = `raw-${++next}`;
    pending.set(id, resolve);
    transport.send({ ...request, jsonrpc: "2.0", id }).catch(reject);
  });
}

const codexArguments = (prompt, approvalPolicy = "on-request") =>
  ({ prompt, approvalPolicy, sandbox: "read-only", cwd: work });

try {
  while (!fs.existsSync(path.join(root, "port"))) await new Promise((r) => setTimeout(r, 50));
  const { writeCodexHome, offlineServerEnv } = await import("../fixtures/codex_home.mjs");
  fs.mkdirSync(path.join(root, "home"));
  writeCodexHome(path.join(root, "home"), Number(fs.readFileSync(path.join(root, "port"), "utf8")));
  const transport = new StdioClientTransport({
    command: binary, args: [], env: offlineServerEnv(root, path.join(root, "home"), codex),
    stderr: "pipe",
  });
  const client = new Client({ name: "codex-mcp-tasks-test", version: "1.0.0" },
                            { versionNegotiation: { mode: "auto" } });
  await client.connect(transport);

  await check("the server is modern and advertises the tasks extension", async () => {
    assert.equal(client.getProtocolEra(), "modern");
    assert.deepEqual(client.getServerCapabilities()?.extensions?.["io.modelcontextprotocol/tasks"], {});
  });

  const asked = [];
  let decision = "accept";
  const session = createTaskSessionFromClient(client, {
    endpointId: "codex-mcp-tasks-test",
    rawDispatch: rawDispatcher(transport),
    v2RequestFraming: {
      protocolVersion: "2026-07-28",
      clientInfo: { name: "codex-mcp-tasks-test", version: "1.0.0" },
      clientCapabilities: { elicitation: { form: {} } },
    },
    onInputRequest: async (request) => {
      asked.push(request);
      assert.equal(request.kind, "elicitation");
      return { action: "accept", content: { decision } };
    },
  });

  await check("a codex turn runs as a task to completion with its result", async () => {
    const execution = await session.callTool("codex", codexArguments("a task please", "never"));
    assert.equal(execution.kind, "task");
    const { outcome } = await execution.settle();
    assert.equal(outcome.status, "completed", JSON.stringify(outcome));
    assert.equal(outcome.result.isError, false);
    assert.equal(outcome.result.structuredContent.result.text, "the task answer");
    assert.match(outcome.result.structuredContent.sessionId, /^sess_/);
  });

  for (const answer of ["decline", "accept"]) {
    await check(`an approval answered "${answer}" through the task`, async () => {
      decision = answer;
      asked.length = 0;
      const execution = await session.callTool("codex", codexArguments("please touch the file"));
      assert.equal(execution.kind, "task");
      const { outcome } = await execution.settle();
      assert.equal(outcome.status, "completed", JSON.stringify(outcome));
      assert.equal(asked.length, 1, JSON.stringify(asked));
      assert.equal(asked[0].params.mode, "form");
      assert.match(asked[0].params.message, /touch approved\.txt/);
      assert.equal(fs.existsSync(path.join(work, "approved.txt")), answer === "accept");
    });
  }

  await check("cancelled twice, the task ends cancelled", async () => {
    const execution = await session.callTool("codex", codexArguments("a slow task", "never"));
    assert.equal(execution.kind, "task");
    const taskId = execution.handle.taskId;
    await Promise.all([session.task(taskId).cancel(), session.task(taskId).cancel()]);
    const { outcome } = await execution.settle();
    assert.equal(outcome.status, "cancelled", JSON.stringify(outcome));
  });

  await check("without the extension a call is answered as before", async () => {
    const result = await client.callTool({ name: "codex", arguments: {
      ...codexArguments("a task please", "never"), advanced: { waitForResult: 120000 } } },
                                         { timeout: 180000 });
    assert.equal(result.isError, false);
    assert.equal(result.structuredContent.result.text, "the task answer");
  });

  await session.close();
  await client.close();
} finally {
  fs.writeFileSync(path.join(root, "gate"), "open");
  model.kill();
  fs.rmSync(root, { recursive: true, force: true });
}

finish();
