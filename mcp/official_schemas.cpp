#include "mcp/official_schemas.h"

#include <map>
#include <memory>
#include <mutex>

namespace mcp {

namespace embedded {
std::string_view schema_2024_11_05();
std::string_view schema_2025_03_26();
std::string_view schema_2025_06_18();
std::string_view schema_2025_11_25();
std::string_view schema_2026_07_28();
}  // namespace embedded

using json = nlohmann::json;

const SchemaValidator* official_schema(std::string_view version) {
  static const std::map<std::string_view, std::string_view (*)()> kTexts = {
      {"2024-11-05", &embedded::schema_2024_11_05}, {"2025-03-26", &embedded::schema_2025_03_26},
      {"2025-06-18", &embedded::schema_2025_06_18}, {"2025-11-25", &embedded::schema_2025_11_25},
      {"2026-07-28", &embedded::schema_2026_07_28},
  };
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<SchemaValidator>> parsed;
  auto text = kTexts.find(version);
  if (text == kTexts.end()) return nullptr;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = parsed[std::string(version)];
  if (!slot) slot = std::make_unique<SchemaValidator>(json::parse(text->second()));
  return slot.get();
}

namespace {

const json& definitions_of(const SchemaValidator& schema) {
  static const json kEmpty = json::object();
  const json& doc = schema.document();
  if (auto it = doc.find("$defs"); it != doc.end()) return *it;
  if (auto it = doc.find("definitions"); it != doc.end()) return *it;
  return kEmpty;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string method_definition_for(const SchemaValidator& schema, std::string_view method, std::string_view suffix) {
  for (const auto& [name, def] : definitions_of(schema).items()) {
    if (!ends_with(name, suffix) || !def.is_object()) continue;
    const json* constant = nullptr;
    if (auto props = def.find("properties"); props != def.end() && props->is_object()) {
      if (auto m = props->find("method"); m != props->end() && m->is_object() && m->contains("const")) {
        constant = &(*m)["const"];
      }
    }
    if (constant && *constant == method) return name;
  }
  return {};
}

std::string result_definition_for(const SchemaValidator& schema, std::string_view request_method) {
  std::string request = method_definition_for(schema, request_method, "Request");
  if (!request.empty()) {
    std::string candidate = request.substr(0, request.size() - 7) + "Result";
    if (schema.has_definition(candidate)) return candidate;
  }
  return schema.has_definition("EmptyResult") ? "EmptyResult" : "Result";
}

std::vector<SchemaError> validate_server_message(const SchemaValidator& schema, const json& message,
                                                 std::string_view answered_method) {
  auto prefixed = [](std::vector<SchemaError> errors, const std::string& definition) {
    for (SchemaError& e : errors) e.message = definition + ": " + e.message;
    return errors;
  };
  if (message.is_array() && schema.has_definition("JSONRPCBatchResponse")) {
    // 2025-03-26 batches: each element is a message of its own (what each answers is not tracked).
    std::vector<SchemaError> errors;
    for (std::size_t i = 0; i < message.size(); ++i) {
      for (SchemaError& e : validate_server_message(schema, message[i], "")) {
        e.instance_pointer = "/" + std::to_string(i) + e.instance_pointer;
        errors.push_back(std::move(e));
      }
    }
    return errors;
  }
  if (!message.is_object()) return {{"", "", "message is not a JSON object"}};
  if (message.contains("method")) {
    std::string method = message["method"].is_string() ? message["method"].get<std::string>() : "";
    bool is_request = message.contains("id");
    std::string definition = method_definition_for(schema, method, is_request ? "Request" : "Notification");
    // 2026-07-28 moved tasks to an extension, which reserves "notifications/tasks";
    // its notifications are the tasks.* checks' to judge, not the core schema's.
    bool extension_notification = !is_request && method.rfind("notifications/tasks", 0) == 0 && !schema.has_definition("Task");
    if (definition.empty() && extension_notification) return {};
    if (definition.empty()) {
      return {{"/method", "", "\"" + method + "\" is not a server " +
                                   std::string(is_request ? "request" : "notification") + " in this protocol version"}};
    }
    return prefixed(schema.validate_definition(message, definition), definition);
  }
  if (message.contains("error")) {
    std::string envelope = schema.has_definition("JSONRPCErrorResponse") ? "JSONRPCErrorResponse" : "JSONRPCError";
    if (message.contains("id") && message["id"].is_null()) {
      // JSON-RPC 2.0 § 5 requires "id": null when the request id could not be read;
      // the MCP schemas type id as string|integer. JSON-RPC wins: validate the rest.
      json without_id = message;
      without_id.erase("id");
      if (envelope == "JSONRPCError") without_id["id"] = 0;  // older schemas require an id
      return prefixed(schema.validate_definition(without_id, envelope), envelope);
    }
    return prefixed(schema.validate_definition(message, envelope), envelope);
  }
  std::string envelope = schema.has_definition("JSONRPCResultResponse") ? "JSONRPCResultResponse" : "JSONRPCResponse";
  std::vector<SchemaError> errors = prefixed(schema.validate_definition(message, envelope), envelope);
  if (errors.empty() && message.contains("result") && !answered_method.empty()) {
    std::string definition = result_definition_for(schema, answered_method);
    // 2026-07-28: a request may be answered with an InputRequiredResult instead (mrtr.mdx).
    const json& result = message["result"];
    bool input_required = result.is_object() && result.contains("resultType") && result["resultType"] == "input_required";
    if (input_required && schema.has_definition("InputRequiredResult")) definition = "InputRequiredResult";
    // A task instead of the result. 2025-11-25: a task-augmented request gets
    // CreateTaskResult {task}; 2026-07-28: resultType "task" belongs to the tasks
    // extension, whose schema is not the core's (the tasks.* checks judge it).
    bool legacy_task = result.is_object() && result.contains("task") && !result.contains("content");
    if (legacy_task && schema.has_definition("CreateTaskResult")) definition = "CreateTaskResult";
    if (result.is_object() && result.value("resultType", json()) == "task") return errors;
    for (SchemaError& e : prefixed(schema.validate_definition(message["result"], definition), definition)) {
      e.instance_pointer = "/result" + e.instance_pointer;
      errors.push_back(std::move(e));
    }
  }
  return errors;
}

}  // namespace mcp
