#include "reference-server/tasks/task.h"

#include <chrono>
#include <ctime>

namespace mcp::server {

using json = nlohmann::json;

namespace {
constexpr const char* kStatusNames[] = {"working", "input_required", "completed", "failed", "cancelled"};
}

const char* task_support_name(TaskSupport support) {
  switch (support) {
    case TaskSupport::kOptional: return "optional";
    case TaskSupport::kRequired: return "required";
    case TaskSupport::kForbidden: break;
  }
  return "forbidden";
}

const char* task_status_name(TaskStatus status) { return kStatusNames[static_cast<int>(status)]; }

std::optional<TaskStatus> parse_task_status(const std::string& name) {
  for (int i = 0; i < 5; ++i) {
    if (name == kStatusNames[i]) return static_cast<TaskStatus>(i);
  }
  return std::nullopt;
}

bool is_terminal(TaskStatus status) {
  return status == TaskStatus::kCompleted || status == TaskStatus::kFailed || status == TaskStatus::kCancelled;
}

long long unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string iso8601_utc(long long unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(unix_ms % 1000));
  return text;
}

json TaskRecord::to_json() const {
  return {{"id", id},
          {"principal", principal},
          {"owner", owner},
          {"tool", tool},
          {"arguments", arguments},
          {"protocolVersion", protocol_version},
          {"clientCapabilities", client_capabilities},
          {"answers", answers},
          {"status", task_status_name(status)},
          {"statusMessage", status_message},
          {"createdMs", created_ms},
          {"updatedMs", updated_ms},
          {"ttlMs", ttl_ms},
          {"pollIntervalMs", poll_interval_ms},
          {"inputRequests", input_requests},
          {"result", result},
          {"error", error}};
}

StatusOr<TaskRecord> TaskRecord::from_json(const json& stored) {
  if (!stored.is_object()) return internal_error("stored task is not an object");
  auto status = parse_task_status(stored.value("status", ""));
  if (!status) return internal_error("stored task has an unknown status");
  TaskRecord task;
  task.id = stored.value("id", "");
  task.principal = stored.value("principal", "");
  task.owner = stored.value("owner", "");
  task.tool = stored.value("tool", "");
  task.arguments = stored.value("arguments", json::object());
  task.protocol_version = stored.value("protocolVersion", "");
  task.client_capabilities = stored.value("clientCapabilities", json::object());
  task.answers = stored.value("answers", json::object());
  task.status = *status;
  task.status_message = stored.value("statusMessage", "");
  task.created_ms = stored.value("createdMs", 0LL);
  task.updated_ms = stored.value("updatedMs", 0LL);
  task.ttl_ms = stored.value("ttlMs", 0LL);
  task.poll_interval_ms = stored.value("pollIntervalMs", 0LL);
  task.input_requests = stored.value("inputRequests", json::object());
  task.result = stored.value("result", json());
  task.error = stored.value("error", json());
  return task;
}

json task_fields(const TaskRecord& task) {
  json fields = {{"taskId", task.id},
                 {"status", task_status_name(task.status)},
                 {"createdAt", iso8601_utc(task.created_ms)},
                 {"lastUpdatedAt", iso8601_utc(task.updated_ms)},
                 {"ttlMs", task.ttl_ms},
                 {"pollIntervalMs", task.poll_interval_ms}};
  if (!task.status_message.empty()) fields["statusMessage"] = task.status_message;
  return fields;
}

json legacy_task_fields(const TaskRecord& task) {
  json fields = task_fields(task);
  fields["ttl"] = task.ttl_ms;
  fields["pollInterval"] = task.poll_interval_ms;
  fields.erase("ttlMs");
  fields.erase("pollIntervalMs");
  return fields;
}

json detailed_task(const TaskRecord& task) {
  json detailed = task_fields(task);
  if (task.status == TaskStatus::kInputRequired) detailed["inputRequests"] = task.input_requests;
  if (task.status == TaskStatus::kCompleted) detailed["result"] = task.result;
  if (task.status == TaskStatus::kFailed) detailed["error"] = task.error;
  return detailed;
}

}  // namespace mcp::server
