// A minimal server on the official TypeScript SDK's low-level Server class over stdio,
// with request handlers registered by schema, as the SDK's README shows.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const server = new Server({ name: 'interop-sdk-low-level', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [{
    name: 'add',
    description: 'Adds two numbers',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  }],
}));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name !== 'add') throw new Error(`Unknown tool: ${request.params.name}`);
  const { a, b } = request.params.arguments ?? {};
  return { content: [{ type: 'text', text: String(Number(a) + Number(b)) }] };
});
await server.connect(new StdioServerTransport());
