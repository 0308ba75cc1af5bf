// The MCP Inspector's CLI (pinned in scripts/deps, in .deps/inspector with the Node 22 it
// needs) against build/codex-mcp in the 2026-07-28 era: pinned to it (which fails loudly
// unless server/discover offers it) and in auto mode (probe, then modern), it lists the
// tools, calls one, and reads a resource. The serverInfo _meta on a result is what only a
// modern answer carries, so it shows which era was spoken.
// Usage: <node 22> inspector_cli_test.mjs /abs/path/to/codex-mcp
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { check, finish } from "./tap.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const launcher = path.join(here, "../../.deps/inspector/node_modules/@modelcontextprotocol/inspector",
                           "clients/launcher/build/index.js");
const binary = process.argv[2];
assert.ok(binary, "usage: node inspector_cli_test.mjs /path/to/codex-mcp");
const stateDir = "/tmp/codex-mcp-inspector-test-state";
// The Inspector keeps a catalog and client config under HOME: a scratch one per run.
const home = mkdtempSync(path.join(os.tmpdir(), "codex-mcp-inspector-home-"));

// The result the CLI prints; it exits 5 when the tool's result is isError (still printed).
async function inspect(era, ...args) {
  let stdout;
  try {
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      [launcher, "--cli", "--protocol-era", era, "--format", "json", "--quiet",
       "-e", `CODEX_MCP_STATE_DIR=${stateDir}`, binary, ...args],
      { env: { ...process.env, HOME: home }, timeout: 60_000 }));
  } catch (error) {
    if (error.code !== 5) throw error;
    stdout = error.stdout;
  }
  return JSON.parse(stdout).result;
}

const serverInfoKey = "io.modelcontextprotocol/serverInfo";

for (const era of ["modern", "auto"]) {
  await check(`${era}: lists the five tools`, async () => {
    const { tools } = await inspect(era, "--method", "tools/list");
    assert.deepEqual(tools.map((t) => t.name).sort(),
                     ["codex", "codex_check", "codex_reply", "codex_session", "codex_setup"]);
  });

  await check(`${era}: calls codex_setup, answered in the modern era`, async () => {
    const result = await inspect(era, "--method", "tools/call", "--tool-name", "codex_setup");
    assert.equal(result._meta?.[serverInfoKey]?.name, "codex-mcp");
    assert.notEqual(result.isError, true);
    assert.equal(JSON.parse(result.content[0].text).stateDir.path, stateDir);
  });

  await check(`${era}: calls codex_session with bad arguments: an isError result`, async () => {
    const result = await inspect(era, "--method", "tools/call", "--tool-name", "codex_session",
                                 "--tool-arg", "action=get");
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /^Error \[INVALID_ARGUMENT\]/);
  });

  await check(`${era}: reads a resource, answered in the modern era`, async () => {
    const result = await inspect(era, "--method", "resources/read", "--uri",
                                 "codex-mcp:///server-info");
    assert.equal(result._meta?.[serverInfoKey]?.name, "codex-mcp");
    assert.equal(JSON.parse(result.contents[0].text).stateDir, stateDir);
  });
}

rmSync(home, { recursive: true, force: true });
finish();
