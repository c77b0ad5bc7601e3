// The baseline: the official TypeScript SDK serving one echo tool, as its README
// shows. `node server.mjs --stdio`, or `node server.mjs --http PORT` (Streamable
// HTTP, stateful sessions, JSON responses).
import { randomUUID } from "node:crypto";
import express from "express";
import { z } from "zod";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";

function makeServer() {
  const server = new McpServer({ name: "ts-sdk-baseline", version: "1.0.0" });
  server.registerTool(
    "echo_v1",
    { description: "Echoes the message", inputSchema: { message: z.string() }, annotations: { readOnlyHint: true } },
    async ({ message }) => ({ content: [{ type: "text", text: message }] }),
  );
  return server;
}

const mode = process.argv[2];
if (mode === "--stdio") {
  await makeServer().connect(new StdioServerTransport());
} else if (mode === "--http") {
  const port = Number(process.argv[3] || 8080);
  const app = express();
  app.use(express.json({ limit: "4mb" }));
  const transports = {};
  app.post("/mcp", async (req, res) => {
    const id = req.headers["mcp-session-id"];
    let transport = id ? transports[id] : undefined;
    if (!transport) {
      if (id || !isInitializeRequest(req.body)) {
        res.status(400).json({ jsonrpc: "2.0", error: { code: -32000, message: "No valid session" }, id: null });
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: true,
        onsessioninitialized: (sid) => { transports[sid] = transport; },
      });
      transport.onclose = () => { if (transport.sessionId) delete transports[transport.sessionId]; };
      await makeServer().connect(transport);
    }
    await transport.handleRequest(req, res, req.body);
  });
  const sessionRequest = async (req, res) => {
    const transport = transports[req.headers["mcp-session-id"]];
    if (!transport) { res.status(400).send("No valid session"); return; }
    await transport.handleRequest(req, res);
  };
  app.get("/mcp", sessionRequest);
  app.delete("/mcp", sessionRequest);
  app.listen(port, "127.0.0.1");
} else {
  console.error("usage: node server.mjs --stdio | --http PORT");
  process.exit(2);
}
