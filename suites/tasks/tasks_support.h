// Helpers of the tasks checks (2026-07-28 extension io.modelcontextprotocol/tasks,
// SEP-2663; 2025-11-25 utilities/tasks): starting a task on whatever tool the server
// runs as one, polling it the way a client should (pollInterval honoured), and
// answering what it asks.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/client/task_requests.h"
#include "suites/suite_support.h"

namespace mcp::harness::suites::tasks {

inline constexpr const char* kExtension = harness::kTasksExtension;
inline constexpr const char* kRelatedTask = "io.modelcontextprotocol/related-task";

// The _meta fields of a modern request that declares the tasks extension (and the
// capabilities this harness answers: elicitation, sampling, roots), or declares nothing.
nlohmann::json request_meta(bool declare_extension);

// A task one of the server's tools created, in a session of the run's era.
struct StartedTask {
  std::optional<Session> session;
  std::string tool;
  nlohmann::json arguments;
  nlohmann::json created;  // the CreateTaskResult (2026-07-28), or its "task" (2025-11-25)
  std::string id;
  std::optional<Outcome> outcome;  // set when no task could be started: a skip or a failure
};
// 2026-07-28: calls callable tools with the extension declared until one answers with
// resultType "task". 2025-11-25: calls the callable tools listed with
// execution.taskSupport optional or required, with params.task.
StartedTask start_task(CheckContext& ctx);
bool legacy(const McpClient& client);  // the session speaks 2025-11-25's utility

// tasks/<verb> for `id` in the session's era (with the extension declared when modern).
StatusOr<nlohmann::json> task_request(McpClient& client, const std::string& method, const std::string& id,
                                      nlohmann::json params = nlohmann::json::object());

// Every tasks/get response until the task ended (or `limit` passed), polled no faster
// than its pollInterval(Ms) asks (50 ms at least); input requests are answered with
// tasks/update (modern) as a client would. Problems are the rules the server broke.
struct PollTrail {
  std::vector<nlohmann::json> responses;
  std::vector<nlohmann::json> update_acks;
  std::vector<std::string> problems;
  bool ended = false;
};
StatusOr<PollTrail> poll_to_end(McpClient& client, const std::string& id, std::chrono::milliseconds limit);

// What is wrong with a Task object's common fields ("" when nothing): taskId, a known
// status, ISO 8601 createdAt and lastUpdatedAt, ttl(Ms) an integer or null, pollInterval(Ms) positive.
std::string task_fields_problem(const nlohmann::json& task, bool legacy_names);

// Bits of entropy an observer can credit an id with: its length times the Shannon
// entropy of its characters, capped by what its alphabet allows.
double estimated_entropy_bits(const std::string& id);

}  // namespace mcp::harness::suites::tasks
