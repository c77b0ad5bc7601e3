// Tasks: tool calls that outlive their request (2026-07-28: the io.modelcontextprotocol/tasks
// extension, SEP-2663; 2025-11-25: the experimental core utility). A task is created
// durably before the CreateTaskResult is sent, polled with tasks/get, fed input with
// tasks/update (or, in 2025-11-25, answered through server-to-client requests),
// cancelled with tasks/cancel, and scoped to the principal that created it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcp/status.h"

namespace mcp::server {

inline constexpr const char* kTasksExtension = "io.modelcontextprotocol/tasks";

// Whether a tool may run as a task (2025-11-25 ToolExecution.taskSupport).
enum class TaskSupport { kForbidden, kOptional, kRequired };
const char* task_support_name(TaskSupport support);

enum class TaskStatus { kWorking, kInputRequired, kCompleted, kFailed, kCancelled };
const char* task_status_name(TaskStatus status);
std::optional<TaskStatus> parse_task_status(const std::string& name);
bool is_terminal(TaskStatus status);

struct TaskRecord {
  std::string id;
  std::string principal;  // whose task: only this principal can see or touch it
  std::string owner;      // whose data the tool reads and writes (Session::owner)
  std::string tool;
  nlohmann::json arguments = nlohmann::json::object();
  std::string protocol_version;  // of the creating request, so a rerun sees the same revision
  nlohmann::json client_capabilities = nlohmann::json::object();
  nlohmann::json answers = nlohmann::json::object();  // every input answer so far, by key
  TaskStatus status = TaskStatus::kWorking;
  std::string status_message;
  long long created_ms = 0;
  long long updated_ms = 0;
  long long ttl_ms = 0;  // from creation; the task is gone after it
  long long poll_interval_ms = 0;
  nlohmann::json input_requests = nlohmann::json::object();  // outstanding, while input_required
  nlohmann::json result;  // completed: the tool's CallToolResult
  nlohmann::json error;   // failed: the JSON-RPC error

  long long expires_ms() const { return created_ms + ttl_ms; }
  nlohmann::json to_json() const;  // the whole record, for storage
  static StatusOr<TaskRecord> from_json(const nlohmann::json& stored);
};

// The Task fields every shape shares (CreateTaskResult, 2025-11-25 tasks/list entries).
nlohmann::json task_fields(const TaskRecord& task);
// The 2025-11-25 experimental utility's Task: the same, with ttl and pollInterval.
nlohmann::json legacy_task_fields(const TaskRecord& task);
// DetailedTask (2026-07-28 tasks/get, notifications/tasks): the fields plus what the
// status carries: inputRequests, result or error.
nlohmann::json detailed_task(const TaskRecord& task);
// RFC 3339 / ISO 8601 UTC with milliseconds.
std::string iso8601_utc(long long unix_ms);
long long unix_ms_now();

// Where tasks live. Every call is durable when it returns: a create that returned is
// found by the next find, by this process or another sharing the store.
class TaskStore {
 public:
  virtual ~TaskStore() = default;
  virtual Status create(const TaskRecord& task) = 0;
  virtual StatusOr<std::optional<TaskRecord>> find(const std::string& id) = 0;
  // Reads the task, lets `change` edit it, and writes it back in one transaction when
  // `change` returns true (a task leaving working gives up its lease). The record as
  // it stands afterwards; nullopt when unknown.
  virtual StatusOr<std::optional<TaskRecord>> update(const std::string& id,
                                                     const std::function<bool(TaskRecord&)>& change) = 0;
  // Working tasks no process holds the lease of (it ran out at or before `now_ms`: the
  // runner crashed or stopped), oldest first, at most `limit`.
  virtual StatusOr<std::vector<std::string>> unleased(long long now_ms, std::size_t limit) = 0;
  // Takes the lease of a working task until `until_ms` when nobody holds it at
  // `now_ms`; false when the task is not working or another process holds it.
  virtual StatusOr<bool> claim(const std::string& id, long long now_ms, long long until_ms) = 0;
  // Extends (or, with 0, gives up) the leases of working tasks this process runs.
  virtual Status renew(const std::vector<std::string>& ids, long long until_ms) = 0;
  // A principal's tasks, newest first, from `offset` (2025-11-25 tasks/list).
  virtual StatusOr<std::vector<TaskRecord>> of_principal(const std::string& principal, std::size_t offset,
                                                         std::size_t limit) = 0;
  virtual StatusOr<std::size_t> count_unfinished(const std::string& principal) = 0;
  // Deletes tasks whose ttl ran out before `now_ms`; how many.
  virtual StatusOr<std::size_t> purge_expired(long long now_ms) = 0;
};

}  // namespace mcp::server
