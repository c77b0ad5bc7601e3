// The core's side of tasks (reference-server/tasks): which calls may become one, the
// CreateTaskResult, and one run of a task's handler for the TaskEngine.
#include "mcp/protocol_version.h"
#include "reference-server/core/event_log.h"
#include "reference-server/core/server.h"

namespace mcp::server {

using json = nlohmann::json;
namespace protocol = mcp::protocol;

RpcError tasks_extension_required(const std::string& what) {
  return RpcError{jsonrpc::kMissingRequiredClientCapability,
                  what + ": the request must declare the " + std::string(kTasksExtension) + " extension",
                  {{"requiredCapabilities", {{"extensions", {{kTasksExtension, json::object()}}}}}}};
}

bool declares_tasks_extension(const Session& session) {
  json capabilities = session.client_capabilities();
  if (!capabilities.is_object() || !capabilities.contains("extensions")) return false;
  const json& extensions = capabilities["extensions"];
  return extensions.is_object() && extensions.contains(kTasksExtension) && extensions[kTasksExtension].is_object();
}

void McpServer::enable_tasks(std::shared_ptr<TaskStore> store, TaskOptions options) {
  tasks_ = std::make_unique<TaskEngine>(
      std::move(store), [this](TaskRecord& task, const CancelFlag& cancelled) { execute_task(task, cancelled); }, options);
  if (std::size_t resumed = tasks_->resume()) log_event("info", "tasks_resumed", {{"count", resumed}});
}

McpServer::TaskAsk McpServer::task_ask(const Request& r) const {
  if (!tasks_) return TaskAsk::kNone;
  const std::string& version = r.session.protocol_version();
  if (protocol::is_modern(version)) {
    // SEP-2663: "A server MUST NOT return CreateTaskResult to a client that did not
    // include the extension capability on its request, regardless of prior declarations."
    return declares_tasks_extension(r.session) ? TaskAsk::kExtension : TaskAsk::kNone;
  }
  // 2025-11-25 utilities/tasks: the requestor augments the request with params.task.
  auto task = r.params.find("task");
  bool augmented = task != r.params.end() && task->is_object() && protocol::at_least(version, "2025-11-25");
  return augmented ? TaskAsk::kAugmented : TaskAsk::kNone;
}

std::optional<RpcError> McpServer::task_refusal(const RegisteredTool& tool, TaskAsk ask, const Request& r) const {
  const std::string& name = tool.spec.name;
  if (ask == TaskAsk::kAugmented && tool.spec.task_support == TaskSupport::kForbidden) {
    // 2025-11-25: "Servers SHOULD return a -32601 (Method not found) error if a client attempts to do so."
    return RpcError{jsonrpc::kMethodNotFound, "Tool " + name + " does not run as a task (execution.taskSupport is forbidden)", nullptr};
  }
  if (tool.spec.task_support != TaskSupport::kRequired || ask != TaskAsk::kNone) return std::nullopt;
  if (protocol::is_modern(r.session.protocol_version())) return tasks_extension_required("Tool " + name + " runs only as a task");
  // 2025-11-25: "Servers MUST return a -32601 (Method not found) error if a client does not attempt to do so."
  return RpcError{jsonrpc::kMethodNotFound, "Tool " + name + " runs only as a task: call it with params.task", nullptr};
}

McpServer::Outcome McpServer::start_task(const RegisteredTool& tool, const json& arguments, const ToolContext& context,
                                         const Request& r, TaskAsk ask) {
  TaskRecord seed;
  seed.principal = r.session.principal();
  seed.owner = r.session.owner();
  seed.tool = tool.spec.name;
  seed.arguments = arguments;
  seed.protocol_version = r.session.protocol_version();
  seed.client_capabilities = r.session.client_capabilities();
  // Answers gathered before the task (multi round-trip) go with it: the task's run
  // asks the same questions and finds them answered.
  seed.answers = context.answers_used();
  if (ask == TaskAsk::kAugmented) {
    // 2025-11-25: the requestor may ask for a ttl; the engine caps it at its own.
    const json& requested = r.params["task"];
    if (auto ttl = requested.find("ttl"); ttl != requested.end() && ttl->is_number_integer() && ttl->get<long long>() > 0) {
      seed.ttl_ms = ttl->get<long long>();
    }
  }
  StatusOr<TaskRecord> created = tasks_->create(std::move(seed));
  if (!created.ok()) {
    if (created.status().code() == StatusCode::kResourceExhausted) return error_result(created.status().message());
    log_event("error", "task_not_created", {{"tool", tool.spec.name}, {"error", created.status().message()}});
    return RpcError{jsonrpc::kInternalError, "The task could not be stored", nullptr};
  }
  if (ask == TaskAsk::kAugmented) return json{{"task", legacy_task_fields(*created)}};
  json result = task_fields(*created);
  result["resultType"] = "task";
  return result;
}

void McpServer::execute_task(TaskRecord& task, const CancelFlag& cancelled) {
  auto fail = [&task](int code, const std::string& message) {
    task.status = TaskStatus::kFailed;
    task.status_message = message;
    task.error = {{"code", code}, {"message", message}};
  };
  const RegisteredTool* tool = tools_.find(task.tool);
  if (!tool) return fail(jsonrpc::kInternalError, "Tool " + task.tool + " is no longer served");
  Session session(task.id);
  session.set_principal(task.principal);
  session.set_owner(task.owner);
  session.begin(task.protocol_version, task.client_capabilities, json::object());
  // Questions asked inside a task wait in its inputRequests for tasks/update.
  session.set_input_responses(task.answers);
  DiscardOutbound out;  // a task has no response stream: its state is what tasks/get returns
  ToolContext context(task.arguments, json(), cancelled, session, out);
  context.set_task_mode(ToolContext::TaskMode::kInTask);
  json result = run_handler(*tool, context);
  if (cancelled->load()) {
    task.status = TaskStatus::kCancelled;
    return;
  }
  if (const auto& needed = context.client_input_needed()) {
    if (const auto* asked = std::get_if<InputRequired>(&*needed)) {
      task.status = TaskStatus::kInputRequired;
      task.status_message = "Waiting for the client's input";
      task.input_requests = asked->requests;
      return;
    }
    return fail(jsonrpc::kMissingRequiredClientCapability, "The task needs the client capability \"" +
                                                               std::get<MissingClientCapability>(*needed).capability + "\"");
  }
  if (const auto& failure = context.failure()) return fail(failure->code, failure->message);
  check_output(*tool, result);
  shape_for_revision(result, task.protocol_version);
  // SEP-2663: a tool error is completed ("This includes tool calls that returned results
  // with isError: true"); 2025-11-25 called it failed, and tasks/result still returns it.
  bool tool_error = result.value("isError", false);
  task.status = tool_error && !protocol::is_modern(task.protocol_version) ? TaskStatus::kFailed : TaskStatus::kCompleted;
  if (tool_error) task.status_message = "The tool reported an error";
  task.result = std::move(result);
}

}  // namespace mcp::server
