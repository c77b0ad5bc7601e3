// The official MCP JSON Schemas (mcp/schemas/<version>/schema.json), embedded at
// build time so the harness binary is self-contained, and the mapping from a
// message to the definition that describes it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/json_schema.h"

namespace mcp {

// Parsed once, on first use; nullptr for a version with no embedded schema.
const SchemaValidator* official_schema(std::string_view version);

// The definition a request's result must match: "tools/list" -> "ListToolsResult",
// methods whose result type is not named after them -> "EmptyResult" or "Result".
std::string result_definition_for(const SchemaValidator& schema, std::string_view request_method);

// The definition whose `method` constant is `method`, among names ending in `suffix`
// ("Request" or "Notification"); empty when the version has no such message.
std::string method_definition_for(const SchemaValidator& schema, std::string_view method, std::string_view suffix);

// Validates a message a server sent: the JSON-RPC envelope and, for results, the
// result type of `answered_method` (the method of the request it answers).
std::vector<SchemaError> validate_server_message(const SchemaValidator& schema, const nlohmann::json& message,
                                                 std::string_view answered_method);

}  // namespace mcp
