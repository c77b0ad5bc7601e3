// The 2025-11-25 experimental tasks utility (basic/utilities/tasks.mdx): tasks/get and
// tasks/list return the Task (ttl, pollInterval), tasks/result waits for the outcome
// and returns exactly what the call would have, and tasks/cancel refuses finished
// tasks (-32602) and answers the cancelled Task. Questions a task asks are sent to the
// client as requests on the tasks/result stream, tagged with the related task.
#include <chrono>
#include <thread>

#include "mcp/protocol_version.h"
#include "reference-server/wire/legacy/legacy_wire.h"

namespace mcp::server::wire {

using json = nlohmann::json;

namespace {

constexpr const char* kRelatedTask = "io.modelcontextprotocol/related-task";

RpcError unknown_task(const std::string& id) {
  return invalid_params("Failed to retrieve task: no task " + id + " (unknown, expired, or not yours)", {{"taskId", id}});
}
RpcError store_failed() { return RpcError{jsonrpc::kInternalError, "The task store failed", nullptr}; }

}  // namespace

bool LegacyWire::serves_tasks(const Session& session) const {
  return server_.tasks_ && protocol::at_least(session.protocol_version(), "2025-11-25");
}

std::optional<McpServer::Outcome> LegacyWire::find_task(const McpServer::Request& r, TaskRecord& task) const {
  if (!serves_tasks(r.session)) return RpcError{jsonrpc::kMethodNotFound, "Method not found: tasks need 2025-11-25", nullptr};
  auto id = r.params.find("taskId");
  if (id == r.params.end() || !id->is_string()) return invalid_params("params.taskId (a string) is required");
  auto found = server_.tasks_->get(r.session.principal(), id->get<std::string>());
  if (!found.ok()) return store_failed();
  if (!*found) return unknown_task(id->get<std::string>());
  task = std::move(**found);
  return std::nullopt;
}

McpServer::Outcome LegacyWire::get_task(const McpServer::Request& r) {
  TaskRecord task;
  if (auto refused = find_task(r, task)) return *refused;
  return legacy_task_fields(task);
}

// "When a receiver receives a tasks/result request for a task in any other
// non-terminal status (working or input_required), it MUST block the response until
// the task reaches a terminal status."
McpServer::Outcome LegacyWire::task_result(const McpServer::Request& r) {
  TaskRecord task;
  if (auto refused = find_task(r, task)) return *refused;
  const json related = {{kRelatedTask, {{"taskId", task.id}}}};
  while (!is_terminal(task.status)) {
    if (r.cancelled->load()) return RpcError{jsonrpc::kInternalError, "tasks/result was cancelled", nullptr};
    if (task.status == TaskStatus::kInputRequired) {
      // The task's questions go to the client on this stream, and the answers back into the task.
      for (auto question = task.input_requests.begin(); question != task.input_requests.end(); ++question) {
        json params = question.value().value("params", json::object());
        params["_meta"] = related;
        auto answer = r.session.client_requests().call(r.out, question.value().value("method", ""), std::move(params),
                                                       std::chrono::seconds(60), r.cancelled);
        if (!answer.ok()) return RpcError{jsonrpc::kInternalError, "The client did not answer the task's question: " + answer.status().message(), nullptr};
        if (!server_.tasks_->update(r.session.principal(), task.id, {{question.key(), *answer}}).ok()) return store_failed();
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (auto refused = find_task(r, task)) return *refused;
  }
  if (task.status == TaskStatus::kCancelled) return RpcError{jsonrpc::kInternalError, "The task was cancelled", {{"taskId", task.id}}};
  if (task.result.is_object()) {
    json result = task.result;
    result["_meta"][kRelatedTask] = related[kRelatedTask];  // "tasks/result ... MUST include this metadata"
    return result;
  }
  return RpcError{task.error.value("code", jsonrpc::kInternalError), task.error.value("message", std::string("The task failed")),
                  task.error.value("data", json())};
}

McpServer::Outcome LegacyWire::list_tasks(const McpServer::Request& r) {
  if (!serves_tasks(r.session)) return RpcError{jsonrpc::kMethodNotFound, "Method not found: tasks need 2025-11-25", nullptr};
  std::size_t offset = 0;
  if (auto cursor = r.params.find("cursor"); cursor != r.params.end() && !cursor->is_null()) {
    auto decoded = cursor->is_string() ? decode_cursor("tasks", cursor->get<std::string>()) : std::nullopt;
    if (!decoded) return invalid_params("Invalid cursor", {{"cursor", *cursor}});
    offset = *decoded;
  }
  std::size_t page = std::max<std::size_t>(server_.options().page_size, 1);
  auto tasks = server_.tasks_->list(r.session.principal(), offset, page + 1);
  if (!tasks.ok()) return store_failed();
  json listed = json::array();
  for (std::size_t i = 0; i < tasks->size() && i < page; ++i) listed.push_back(legacy_task_fields((*tasks)[i]));
  json result = {{"tasks", listed}};
  if (tasks->size() > page) result["nextCursor"] = encode_cursor("tasks", offset + page);
  return result;
}

McpServer::Outcome LegacyWire::cancel_task(const McpServer::Request& r) {
  TaskRecord task;
  if (auto refused = find_task(r, task)) return *refused;
  // "Receivers MUST reject cancellation requests for tasks already in a terminal status."
  if (is_terminal(task.status)) {
    return invalid_params("Task " + task.id + " is already " + task_status_name(task.status), {{"taskId", task.id}});
  }
  if (!server_.tasks_->cancel(r.session.principal(), task.id).ok()) return store_failed();
  if (auto refused = find_task(r, task)) return *refused;
  return legacy_task_fields(task);
}

}  // namespace mcp::server::wire
