#include "reference-server/domain/domain.h"
#include "reference-server/storage/idempotency.h"

namespace mcp::server {

using json = nlohmann::json;

json object_schema(json properties, json required) {
  return {{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)},
          {"additionalProperties", false}};
}

json idempotency_key_property() {
  return {{"type", "string"}, {"minLength", 1}, {"maxLength", 128},
          {"description", "Unique per intended write; a retry with the same key returns the first result"}};
}

json write_annotations() {
  return {{"readOnlyHint", false}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
}

json read_annotations() { return {{"readOnlyHint", true}, {"openWorldHint", false}}; }

ToolResult idempotent_tool_result(Database& db, const ToolContext& ctx, const std::string& tool,
                                  const std::function<StatusOr<json>(SqlConnection&)>& write) {
  json request = ctx.arguments();
  std::string key = request["idempotency_key"];
  request.erase("idempotency_key");
  auto outcome = run_idempotent(db, ctx.session().owner(), tool, key, request, write);
  if (!outcome.ok()) {
    std::string code = outcome.status().code() == StatusCode::kFailedPrecondition ? "idempotency_conflict"
                       : outcome.status().code() == StatusCode::kNotFound          ? "not_found"
                                                                                   : "storage_error";
    return error_result(outcome.status().message(), {{"code", code}});
  }
  json result = outcome->result;
  result["replayed"] = outcome->replayed;
  return structured_result(result);
}

}  // namespace mcp::server
