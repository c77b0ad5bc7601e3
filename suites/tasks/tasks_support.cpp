#include "suites/tasks/tasks_support.h"

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "mcp/protocol_version.h"
#include "suites/per_request_support.h"

namespace mcp::harness::suites::tasks {

using json = nlohmann::json;
namespace protocol = mcp::protocol;

namespace {
constexpr std::size_t kMostToolsTried = 8;
const std::set<std::string> kStatuses = {"working", "input_required", "completed", "failed", "cancelled"};
bool terminal(const std::string& status) { return status == "completed" || status == "failed" || status == "cancelled"; }
}  // namespace

json request_meta(bool declare_extension) {
  json capabilities = {{"elicitation", json::object()}, {"sampling", json::object()}, {"roots", json::object()}};
  if (declare_extension) capabilities["extensions"] = {{kExtension, json::object()}};
  else capabilities = json::object();
  return {{protocol::kMetaClientCapabilities, capabilities}};
}

bool legacy(const McpClient& client) { return !client.per_request(); }

StatusOr<json> task_request(McpClient& client, const std::string& method, const std::string& id, json params) {
  params["taskId"] = id;
  if (!legacy(client)) params["_meta"] = request_meta(true);
  return client.request(method, std::move(params));
}

StartedTask start_task(CheckContext& ctx) {
  StartedTask started;
  ToolListing tour = list_all_tools(ctx);
  if (tour.outcome) {
    started.outcome = tour.outcome;
    return started;
  }
  McpClient& client = tour.session->client;
  bool old_utility = legacy(client);
  json task_calls = capabilities_of(tour.session->initialize_response).value("tasks", json::object());
  if (old_utility && client.protocol_version() != "2025-11-25") {
    started.outcome = skip("the session negotiated " + client.protocol_version() + ", which has no tasks");
    return started;
  }
  if (old_utility && !(task_calls.is_object() && task_calls.contains("requests"))) {
    started.outcome = skip("the server declares no tasks capability (2025-11-25 utilities/tasks)");
    return started;
  }
  auto runs_as_task = [old_utility](const json& tool) {
    if (!old_utility) return true;  // 2026-07-28: the server decides per call
    std::string support = tool.value("execution", json::object()).value("taskSupport", "forbidden");
    return support == "optional" || support == "required";
  };
  for (const auto& [tool, arguments] : callable_tools(call_policy(ctx), tour.tools, kMostToolsTried, runs_as_task)) {
    auto response = client.request("tools/call", task_call_params(client, tool["name"], arguments, request_meta(true)));
    if (!response.ok()) {
      started.outcome = fail_status(response.status(), "calling " + tool["name"].get<std::string>());
      return started;
    }
    json created = created_task(client, response->value("result", json()));
    if (!created.is_object()) continue;
    started.tool = tool["name"];
    started.arguments = arguments;
    started.created = created;
    started.id = created.value("taskId", "");
    started.session = std::move(tour.session);
    return started;
  }
  started.outcome = skip(old_utility ? "no callable tool listed with execution.taskSupport ran as a task"
                                     : "no callable tool answered with a task when the request declared the extension");
  return started;
}

StatusOr<PollTrail> poll_to_end(McpClient& client, const std::string& id, std::chrono::milliseconds limit) {
  PollTrail trail;
  auto end = std::chrono::steady_clock::now() + limit;
  std::string last_status;
  std::map<std::string, json> answered;  // input key -> the request it answered
  while (std::chrono::steady_clock::now() < end) {
    ASSIGN_OR_RETURN(json response, task_request(client, "tasks/get", id));
    trail.responses.push_back(response);
    if (!response.contains("result")) return trail;  // the caller judges the error
    const json& task = response["result"];
    std::string status = task.value("status", "");
    if (terminal(last_status) && status != last_status) {
      trail.problems.push_back("a " + last_status + " task became " + status + " (terminal states never change)");
    }
    last_status = status;
    if (terminal(status)) {
      trail.ended = true;
      return trail;
    }
    if (status == "input_required" && !legacy(client)) {
      json requests = task.value("inputRequests", json::object());
      json answers = json::object();
      for (auto entry = requests.begin(); requests.is_object() && entry != requests.end(); ++entry) {
        if (auto before = answered.find(entry.key()); before != answered.end()) {
          // "A server MUST NOT reuse a key for a subsequent server-to-client request
          // after a response for that key has been delivered."
          trail.problems.push_back("input key \"" + entry.key() + "\" was asked again after it was answered");
          continue;
        }
        answers[entry.key()] = per_request::answer_input_request(entry.value());
        answered[entry.key()] = entry.value();
      }
      if (!answers.empty()) {
        ASSIGN_OR_RETURN(json ack, task_request(client, "tasks/update", id, {{"inputResponses", answers}}));
        trail.update_acks.push_back(ack);
      }
    }
    long long interval = task.value(legacy(client) ? "pollInterval" : "pollIntervalMs", 0LL);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp(interval, 50LL, 5000LL)));
  }
  return trail;
}

std::string task_fields_problem(const json& task, bool legacy_names) {
  static const std::regex kIso8601(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$)");
  if (!task.is_object()) return "not an object";
  if (!task.contains("taskId") || !task["taskId"].is_string() || task["taskId"].get<std::string>().empty()) return "no taskId";
  if (!kStatuses.count(task.value("status", ""))) return "status " + compact(task.value("status", json())) + " is not a task status";
  for (const char* time : {"createdAt", "lastUpdatedAt"}) {
    if (!task.contains(time) || !task[time].is_string() || !std::regex_match(task[time].get<std::string>(), kIso8601)) {
      return std::string(time) + " is not an ISO 8601 timestamp: " + compact(task.value(time, json()));
    }
  }
  const char* ttl = legacy_names ? "ttl" : "ttlMs";
  if (!task.contains(ttl) || !(task[ttl].is_null() || task[ttl].is_number_integer())) {
    return std::string(ttl) + " must be an integer (milliseconds) or null: " + compact(task.value(ttl, json()));
  }
  const char* poll = legacy_names ? "pollInterval" : "pollIntervalMs";
  if (task.contains(poll) && !(task[poll].is_number_integer() && task[poll].get<long long>() > 0)) {
    return std::string(poll) + " must be a positive integer: " + compact(task[poll]);
  }
  return "";
}

double estimated_entropy_bits(const std::string& id) {
  if (id.empty()) return 0;
  std::map<char, int> counts;
  for (char c : id) ++counts[c];
  double per_char = 0;
  for (const auto& [c, n] : counts) {
    double p = static_cast<double>(n) / static_cast<double>(id.size());
    per_char -= p * std::log2(p);
  }
  return per_char * static_cast<double>(id.size());
}

}  // namespace mcp::harness::suites::tasks
