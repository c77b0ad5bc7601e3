// The official conformance suite's fixtures (npm @modelcontextprotocol/conformance):
// the tools, resources and prompts its server scenarios call by name. Off by default,
// on with `mcp-reference-server --conformance`, so that ci/official-suite.sh can hold
// the reference server to the official suite as a floor. Their names carry no version
// suffix because the suite fixes them; the production profile does not apply here.
#pragma once

#include "mcp/status.h"
#include "reference-server/core/server.h"

namespace mcp::server {

Status register_conformance_fixtures(McpServer& server);
// The 0.2.x fixtures that ask the client for input (input_fixtures.cpp).
Status register_input_fixtures(McpServer& server);
// The tasks-* fixtures (task_fixtures.cpp).
Status register_task_fixtures(ToolRegistry& tools);

}  // namespace mcp::server
