// The official suite's tasks-* fixtures (SEP-2663, 0.2.x extension scenarios): a
// synchronous tool, tools that run as tasks (a sleep that honours cancellation, a tool
// error, a protocol error, questions inside the task), and one that asks before it
// becomes a task. They use ToolContext::run_as_task like any long-running tool.
#include <chrono>
#include <thread>

#include "reference-server/conformance/conformance.h"

namespace mcp::server {

using json = nlohmann::json;

namespace {

json elicitation(const std::string& message, const std::string& field, const std::string& type) {
  return {{"message", message},
          {"requestedSchema", {{"type", "object"}, {"properties", {{field, {{"type", type}}}}}, {"required", {field}}}}};
}
json object_of(json properties) { return {{"type", "object"}, {"properties", std::move(properties)}}; }

// Sleeps in short steps so that cancellation stops it promptly; false when cancelled.
bool work_for(ToolContext& ctx, double seconds) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (ctx.cancelled()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !ctx.cancelled();
}

}  // namespace

Status register_task_fixtures(ToolRegistry& tools) {
  RETURN_IF_ERROR(tools.add({.name = "greet",
                             .description = "Greets by name, at once (never a task).",
                             .input_schema = object_of({{"name", {{"type", "string"}}}})},
                            [](ToolContext& ctx) { return text_result("Hello, " + ctx.arguments().value("name", std::string("World")) + "!"); }));
  RETURN_IF_ERROR(tools.add(
      {.name = "slow_compute",
       .description = "Works for `seconds` seconds, as a task when the client takes tasks; stops when cancelled.",
       .input_schema = object_of({{"seconds", {{"type", "number"}, {"minimum", 0}, {"maximum", 3600}}},
                                  {"label", {{"type", "string"}}}}),
       .task_support = TaskSupport::kOptional},
      [](ToolContext& ctx) {
        double seconds = ctx.arguments().value("seconds", 1.0);
        // An instant call is answered at once: a task would only add polling.
        if (seconds > 0 && ctx.run_as_task()) return json::object();
        if (!work_for(ctx, seconds)) return error_result("Cancelled");
        return text_result("Computed " + ctx.arguments().value("label", std::string("job")) + " in " +
                           std::to_string(static_cast<int>(seconds)) + " s");
      }));
  RETURN_IF_ERROR(tools.add({.name = "failing_job",
                             .description = "Runs only as a task; ends with a tool error after a second.",
                             .input_schema = object_of(json::object()),
                             .task_support = TaskSupport::kRequired},
                            [](ToolContext& ctx) {
                              if (ctx.run_as_task()) return json::object();
                              work_for(ctx, 1);
                              return error_result("The job failed: the input file is empty");
                            }));
  RETURN_IF_ERROR(tools.add({.name = "protocol_error_job",
                             .description = "Runs as a task that ends in a JSON-RPC error (failed).",
                             .input_schema = object_of(json::object()),
                             .task_support = TaskSupport::kOptional},
                            [](ToolContext& ctx) {
                              if (ctx.run_as_task()) return json::object();
                              ctx.fail(jsonrpc::kInternalError, "The job's worker crashed");
                              return json::object();
                            }));
  RETURN_IF_ERROR(tools.add({.name = "confirm_delete",
                             .description = "Runs as a task that asks for a confirmation before it deletes.",
                             .input_schema = object_of({{"filename", {{"type", "string"}}}}),
                             .task_support = TaskSupport::kOptional},
                            [](ToolContext& ctx) {
                              if (ctx.run_as_task()) return json::object();
                              std::string file = ctx.arguments().value("filename", std::string("file"));
                              auto answer = ctx.ask_client("elicitation/create",
                                                           elicitation("Delete " + file + "?", "confirm", "boolean"));
                              if (!answer.ok()) return error_result(answer.status().message());
                              bool yes = answer->value("action", "") == "accept" &&
                                         answer->value("content", json::object()).value("confirm", false);
                              return text_result(yes ? "Deleted " + file : "Kept " + file);
                            }));
  RETURN_IF_ERROR(tools.add({.name = "multi_input",
                             .description = "Runs as a task that asks two questions at once.",
                             .input_schema = object_of(json::object()),
                             .task_support = TaskSupport::kOptional},
                            [](ToolContext& ctx) {
                              if (ctx.run_as_task()) return json::object();
                              auto answers = ctx.ask_client_all(
                                  {{"first", "elicitation/create", elicitation("First name?", "name", "string")},
                                   {"second", "elicitation/create", elicitation("Second name?", "name", "string")}});
                              if (!answers.ok()) return error_result(answers.status().message());
                              return text_result("Got " + (*answers)["first"].value("content", json::object()).value("name", "?") +
                                                 " and " + (*answers)["second"].value("content", json::object()).value("name", "?"));
                            }));
  return tools.add({.name = "test_tool_with_task",
                    .description = "Asks the user's name in the request, then greets as a task.",
                    .input_schema = object_of(json::object()),
                    .task_support = TaskSupport::kRequired},
                   [](ToolContext& ctx) {
                     auto name = ctx.ask_client_all({{"user_name", "elicitation/create", elicitation("What is your name?", "name", "string")}});
                     if (!name.ok()) return error_result(name.status().message());
                     if (ctx.run_as_task()) return json::object();
                     work_for(ctx, 0.2);
                     return text_result("Hello, " + (*name)["user_name"].value("content", json::object()).value("name", "?") + "!");
                   });
}

}  // namespace mcp::server
