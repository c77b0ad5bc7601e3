// Tools in registration order. Registering validates the spec once, so a bad
// name or schema is a start-up error rather than a runtime surprise.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mcp/json_schema.h"
#include "mcp/request_headers.h"
#include "mcp/status.h"
#include "reference-server/core/tool.h"

namespace mcp::server {

struct RegisteredTool {
  ToolSpec spec;
  ToolHandler handler;
  std::shared_ptr<SchemaValidator> input_validator;
  std::shared_ptr<SchemaValidator> output_validator;  // null without an outputSchema
  std::vector<HeaderParameter> header_parameters;     // x-mcp-header annotations of the inputSchema
};

class ToolRegistry {
 public:
  // Fails on a duplicate name, a name outside [A-Za-z0-9_.-]{1,128}, an input
  // schema whose root is not an object schema, or an invalid x-mcp-header.
  Status add(ToolSpec spec, ToolHandler handler);
  const RegisteredTool* find(const std::string& name) const;
  // Sets one key of a registered tool's _meta (what tools/list shows).
  Status set_meta(const std::string& name, const std::string& key, nlohmann::json value);
  const std::vector<RegisteredTool>& all() const { return tools_; }

 private:
  std::vector<RegisteredTool> tools_;
};

bool is_valid_tool_name(const std::string& name);

}  // namespace mcp::server
