// Tasks: calls that outlive their request. 2026-07-28: the io.modelcontextprotocol/tasks
// extension (SEP-2663, its text in modelcontextprotocol/ext-tasks
// specification/draft/tasks.md); 2025-11-25: the experimental utility
// (basic/utilities/tasks.mdx). Each check starts a task on a tool the server chose to
// run as one, so servers without tasks skip.
#include <set>

#include "mcp/json_rpc.h"
#include "suites/per_request_support.h"
#include "suites/suites.h"
#include "suites/tasks/tasks_support.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace tasks;

namespace {

const std::string kExtensionDoc = "ext-tasks specification/draft/tasks.md";
constexpr auto kPollLimit = std::chrono::seconds(30);
constexpr double kMinimumIdBits = 40;  // an estimate from few characters: 64 random bits estimate about 50

std::string ext(const std::string& section) { return kExtensionDoc + "#" + section; }

// A started task or the outcome that replaces the check.
#define REQUIRE_TASK(started, ctx)                   \
  StartedTask started = start_task(ctx);             \
  if (started.outcome) return *started.outcome;      \
  McpClient& client = started.session->client

void register_extension_checks(Registry& registry) {
  registry.add({
      .id = "tasks.create.result-shape",
      .level = Level::kMust,
      .requirement = "\"Servers MUST set resultType to \\\"task\\\" when returning a CreateTaskResult\", which is "
                     "Result & Task: taskId, status, createdAt and lastUpdatedAt (ISO 8601), ttlMs (integer or null), "
                     "pollIntervalMs when given a positive integer, and nothing of DetailedTask (result, error, inputRequests).",
      .spec_ref = ext("polymorphic-results"),
      .procedure = "Calls callable tools declaring the extension until one answers with a task; validates that answer.",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        (void)client;
        const json& created = started.created;
        if (std::string problem = task_fields_problem(created, false); !problem.empty()) {
          return fail(started.tool + "'s CreateTaskResult: " + problem, "a Task's fields", compact(created));
        }
        for (const char* detail : {"result", "error", "inputRequests", "task"}) {
          if (created.contains(detail)) {
            return fail(started.tool + "'s CreateTaskResult carries " + detail, "Result & Task, flat", compact(created));
          }
        }
        return pass(started.tool + " answered a well-formed CreateTaskResult");
      },
  });

  registry.add({
      .id = "tasks.create.durable",
      .level = Level::kMust,
      .requirement = "\"A server MUST NOT return CreateTaskResult until the task is durably created — that is, until a "
                     "tasks/get for the returned taskId would resolve.\"",
      .spec_ref = ext("task-creation"),
      .procedure = "Starts a task and sends tasks/get for it at once; expects the task, not an error.",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        REQUIRE_OK(json got, task_request(client, "tasks/get", started.id), "tasks/get");
        if (!got.contains("result")) return fail("tasks/get right after CreateTaskResult was refused", "the task", compact(got));
        if (got["result"].value("taskId", "") != started.id) {
          return fail("tasks/get answered another task", started.id, compact(got["result"]));
        }
        return pass("the task was found at once");
      },
  });

  registry.add({
      .id = "tasks.get.lifecycle",
      .level = Level::kMust,
      .requirement = "tasks/get \"resultType field MUST be set to \\\"complete\\\"\"; a failed task \"MUST include the error "
                     "field\" and a completed one carries result (\"the result field MUST contain that result\"); terminal "
                     "states end the diagram; input keys are never reused (\"MUST NOT reuse a key ... after a response for "
                     "that key has been delivered\"); tasks/update is acknowledged \"with an empty result\".",
      .spec_ref = ext("task-polling"),
      .procedure = "Starts a task and polls tasks/get no faster than pollIntervalMs until it ends (30 s at most), answering "
                   "input requests with tasks/update; judges every answer.",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        REQUIRE_OK(PollTrail trail, poll_to_end(client, started.id, kPollLimit), "polling the task");
        for (const json& response : trail.responses) {
          if (!response.contains("result")) return fail("tasks/get of a live task was refused", "the task", compact(response));
          const json& task = response["result"];
          if (task.value("resultType", "") != "complete") {
            return fail("tasks/get without resultType \"complete\"", "resultType \"complete\"", compact(task));
          }
          if (std::string problem = task_fields_problem(task, false); !problem.empty()) {
            return fail("tasks/get: " + problem, "a DetailedTask", compact(task));
          }
          if (task["taskId"] != started.id) return fail("tasks/get answered another task", started.id, compact(task));
          std::string status = task["status"];
          if (status == "completed" && !task.contains("result")) return fail("a completed task without result", "result", compact(task));
          if (status == "failed" && (!task.contains("error") || task.contains("result"))) {
            return fail("a failed task must carry error and no result", "error {code, message}", compact(task));
          }
          if (status == "input_required" && !task.value("inputRequests", json()).is_object()) {
            return fail("an input_required task without inputRequests", "inputRequests {...}", compact(task));
          }
        }
        for (const json& ack : trail.update_acks) {
          json result = ack.value("result", json());
          if (!result.is_object() || result.value("resultType", "") != "complete" || result.contains("status")) {
            return fail("tasks/update was not acknowledged with an empty result", "{resultType: \"complete\"}", compact(ack));
          }
        }
        if (!trail.problems.empty()) return fail(trail.problems.front(), "the task status diagram", "");
        if (!trail.ended) return skip("the task did not end within 30 s; nothing more to judge");
        return pass("followed to " + trail.responses.back()["result"].value("status", "") + " in " +
                    std::to_string(trail.responses.size()) + " polls");
      },
  });

  registry.add({
      .id = "tasks.get.unknown-id",
      .level = Level::kMust,
      .requirement = "\"Invalid or nonexistent taskId: -32602 (Invalid params) — Servers MUST return this error for tasks/get.\"",
      .spec_ref = ext("protocol-errors"),
      .procedure = "Sends tasks/get, declaring the extension, for a task id no server issued.",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        REQUIRE_OK(json got, task_request(client, "tasks/get", "mcp-harness-no-such-task-" + started.id), "tasks/get");
        REQUIRE(expect_error(got, jsonrpc::kInvalidParams, "tasks/get of an unknown task"));
        return pass("an unknown task id is -32602");
      },
  });

  registry.add({
      .id = "tasks.cancel.acknowledged",
      .level = Level::kMust,
      .requirement = "tasks/cancel: \"On success, the server MUST acknowledge the request with an empty result\", whose "
                     "\"resultType field MUST be set to \\\"complete\\\"\".",
      .spec_ref = ext("task-cancellation"),
      .procedure = "Starts a task and cancels it at once; expects an empty result with resultType \"complete\".",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        REQUIRE_OK(json ack, task_request(client, "tasks/cancel", started.id), "tasks/cancel");
        REQUIRE(expect_result(ack, "tasks/cancel"));
        const json& result = ack["result"];
        for (const char* field : {"taskId", "status", "result", "error", "inputRequests"}) {
          if (result.contains(field)) return fail("the cancel acknowledgement carries " + std::string(field), "an empty result", compact(result));
        }
        if (result.value("resultType", "") != "complete") return fail("the cancel acknowledgement lacks resultType \"complete\"", "complete", compact(result));
        return pass("cancellation acknowledged");
      },
  });

  registry.add({
      .id = "tasks.extension.not-declared",
      .level = Level::kMust,
      .requirement = "\"A server MUST NOT return CreateTaskResult to a client that did not include the extension capability "
                     "on its request, regardless of prior declarations.\"",
      .spec_ref = ext("capability-negotiation"),
      .procedure = "Calls the tool that ran as a task again, with the same arguments, declaring no capabilities; expects "
                   "no resultType \"task\".",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        REQUIRE_OK(json response, client.request("tools/call", {{"name", started.tool}, {"arguments", started.arguments},
                                                                {"_meta", request_meta(false)}}),
                   "calling " + started.tool + " without the extension");
        json result = response.value("result", json());
        if (result.is_object() && (result.value("resultType", "") == "task" || result.contains("taskId"))) {
          return fail(started.tool + " answered a task to a request without the extension", "a result or an error", compact(result));
        }
        return pass(started.tool + " answered without a task when the extension was not declared");
      },
  });

  registry.add({
      .id = "tasks.methods.need-extension",
      .level = Level::kMust,
      .requirement = "\"If processing a request requires a capability the client did not include in "
                     "io.modelcontextprotocol/clientCapabilities, the server MUST return a "
                     "MissingRequiredClientCapabilityError (-32021)\": tasks/get needs the tasks extension (the extension's "
                     "text shows -32003, its older number, which is accepted too).",
      .spec_ref = spec(kFirstModernVersion, "basic/index.mdx", "_meta"),
      .procedure = "Sends tasks/get for a task it started, declaring no capabilities; expects -32021 (or -32003).",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        REQUIRE_OK(json got, client.request("tasks/get", {{"taskId", started.id}, {"_meta", request_meta(false)}}), "tasks/get");
        int code = got.contains("error") ? got["error"].value("code", 0) : 0;
        if (code != jsonrpc::kMissingRequiredClientCapability && code != -32003) {
          return fail("tasks/get without the extension was not refused as a missing capability",
                      "error -32021 naming the extension", compact(got));
        }
        return pass("tasks/get without the extension: " + std::to_string(code));
      },
  });

  registry.add({
      .id = "tasks.notifications.match-get",
      .level = Level::kShould,
      .requirement = "notifications/tasks: \"Each notification carries a complete DetailedTask for the current status, "
                     "identical to what tasks/get would have returned at that moment.\" (Sending them is optional.)",
      .spec_ref = ext("task-status-notifications"),
      .procedure = "Starts a task, follows it to its end, then opens subscriptions/listen with its id in taskIds; when the "
                   "server agrees and notifies, compares the notification with tasks/get of the ended task.",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        // The task is driven to its end first (its questions answered), so that what a
        // notification says can be compared with a tasks/get that cannot have moved on.
        REQUIRE_OK(PollTrail trail, poll_to_end(client, started.id, kPollLimit), "polling the task");
        if (!trail.ended) return skip("the task did not end within 30 s");
        json id = "mcp-harness-listen-" + started.id.substr(0, 8);
        auto declare = [](json& meta) { meta.update(request_meta(true)); };
        REQUIRE_OK(per_request::Listen listen,
                   per_request::listen_briefly(client, id, {{"taskIds", json::array({started.id})}}, 2, std::chrono::seconds(3), declare),
                   "subscriptions/listen");
        std::optional<json> ended;
        bool agreed = false;
        for (const json& m : listen.related) {
          json params = m.value("params", json::object());
          if (m.value("method", "") == "notifications/subscriptions/acknowledged") {
            json ids = params.value("notifications", json::object()).value("taskIds", json::array());
            agreed = ids.is_array() && std::find(ids.begin(), ids.end(), started.id) != ids.end();
          }
          if (m.value("method", "") == "notifications/tasks" && params.value("taskId", "") == started.id) ended = params;
        }
        if (!agreed) return skip("the server did not agree to send notifications for the task (they are optional)");
        if (!ended) return skip("no notification about the ended task arrived within 3 s (a server may send them on changes only)");
        REQUIRE_OK(json got, task_request(client, "tasks/get", started.id), "tasks/get");
        REQUIRE(expect_result(got, "tasks/get"));
        json polled = got["result"], notified = *ended;
        for (json* task : {&polled, &notified}) {
          task->erase("_meta");
          task->erase("resultType");
        }
        if (polled != notified) {
          return fail("the notification of the task's end differs from tasks/get", compact(polled), compact(notified));
        }
        return pass("the final notifications/tasks equals tasks/get");
      },
  });

  registry.add({
      .id = "tasks.ids.unguessable",
      .level = Level::kMust,
      .requirement = "\"Servers MUST generate them [task ids] with sufficient entropy that a third party cannot enumerate or "
                     "guess them.\"",
      .spec_ref = ext("security-considerations"),
      .procedure = "Starts three tasks; fails when an id has under 40 bits by a character-entropy estimate (64 random bits "
                   "estimate about 50), or when two ids differ in under a quarter of their characters (counters, timestamps).",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        std::vector<std::string> ids;
        for (int i = 0; i < 3; ++i) {
          StartedTask started = start_task(ctx);
          if (started.outcome) return *started.outcome;
          ids.push_back(started.id);
          (void)task_request(started.session->client, "tasks/cancel", started.id);
        }
        for (const std::string& id : ids) {
          if (double bits = estimated_entropy_bits(id); bits < kMinimumIdBits) {
            return fail("task id \"" + id + "\" carries about " + std::to_string(static_cast<int>(bits)) + " bits",
                        "at least " + std::to_string(static_cast<int>(kMinimumIdBits)) + " bits (64 random bits or more)", id);
          }
        }
        for (std::size_t i = 1; i < ids.size(); ++i) {
          const std::string &a = ids[i - 1], &b = ids[i];
          std::size_t differing = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
          for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k) differing += a[k] != b[k];
          if (differing * 4 < std::max(a.size(), b.size())) {
            return fail("consecutive task ids differ in " + std::to_string(differing) + " characters", "unrelated ids", a + " then " + b);
          }
        }
        return pass("3 task ids, each about " + std::to_string(static_cast<int>(estimated_entropy_bits(ids[0]))) + " bits");
      },
  });
}

void register_utility_checks(Registry& registry) {
  const std::string doc = "basic/utilities/tasks.mdx";
  registry.add({
      .id = "tasks.legacy.result",
      .level = Level::kMust,
      .requirement = "A task-augmented request gets a CreateTaskResult; receivers \"MUST include a createdAt ... lastUpdatedAt "
                     "... the actual ttl\" in task responses; tasks/result returns \"exactly what the underlying request would "
                     "have returned\" and \"MUST include this metadata [io.modelcontextprotocol/related-task] in its response\".",
      .spec_ref = spec(kLastLegacyVersion, doc, "Result Retrieval"),
      .procedure = "Calls a callable tool listed with execution.taskSupport with params.task; checks the Task in "
                   "CreateTaskResult and tasks/get, then tasks/result.",
      .min_version = kLastLegacyVersion,
      .max_version = kLastLegacyVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        if (std::string problem = task_fields_problem(started.created, true); !problem.empty()) {
          return fail("CreateTaskResult.task: " + problem, "a Task", compact(started.created));
        }
        REQUIRE_OK(json got, task_request(client, "tasks/get", started.id), "tasks/get");
        REQUIRE(expect_result(got, "tasks/get"));
        if (std::string problem = task_fields_problem(got["result"], true); !problem.empty()) {
          return fail("tasks/get: " + problem, "a Task", compact(got["result"]));
        }
        auto previous = client.timeout();
        client.set_timeout(std::chrono::seconds(kPollLimit));
        auto outcome = client.request("tasks/result", {{"taskId", started.id}});
        client.set_timeout(previous);
        REQUIRE_OK(json result, std::move(outcome), "tasks/result");
        if (result.contains("error")) return pass("tasks/result returned the call's error");
        json related = result.value("result", json::object()).value("_meta", json::object()).value(kRelatedTask, json());
        if (!related.is_object() || related.value("taskId", "") != started.id) {
          return fail("tasks/result lacks _meta io.modelcontextprotocol/related-task naming the task",
                      "{\"taskId\": \"" + started.id + "\"}", compact(result.value("result", json())));
        }
        return pass("task, tasks/get and tasks/result as the utility describes");
      },
  });

  registry.add({
      .id = "tasks.legacy.cancel-finished",
      .level = Level::kMust,
      .requirement = "\"Receivers MUST reject cancellation requests for tasks already in a terminal status (completed, "
                     "failed, or cancelled) with error code -32602 (Invalid params).\"",
      .spec_ref = spec(kLastLegacyVersion, doc, "Task Cancellation"),
      .procedure = "Starts a task, waits for it to end (tasks/result), then sends tasks/cancel; expects -32602.",
      .min_version = kLastLegacyVersion,
      .max_version = kLastLegacyVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_TASK(started, ctx);
        REQUIRE_OK(PollTrail trail, poll_to_end(client, started.id, kPollLimit), "polling the task");
        if (!trail.ended) return skip("the task did not end within 30 s");
        REQUIRE_OK(json cancelled, task_request(client, "tasks/cancel", started.id), "tasks/cancel");
        REQUIRE(expect_error(cancelled, jsonrpc::kInvalidParams, "tasks/cancel of a finished task"));
        return pass("a finished task's cancellation is refused with -32602");
      },
  });
}

}  // namespace

void register_tasks(Registry& registry) {
  register_extension_checks(registry);
  register_utility_checks(registry);
}

}  // namespace mcp::harness::suites
