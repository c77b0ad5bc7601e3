// A minimal mcp-framework server over stdio, as its README shows: the framework
// loads tool classes from ./tools (basePath is this folder).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MCPServer } from 'mcp-framework';

const server = new MCPServer({ name: 'interop-mcp-framework', version: '1.0.0', basePath: dirname(fileURLToPath(import.meta.url)) });
await server.start();
