// An application is assembled from parts: each part registers its tools (and any
// resources and prompts) and brings the lifecycle schedule and costs of its tools, so
// a part can be added or left out as a whole. The reference server is the demo,
// invoices and tickets; a server copied from it (docs/template.md) starts from no part
// and adds its own.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcp/status.h"
#include "reference-server/core/server.h"
#include "reference-server/storage/database.h"

namespace mcp::server {

struct AppPart {
  std::string name;
  std::function<Status(McpServer&, Database&)> install;
  // {"tool_vN": {"status", "sunset", "replacement"}}: merged into the schedule.
  nlohmann::json tool_lifecycle = nlohmann::json::object();
  // {"tool_vN": {"cost": N, "per_second": R, "burst": B}}: defaults under the limits' "tools".
  nlohmann::json tool_limits = nlohmann::json::object();
};

AppPart demo_part();      // tools for every protocol feature, resources, prompts
AppPart invoices_part();  // the invoice domain on the database
AppPart tickets_part();   // the ticket domain, with a retired and a deprecated version
// The official conformance suite's fixtures (mcp-reference-server --conformance).
AppPart conformance_part();
// demo, invoices, tickets: what mcp-reference-server serves.
std::vector<AppPart> reference_parts();

}  // namespace mcp::server
