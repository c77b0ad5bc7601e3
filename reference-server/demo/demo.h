// The demo content the reference server ships: tools, resources and prompts that
// exercise every protocol feature (structured output, progress, cancellation).
#pragma once

#include "mcp/status.h"
#include "reference-server/core/server.h"

namespace mcp::server {

// A 1x1 PNG, base64-encoded: the demo's binary resource and the conformance fixtures' image.
inline constexpr const char* kOnePixelPngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

Status register_demo_tools(McpServer& server);
Status register_demo_resources(McpServer& server);
Status register_demo_prompts(McpServer& server);

}  // namespace mcp::server
