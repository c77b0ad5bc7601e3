#include "harness/client/task_requests.h"

namespace mcp::harness {

using json = nlohmann::json;

json task_call_params(const McpClient& client, const json& tool, const json& arguments, const json& modern_meta) {
  json params = {{"name", tool}, {"arguments", arguments}};
  if (client.per_request()) params["_meta"] = modern_meta;
  else params["task"] = json::object();
  return params;
}

json created_task(const McpClient& client, const json& result) {
  if (!result.is_object()) return json();
  if (client.per_request()) return result.value("resultType", "") == "task" ? result : json();
  json task = result.value("task", json());
  return task.is_object() ? task : json();
}

}  // namespace mcp::harness
