// The io.modelcontextprotocol/tasks extension's methods (SEP-2663): tasks/get returns
// the DetailedTask, tasks/update feeds answers to outstanding inputRequests, tasks/cancel
// asks the task to stop. Each needs the extension on its own request (-32021 otherwise),
// and a task another principal created is reported unknown, as any unknown id (-32602).
#include "reference-server/wire/rev2026_07_28/per_request_wire.h"

namespace mcp::server::wire {

using json = nlohmann::json;

namespace {

RpcError unknown_task(const std::string& id) {
  return invalid_params("Failed to retrieve task: no task " + id + " (unknown, expired, or not yours)", {{"taskId", id}});
}

}  // namespace

std::optional<McpServer::Outcome> PerRequestWire::admit_task_request(const McpServer::Request& r, std::string& task_id) const {
  if (!server_.tasks_) return RpcError{jsonrpc::kMethodNotFound, "Method not found: this server runs no tasks", nullptr};
  if (!declares_tasks_extension(r.session)) return tasks_extension_required("tasks/* methods");
  auto id = r.params.find("taskId");
  if (id == r.params.end() || !id->is_string()) return invalid_params("params.taskId (a string) is required");
  task_id = id->get<std::string>();
  return std::nullopt;
}

McpServer::Outcome PerRequestWire::get_task(const McpServer::Request& r) {
  std::string id;
  if (auto refused = admit_task_request(r, id)) return *refused;
  auto task = server_.tasks_->get(r.session.principal(), id);
  if (!task.ok()) return RpcError{jsonrpc::kInternalError, "Failed to retrieve task: the task store failed", nullptr};
  if (!*task) return unknown_task(id);
  return detailed_task(**task);
}

McpServer::Outcome PerRequestWire::update_task(const McpServer::Request& r) {
  std::string id;
  if (auto refused = admit_task_request(r, id)) return *refused;
  auto responses = r.params.find("inputResponses");
  if (responses == r.params.end() || !responses->is_object()) {
    return invalid_params("tasks/update requires params.inputResponses (an object)");
  }
  auto known = server_.tasks_->update(r.session.principal(), id, *responses);
  if (!known.ok()) return RpcError{jsonrpc::kInternalError, "Failed to update the task: the task store failed", nullptr};
  if (!*known) return unknown_task(id);
  return json::object();  // "the server MUST acknowledge the request with an empty result"
}

McpServer::Outcome PerRequestWire::cancel_task(const McpServer::Request& r) {
  std::string id;
  if (auto refused = admit_task_request(r, id)) return *refused;
  auto known = server_.tasks_->cancel(r.session.principal(), id);
  if (!known.ok()) return RpcError{jsonrpc::kInternalError, "Failed to cancel the task: the task store failed", nullptr};
  if (!*known) return unknown_task(id);
  return json::object();
}

}  // namespace mcp::server::wire
