// The README's AddTool, in plain JavaScript.
import { MCPTool } from 'mcp-framework';
import { z } from 'zod';

class AddTool extends MCPTool {
  name = 'add';
  description = 'Adds two numbers';
  schema = z.object({ a: z.number().describe('First number'), b: z.number().describe('Second number') });

  async execute(input) {
    return `Result: ${input.a + input.b}`;
  }
}

export default AddTool;
