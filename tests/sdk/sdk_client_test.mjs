// A real MCP client against build/codex-mcp: the official TypeScript SDK (pinned in
// scripts/deps) connects over stdio, lists the five tools, pings, and checks that a bad
// tool call comes back as an isError result while the connection stays usable. It opens
// the way a dual-era client that falls back does: a server/discover probe on the same process
// first, answered (the server speaks 2026-07-28 too), then the 2025 initialize handshake.
// Then, with the real codex and the mock model, a session's result resource through the
// template.
// Usage: node sdk_client_test.mjs /abs/path/to/codex-mcp
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
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");

const binary = process.argv[2];
assert.ok(binary, "usage: node sdk_client_test.mjs /path/to/codex-mcp");

const transport = new StdioClientTransport({
  command: binary,
  args: [],
  env: { ...process.env, CODEX_MCP_STATE_DIR: "/tmp/codex-mcp-sdk-test-state" },
  stderr: "pipe",
});
// Sends the probe on the child's own pipes before the SDK's initialize, and keeps its answer.
class ProbingTransport {
  constructor(inner) {
    this.inner = inner;
  }
  async start() {
    await this.inner.start();
    this.probe = await new Promise((resolve, reject) => {
      this.inner.onmessage = (message) => {
        if (message.id === "server-discover-probe-1") resolve(message);
      };
      this.inner.onerror = reject;
      this.inner.send({
        jsonrpc: "2.0", id: "server-discover-probe-1", method: "server/discover",
        params: { _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientInfo": { name: "codex-mcp-sdk-test", version: "1.0.0" },
          "io.modelcontextprotocol/clientCapabilities": {},
        } },
      });
    });
    this.inner.onmessage = (message) => this.onmessage?.(message);
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => this.onclose?.();
  }
  send(message, options) {
    return this.inner.send(message, options);
  }
  close() {
    return this.inner.close();
  }
}

const probing = new ProbingTransport(transport);
const client = new Client({ name: "codex-mcp-sdk-test", version: "1.0.0" });
await client.connect(probing);

await check("the discover probe is answered, and initialize after it is the 2025 protocol", async () => {
  assert.deepEqual(probing.probe.result.supportedVersions, ["2026-07-28"]);
  assert.equal(client.getServerVersion().name, "codex-mcp");
  assert.deepEqual(await client.ping(), {});
});

await check("negotiates a protocol version and names the server", async () => {
  assert.equal(client.getServerVersion().name, "codex-mcp");
  assert.ok(client.getServerCapabilities().tools);
});

await check("lists the five tools with object input schemas", async () => {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(),
                   ["codex", "codex_check", "codex_reply", "codex_session", "codex_setup"]);
  for (const tool of tools) assert.equal(tool.inputSchema.type, "object");
  const codex = tools.find((t) => t.name === "codex");
  assert.deepEqual(codex.inputSchema.required, ["prompt", "approvalPolicy", "sandbox"]);
});

await check("lists and reads the contract's six resources", async () => {
  assert.ok(client.getServerCapabilities().resources);
  const { resources } = await client.listResources();
  assert.deepEqual(resources.map((r) => r.uri).sort(), [
    "codex-mcp:///compat-report", "codex-mcp:///config", "codex-mcp:///errors",
    "codex-mcp:///gotchas", "codex-mcp:///quickstart", "codex-mcp:///server-info"]);
  const report = await client.readResource({ uri: "codex-mcp:///compat-report" });
  assert.deepEqual(JSON.parse(report.contents[0].text).tools,
                   ["codex_setup", "codex", "codex_reply", "codex_session", "codex_check"]);
  const errors = await client.readResource({ uri: "codex-mcp:///errors" });
  assert.match(errors.contents[0].text, /SESSION_NOT_FOUND/);
});

await check("answers ping", async () => {
  assert.deepEqual(await client.ping(), {});
});

await check("a bad tool call is an isError result, not a broken connection", async () => {
  const result = await client.callTool({ name: "codex_session", arguments: { action: "get" } });
  assert.equal(result.isError, true);
  assert.match(result.content[0].text, /^Error \[INVALID_ARGUMENT\]: sessionId is required/);
  assert.deepEqual(await client.ping(), {});
});

await client.close();

// The result resource template, with a real session: the mock model on loopback, a
// CODEX_HOME pointing the pinned codex at it.
const codex = path.join(here, "../../.deps/npm/node_modules/.bin/codex");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "codex-mcp-sdk-"));
const model = spawn(process.execPath, [path.join(here, "../fixtures/mock_model.mjs"),
                                       "--port-file", path.join(root, "port")],
                    { stdio: ["pipe", "ignore", "inherit"] });
try {
  while (!fs.existsSync(path.join(root, "port"))) await new Promise((r) => setTimeout(r, 50));
  const { writeCodexHome, offlineServerEnv } = await import("../fixtures/codex_home.mjs");
  fs.mkdirSync(path.join(root, "home"));
  writeCodexHome(path.join(root, "home"), Number(fs.readFileSync(path.join(root, "port"), "utf8")));
  const sessionClient = new Client({ name: "codex-mcp-sdk-test", version: "1.0.0" });
  await sessionClient.connect(new StdioClientTransport({
    command: binary,
    args: [],
    env: offlineServerEnv(root, path.join(root, "home"), codex),
    stderr: "pipe",
  }));
  await check("a session's full result is a resource of the result template", async () => {
    const { resourceTemplates } = await sessionClient.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate),
                     ["codex-mcp://sessions/{sessionId}/result"]);
    const started = await sessionClient.callTool({ name: "codex", arguments: {
      prompt: "hello", approvalPolicy: "never", sandbox: "read-only", cwd: root,
      advanced: { waitForResult: 120000 } } }, undefined, { timeout: 180000 });
    const reply = started.structuredContent;
    assert.equal(reply.status, "idle", JSON.stringify(reply));
    assert.equal(Object.keys(reply)[0], "sessionId");
    const uri = `codex-mcp://sessions/${reply.sessionId}/result`;
    const read = await sessionClient.readResource({ uri });
    assert.equal(read.contents[0].uri, uri);
    assert.equal(read.contents[0].mimeType, "application/json");
    const full = JSON.parse(read.contents[0].text);
    assert.equal(full.text, "ECHO[hello]");
    assert.equal(full.status, "completed");
    await assert.rejects(sessionClient.readResource({ uri: "codex-mcp://sessions/nope/result" }),
                         /-32002|not found/i);
  });
  await sessionClient.close();
} finally {
  model.kill();
  fs.rmSync(root, { recursive: true, force: true });
}

finish();
