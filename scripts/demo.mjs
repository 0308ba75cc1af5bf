// The main job's demo: an MCP client (the official TypeScript SDK) talking to
// build/codex-mcp over stdio, printing each exchange the way a client sees it.
// Usage: node scripts/demo.mjs /abs/path/to/codex-mcp
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../.deps/npm/package.json"));
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");

const binary = process.argv[2];
const show = (title, value) => console.log(`\n== ${title}\n${JSON.stringify(value, null, 2)}`);

const transport = new StdioClientTransport({ command: binary, args: [], stderr: "inherit" });
const client = new Client({ name: "codex-mcp-demo", version: "1.0.0" });
await client.connect(transport);
show("initialize", { server: client.getServerVersion(), capabilities: client.getServerCapabilities() });
const { tools } = await client.listTools();
show("tools/list", tools.map((t) => ({ name: t.name, title: t.title, required: t.inputSchema.required ?? [] })));
show("ping", await client.ping());
show("tools/call codex_check with a missing requestId",
     await client.callTool({ name: "codex_check", arguments: { action: "respond_permission", sessionId: "s1" } }));
await client.close();
console.log("\ncodex-mcp answered as an MCP server should; register it with your client (see README).");
