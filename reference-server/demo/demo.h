// The demo content the reference server ships: tools, resources and prompts that
// exercise every protocol feature (structured output, progress, cancellation).
#pragma once

#include "mcp/status.h"
#include "reference-server/core/server.h"

namespace mcp::server {

Status register_demo_tools(McpServer& server);
Status register_demo_resources(McpServer& server);
Status register_demo_prompts(McpServer& server);

}  // namespace mcp::server
