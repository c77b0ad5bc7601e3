// A minimal tmcp server over stdio, written as its README shows: one tool, one
// resource, one prompt. No annotations, no declared limits, no telemetry.
import { McpServer } from 'tmcp';
import { ZodJsonSchemaAdapter } from '@tmcp/adapter-zod';
import { StdioTransport } from '@tmcp/transport-stdio';
import { tool, resource, prompt } from 'tmcp/utils';
import { z } from 'zod';

const server = new McpServer(
  { name: 'interop-tmcp', version: '1.0.0', description: 'interop corpus: tmcp' },
  { adapter: new ZodJsonSchemaAdapter(), capabilities: { tools: {}, resources: {}, prompts: {} } },
);
server.tool(
  { name: 'add', description: 'Adds two numbers', schema: z.object({ a: z.number(), b: z.number() }) },
  async ({ a, b }) => tool.text(String(a + b)),
);
server.resource(
  { name: 'greeting', description: 'A greeting', uri: 'memo://greeting' },
  async (uri) => resource.text(uri, 'hello from tmcp'),
);
server.prompt(
  { name: 'explain', description: 'Explains a topic', schema: z.object({ topic: z.string() }) },
  async ({ topic }) => prompt.message(`Explain ${topic} briefly.`),
);
new StdioTransport(server).listen();
