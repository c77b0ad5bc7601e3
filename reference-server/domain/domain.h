// The demo business domain on SQLite: invoices (create v1 and v2, get, list) and
// tickets (create, update, search v0 retired / v1 deprecated / v2 current).
// Writes take an idempotency key; reads are annotated read-only.
#pragma once

#include "mcp/status.h"
#include "reference-server/core/server.h"
#include "reference-server/storage/database.h"

namespace mcp::server {

Status register_invoice_tools(McpServer& server, Database& db);
Status register_ticket_tools(McpServer& server, Database& db);

// Schema helpers shared by the domain tools.
nlohmann::json object_schema(nlohmann::json properties, nlohmann::json required);
nlohmann::json idempotency_key_property();
nlohmann::json write_annotations();
nlohmann::json read_annotations();
// Runs an idempotent write for the caller's principal (ctx's session owner) with the
// call's arguments, and turns storage failures into tool errors.
ToolResult idempotent_tool_result(Database& db, const ToolContext& ctx, const std::string& tool,
                                  const std::function<StatusOr<nlohmann::json>(SqlConnection&)>& write);

}  // namespace mcp::server
