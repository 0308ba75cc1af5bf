// Approvals for the person with a 2025 client: the official TypeScript SDK (1.32.2)
// declares elicitation and answers elicitation/create, against build/codex-mcp started with
// `--approvals person`, the real codex app-server and the mock model.
// - a command approval arrives as a dialog; accepting it runs the command;
// - a declined dialog leaves the approval pending for the caller, who answers it;
// - an answer the caller gave first wins: the dialog is withdrawn (notifications/cancelled).
// Usage: node person_approvals_test.mjs /abs/path/to/codex-mcp
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
const { ElicitRequestSchema } = require("@modelcontextprotocol/sdk/types.js");

const binary = process.argv[2];
assert.ok(binary, "usage: node person_approvals_test.mjs /path/to/codex-mcp");

const codex = path.join(here, "../../.deps/npm/node_modules/.bin/codex");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "codex-mcp-person-"));
const work = path.join(root, "work");
fs.mkdirSync(work);
// Each prompt names the file its command creates: the file exists iff the command ran.
const rules = { rules: ["accepted", "caller", "first"].map((name) => ({
  when: { userTextContains: `touch ${name}` },
  reply: { exec: { cmd: `touch ${name}.txt`, escalated: true, justification: `make ${name}` } },
})) };
fs.writeFileSync(path.join(root, "rules.json"), JSON.stringify(rules));
const model = spawn(process.execPath, [path.join(here, "../fixtures/mock_model.mjs"),
                                       "--script", path.join(root, "rules.json"),
                                       "--port-file", path.join(root, "port")],
                    { stdio: ["pipe", "ignore", "inherit"] });

// What the "person" does with the next dialog: set per check.
let person = async () => ({ action: "cancel" });
const dialogs = [];

try {
  while (!fs.existsSync(path.join(root, "port"))) await new Promise((r) => setTimeout(r, 50));
  const { writeCodexHome, offlineServerEnv } = await import("../fixtures/codex_home.mjs");
  fs.mkdirSync(path.join(root, "home"));
  writeCodexHome(path.join(root, "home"), Number(fs.readFileSync(path.join(root, "port"), "utf8")));
  const client = new Client({ name: "codex-mcp-person-test", version: "1.0.0" },
                            { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
    dialogs.push(request.params);
    return person(request.params, extra);
  });
  await client.connect(new StdioClientTransport({
    command: binary,
    args: ["--approvals", "person"],
    env: offlineServerEnv(root, path.join(root, "home"), codex),
    stderr: "inherit",
  }));
  const call = async (name, args) => {
    const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 180000 });
    assert.ok(!result.isError, JSON.stringify(result));
    return result.structuredContent;
  };
  const start = (prompt, advanced = {}) => call("codex", {
    prompt, approvalPolicy: "on-request", sandbox: "read-only", cwd: work, advanced });
  const waitForEnd = async (sessionId) => {
    for (let i = 0; i < 60; i++) {
      const poll = await call("codex_check", { action: "poll", sessionId, maxEvents: 0,
                                               pollOptions: { waitMs: 5000, finalOnly: true } });
      if (!["running", "waiting_approval", "starting"].includes(poll.status)) return poll;
    }
    assert.fail("the turn did not end");
  };

  await check("a command approval is a dialog for the person; accepting it runs the command", async () => {
    person = async () => ({ action: "accept", content: { decision: "accept" } });
    const reply = await start("please touch accepted", { waitForResult: 120000 });
    // The wait went on while the person was asked: the caller gets the turn's result.
    assert.equal(reply.status, "idle", JSON.stringify(reply));
    assert.ok(fs.existsSync(path.join(work, "accepted.txt")), "the command ran");
    assert.equal(dialogs.length, 1);
    const dialog = dialogs[0];
    assert.equal(dialog.mode, "form");
    assert.match(dialog.message, /touch accepted\.txt/);
    assert.match(dialog.message, /make accepted/);
    assert.match(dialog.message, new RegExp(work.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    const decision = dialog.requestedSchema.properties.decision;
    assert.deepEqual(dialog.requestedSchema.required, ["decision"]);
    assert.ok(decision.oneOf.some((choice) => choice.const === "accept"));
    assert.ok(decision.oneOf.some((choice) => choice.const === "decline"));
    // The turn's events say who decided what.
    const events = await call("codex_check", { action: "poll", sessionId: reply.sessionId,
                                               cursor: 0, maxEvents: 500, responseMode: "full" });
    assert.ok(events.events.some((e) => e.type === "approval_result" &&
                                        e.data.decision === "accept" && e.data.by === "person"),
              JSON.stringify(events.events.filter((e) => e.type === "approval_result")));
  });

  await check("a declined dialog leaves the approval pending for the caller, who answers it", async () => {
    dialogs.length = 0;
    person = async () => ({ action: "decline" });
    const reply = await start("please touch caller", { waitForResult: 120000 });
    assert.equal(dialogs.length, 1);
    assert.equal(reply.status, "waiting_approval", JSON.stringify(reply));
    assert.equal(reply.execution.reason, "needs_caller");
    assert.equal(reply.actions.length, 1);
    const action = reply.actions[0];
    assert.equal(action.kind, "command_approval");
    assert.ok(!action.heldForPerson, "back with the caller");
    assert.equal(typeof action.expiresAt, "number", "with a fresh approval timeout");
    assert.ok(!fs.existsSync(path.join(work, "caller.txt")), "not approved by the decline");
    await call("codex_check", { action: "respond_permission", sessionId: reply.sessionId,
                                requestId: action.requestId, decision: "accept" });
    const done = await waitForEnd(reply.sessionId);
    assert.equal(done.status, "idle", JSON.stringify(done));
    assert.ok(fs.existsSync(path.join(work, "caller.txt")), "the caller's accept ran it");
  });

  await check("the caller's answer wins: the dialog is withdrawn, a late answer changes nothing", async () => {
    dialogs.length = 0;
    let answerDialog;
    let withdrawn;
    const asked = new Promise((resolve) => {
      person = (params, extra) => new Promise((answer) => {
        answerDialog = answer;
        withdrawn = new Promise((gone) => extra.signal.addEventListener("abort", gone));
        resolve();
      });
    });
    const reply = await start("please touch first");
    await asked;
    const poll = await call("codex_check", { action: "poll", sessionId: reply.sessionId,
                                             maxEvents: 0 });
    assert.equal(poll.actions.length, 1, JSON.stringify(poll));
    assert.equal(poll.actions[0].heldForPerson, true);
    assert.equal(poll.actions[0].expiresAt, null, "no timeout while the person is asked");
    assert.equal(poll.recommendedNextAction, "poll", "the person's to answer: the caller waits");
    await call("codex_check", { action: "respond_permission", sessionId: reply.sessionId,
                                requestId: poll.actions[0].requestId, decision: "decline" });
    await withdrawn;  // notifications/cancelled for the dialog's request
    answerDialog({ action: "accept", content: { decision: "accept" } });
    const done = await waitForEnd(reply.sessionId);
    assert.equal(done.status, "idle", JSON.stringify(done));
    assert.ok(!fs.existsSync(path.join(work, "first.txt")), "the caller's decline stood");
    assert.deepEqual(await client.ping(), {});
  });

  await client.close();
} finally {
  model.kill();
  fs.rmSync(root, { recursive: true, force: true });
}

finish();
