#include "reference-server/core/tool_registry.h"

namespace mcp::server {

bool is_valid_tool_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.';
    if (!ok) return false;
  }
  return true;
}

Status ToolRegistry::add(ToolSpec spec, ToolHandler handler) {
  if (!is_valid_tool_name(spec.name)) return invalid_argument("tool name \"" + spec.name + "\" is not [A-Za-z0-9_.-]{1,128}");
  if (find(spec.name)) return invalid_argument("tool \"" + spec.name + "\" is already registered");
  if (!spec.input_schema.is_object() || spec.input_schema.value("type", "") != "object") {
    return invalid_argument("tool \"" + spec.name + "\": inputSchema must be an object schema with type \"object\"");
  }
  if (!spec.output_schema.is_null() &&
      (!spec.output_schema.is_object() || spec.output_schema.value("type", "") != "object")) {
    return invalid_argument("tool \"" + spec.name + "\": outputSchema must be an object schema with type \"object\"");
  }
  if (!handler) return invalid_argument("tool \"" + spec.name + "\" has no handler");
  HeaderParameters headers = mcp::header_parameters(spec.input_schema);
  if (!headers.invalid.empty()) return invalid_argument("tool \"" + spec.name + "\": " + headers.invalid);
  RegisteredTool tool{std::move(spec), std::move(handler), nullptr, nullptr, std::move(headers.parameters)};
  tool.input_validator = std::make_shared<SchemaValidator>(tool.spec.input_schema);
  if (!tool.spec.output_schema.is_null()) tool.output_validator = std::make_shared<SchemaValidator>(tool.spec.output_schema);
  tools_.push_back(std::move(tool));
  return ok_status();
}

const RegisteredTool* ToolRegistry::find(const std::string& name) const {
  for (const RegisteredTool& tool : tools_) {
    if (tool.spec.name == name) return &tool;
  }
  return nullptr;
}

Status ToolRegistry::set_meta(const std::string& name, const std::string& key, nlohmann::json value) {
  for (RegisteredTool& tool : tools_) {
    if (tool.spec.name != name) continue;
    if (!tool.spec.meta.is_object()) tool.spec.meta = nlohmann::json::object();
    tool.spec.meta[key] = std::move(value);
    return ok_status();
  }
  return not_found("no tool named " + name);
}

}  // namespace mcp::server
