// The official modern MCP client (@modelcontextprotocol/client, pinned in scripts/deps)
// against build/codex-mcp: it probes with server/discover, must choose the 2026-07-28 era,
// and then lists and calls tools and reads resources with the _meta envelope on every
// request, validating every result against the 2026-07-28 schemas. The same client in
// its default legacy mode still gets the 2025 protocol from the same binary.
// Usage: node modern_client_test.mjs /abs/path/to/codex-mcp
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { check, finish } from "./tap.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../.deps/npm/package.json"));
const { Client, ProtocolError } = await import(require.resolve("@modelcontextprotocol/client"));
const { StdioClientTransport } = await import(require.resolve("@modelcontextprotocol/client/stdio"));

const binary = process.argv[2];
assert.ok(binary, "usage: node modern_client_test.mjs /path/to/codex-mcp");
const stateDir = "/tmp/codex-mcp-modern-sdk-test-state";

async function connect(versionNegotiation) {
  const transport = new StdioClientTransport({
    command: binary,
    args: [],
    env: { ...process.env, CODEX_MCP_STATE_DIR: stateDir },
    stderr: "pipe",
  });
  const client = new Client({ name: "codex-mcp-modern-sdk-test", version: "1.0.0" },
                            { versionNegotiation });
  await client.connect(transport);
  return client;
}

// A dual-era client: probes, and stays modern only on a DiscoverResult.
const client = await connect({ mode: "auto" });
// Each check below holds only on the modern connection (a fallback would pass some of them).
async function checkModern(name, fn) {
  await check(name, async () => {
    assert.equal(client.getProtocolEra(), "modern");
    await fn();
  });
}

await check("the discover probe makes a dual-era client choose 2026-07-28", async () => {
  assert.equal(client.getProtocolEra(), "modern");
  assert.equal(client.getNegotiatedProtocolVersion(), "2026-07-28");
  assert.equal(client.getServerVersion()?.name, "codex-mcp");
  assert.ok(client.getServerCapabilities()?.tools);
  assert.ok(client.getServerCapabilities()?.resources);
  assert.match(client.getInstructions() ?? "", /codex/i);
  const discover = await client.discover();
  assert.deepEqual(discover.supportedVersions, ["2026-07-28"]);
});

await checkModern("lists the five tools", async () => {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(),
                   ["codex", "codex_check", "codex_reply", "codex_session", "codex_setup"]);
});

await checkModern("calls codex_setup and gets its structured result", async () => {
  const result = await client.callTool({ name: "codex_setup", arguments: {} });
  assert.notEqual(result.isError, true);
  assert.equal(result.structuredContent.stateDir.path, stateDir);
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
});

await checkModern("a bad tool call is an isError result", async () => {
  const result = await client.callTool({ name: "codex_session", arguments: { action: "get" } });
  assert.equal(result.isError, true);
  assert.match(result.content[0].text, /^Error \[INVALID_ARGUMENT\]: sessionId is required/);
});

await checkModern("lists and reads the resources", async () => {
  const { resources } = await client.listResources();
  assert.equal(resources.length, 6);
  const info = await client.readResource({ uri: "codex-mcp:///server-info" });
  assert.equal(JSON.parse(info.contents[0].text).name, "codex-mcp");
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.ok(Array.isArray(resourceTemplates));
});

await checkModern("an unknown resource is -32602 in this era", async () => {
  await assert.rejects(client.readResource({ uri: "codex-mcp:///nope" }), (error) => {
    assert.ok(error instanceof ProtocolError, String(error));
    assert.equal(error.code, -32602);
    return true;
  });
});

await client.close();

await check("pinned to 2026-07-28, the client connects too", async () => {
  const pinned = await connect({ mode: { pin: "2026-07-28" } });
  assert.equal(pinned.getProtocolEra(), "modern");
  const result = await pinned.callTool({ name: "codex_setup", arguments: {} });
  assert.equal(result.structuredContent.stateDir.path, stateDir);
  await pinned.close();
});

await check("in its legacy mode the same client gets the 2025 protocol", async () => {
  const legacy = await connect({ mode: "legacy" });
  assert.equal(legacy.getProtocolEra(), "legacy");
  assert.equal(legacy.getNegotiatedProtocolVersion(), "2025-11-25");
  assert.deepEqual(await legacy.ping(), {});
  const { tools } = await legacy.listTools();
  assert.equal(tools.length, 5);
  await legacy.close();
});

finish();
