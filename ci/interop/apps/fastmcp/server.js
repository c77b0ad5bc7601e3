// A minimal fastmcp server, written as its README shows: stdio by default,
// Streamable HTTP ("httpStream") when PORT is set. No annotations, no declared limits.
import { FastMCP } from 'fastmcp';
import { z } from 'zod';

const server = new FastMCP({ name: 'interop-fastmcp', version: '1.0.0' });
server.addTool({
  name: 'add',
  description: 'Adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => String(a + b),
});
server.addResource({
  uri: 'memo://greeting',
  name: 'greeting',
  mimeType: 'text/plain',
  load: async () => ({ text: 'hello from fastmcp' }),
});
server.addPrompt({
  name: 'explain',
  description: 'Explains a topic',
  arguments: [{ name: 'topic', description: 'What to explain', required: true }],
  load: async ({ topic }) => `Explain ${topic} briefly.`,
});
const port = Number(process.env.PORT || 0);
if (port) server.start({ transportType: 'httpStream', httpStream: { port, host: '127.0.0.1', endpoint: '/mcp' } });
else server.start({ transportType: 'stdio' });
