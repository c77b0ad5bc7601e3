// The tools/call path of the core: arguments validated, the filter chain around the
// handler, what the handler needs from the client (input required, -32021), the
// switch to a task, and the output checked against the tool's outputSchema.
#include "mcp/protocol_version.h"
#include "reference-server/core/event_log.h"
#include "reference-server/core/server.h"

namespace mcp::server {

using json = nlohmann::json;
namespace protocol = mcp::protocol;

bool McpServer::runs_inline(const jsonrpc::Message& message) const {
  if (message.method() != "tools/call" || filters_.may_block()) return false;
  const RegisteredTool* tool = tools_.find(jsonrpc::string_member(message.params(), "name"));
  return tool && tool->spec.never_blocks && tool->spec.task_support == TaskSupport::kForbidden;
}

McpServer::Outcome McpServer::call_tool(const Request& r) {
  auto name = r.params.find("name");
  if (name == r.params.end() || !name->is_string()) return invalid_params("tools/call requires params.name (a string)");
  const RegisteredTool* tool = tools_.find(name->get<std::string>());
  if (!tool) return invalid_params("Unknown tool: " + name->get<std::string>(), {{"name", *name}});
  json arguments = r.params.value("arguments", json::object());
  if (!arguments.is_object()) return invalid_params("tools/call params.arguments must be an object");

  auto revision = protocol::find_revision(r.session.protocol_version());
  std::vector<SchemaError> errors = tool->input_validator->validate(arguments);
  if (!errors.empty()) {
    std::string message = "Invalid arguments for tool " + tool->spec.name + ": " + describe_errors(errors);
    // SEP-1303 (2025-11-25): input validation failures are tool execution errors the model can read.
    if (revision && revision->input_errors_in_result) return error_result(message);
    return invalid_params(message);
  }
  return invoke_tool(*tool, arguments, r);
}

McpServer::Outcome McpServer::invoke_tool(const RegisteredTool& tool, const json& arguments, const Request& r) {
  TaskAsk ask = task_ask(r);
  if (auto refused = task_refusal(tool, ask, r)) return *refused;  // before any filter: no work can be done
  if (tool.spec.task_support == TaskSupport::kForbidden) ask = TaskAsk::kNone;
  json meta = r.params.value("_meta", json::object());
  if (!meta.is_object()) meta = json::object();
  ToolCall call{tool.spec.name, arguments, meta, r.session};
  std::size_t ran = 0;
  FilterVerdict verdict = filters_.run(call, ran);
  json result;
  std::optional<RpcError> refused;  // a protocol error instead of a tool result
  if (!verdict.proceeds()) {
    result = verdict.response();
    if (verdict.refused() && r.scope) r.scope->on_refused(filters_.name_of(ran - 1));
  } else {
    ToolContext context(arguments, meta.value("progressToken", json()), r.cancelled, r.session, r.out);
    if (ask != TaskAsk::kNone) context.set_task_mode(ToolContext::TaskMode::kMayBecomeTask);
    result = run_handler(tool, context);
    refused = settle_client_input(context, r, "tools/call", tool.spec.name, arguments, result);
    if (!refused && context.failure()) refused = RpcError{context.failure()->code, context.failure()->message, nullptr};
    if (!refused && !context.client_input_needed() && context.became_task()) {
      Outcome started = start_task(tool, arguments, context, r, ask);
      if (auto* error = std::get_if<RpcError>(&started)) refused = *error;
      else result = std::get<json>(std::move(started));
    } else {
      check_output(tool, result);
    }
  }
  filters_.complete(call, result, ran);
  if (refused) return *refused;
  shape_for_revision(result, r.session.protocol_version());
  return result;
}

void McpServer::shape_for_revision(json& result, const std::string& protocol_version) {
  auto revision = protocol::find_revision(protocol_version);
  if (revision && !revision->structured_content) result.erase("structuredContent");
}

json McpServer::run_handler(const RegisteredTool& tool, ToolContext& context) {
  if (shared_executions_.add) {
    shared_executions_.add(tool.spec.name);
  } else {
    std::lock_guard<std::mutex> lock(executions_mutex_);
    ++executions_[tool.spec.name];
  }
  try {
    return tool.handler(context);
  } catch (const std::exception& e) {
    // An exception is a bug, not an answer: its text (paths, SQL, stack details)
    // goes to the server's log, never to the model, which gets a tool error it can report.
    log_event("error", "tool_failed", {{"tool", tool.spec.name}, {"error", e.what()}});
    return error_result("Tool " + tool.spec.name + " failed unexpectedly; the server logged the details.");
  }
}

void McpServer::check_output(const RegisteredTool& tool, json& result) const {
  bool final_result = result.value("resultType", "complete") == "complete";
  if (!tool.output_validator || !final_result || result.value("isError", false)) return;
  auto structured = result.find("structuredContent");
  std::vector<SchemaError> violations = structured == result.end()
                                            ? std::vector<SchemaError>{{"", "", "structuredContent is missing"}}
                                            : tool.output_validator->validate(*structured);
  if (!violations.empty()) {
    result = error_result("Tool " + tool.spec.name + " produced output violating its outputSchema: " + describe_errors(violations));
  }
}

std::optional<RpcError> McpServer::settle_client_input(const ToolContext& context, const Request& r, const std::string& method,
                                                       const std::string& name, const json& arguments, json& result) const {
  const auto& needed = context.client_input_needed();
  if (!needed) return std::nullopt;
  if (const auto* asked = std::get_if<InputRequired>(&*needed)) {
    // Sealed even with no answers yet: the retry is then bound to this caller and request.
    result = asked->result(request_state_.seal(asked->answered, {r.session.principal(), input_target(method, name), arguments},
                                                RequestStateSealer::now()));
    return std::nullopt;
  }
  const std::string& capability = std::get<MissingClientCapability>(*needed).capability;
  std::string message = "This request needs the client capability \"" + capability + "\"";
  result = error_result(message);
  return RpcError{jsonrpc::kMissingRequiredClientCapability, message, {{"requiredCapabilities", {{capability, json::object()}}}}};
}

}  // namespace mcp::server
