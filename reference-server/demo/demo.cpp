#include "reference-server/demo/demo.h"

#include <cctype>
#include <chrono>
#include <map>
#include <thread>

#include "mcp/base64.h"

namespace mcp::server {

using json = nlohmann::json;

Status register_demo_tools(McpServer& server) {
  ToolRegistry& tools = server.tools();
  RETURN_IF_ERROR(tools.add(
      {.name = "echo_v1",
       .title = "Echo",
       .description = "Returns the message it is given.",
       .input_schema = {{"type", "object"},
                        {"properties", {{"message", {{"type", "string"}, {"description", "Text to echo back"}}}}},
                        {"required", {"message"}},
                        {"additionalProperties", false}},
       .output_schema = {{"type", "object"},
                         {"properties", {{"message", {{"type", "string"}}}}},
                         {"required", {"message"}}},
       .annotations = {{"readOnlyHint", true}, {"idempotentHint", true}, {"openWorldHint", false}},
       .never_blocks = true},
      [](ToolContext& ctx) { return structured_result({{"message", ctx.arguments()["message"]}}); }));

  RETURN_IF_ERROR(tools.add(
      {.name = "add_v1",
       .title = "Add two numbers",
       .description = "Adds a and b.",
       .input_schema = {{"type", "object"},
                        {"properties", {{"a", {{"type", "number"}}}, {"b", {{"type", "number"}}}}},
                        {"required", {"a", "b"}},
                        {"additionalProperties", false}},
       .output_schema = {{"type", "object"}, {"properties", {{"sum", {{"type", "number"}}}}}, {"required", {"sum"}}},
       .annotations = {{"readOnlyHint", true}, {"idempotentHint", true}, {"openWorldHint", false}}},
      [](ToolContext& ctx) {
        return structured_result({{"sum", ctx.arguments()["a"].get<double>() + ctx.arguments()["b"].get<double>()}});
      }));

  RETURN_IF_ERROR(tools.add(
      {.name = "slow_operation_v1",
       .title = "Slow operation",
       .description = "Works for steps x step_ms milliseconds, reporting progress after each step; stops when cancelled.",
       .input_schema = {{"type", "object"},
                        {"properties",
                         {{"steps", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}},
                          {"step_ms", {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000}}}}},
                        {"required", {"steps"}},
                        {"additionalProperties", false}},
       .output_schema = {{"type", "object"},
                         {"properties", {{"completed_steps", {{"type", "integer"}}}}},
                         {"required", {"completed_steps"}}},
       .annotations = {{"readOnlyHint", true}, {"openWorldHint", false}}},
      [](ToolContext& ctx) {
        int steps = ctx.arguments()["steps"].get<int>();
        int step_ms = ctx.arguments().value("step_ms", 50);
        int done = 0;
        for (; done < steps && !ctx.cancelled(); ++done) {
          std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
          ctx.report_progress(done + 1, steps, "step " + std::to_string(done + 1) + " of " + std::to_string(steps));
          ctx.log("debug", {{"tool", "slow_operation_v1"}, {"step", done + 1}});
        }
        return structured_result({{"completed_steps", done}});
      }));

  RETURN_IF_ERROR(tools.add(
      {.name = "check_password_strength_v1",
       .title = "Check password strength",
       .description = "Scores a password from 0 to 4. The password is never logged.",
       .input_schema = {{"type", "object"},
                        {"properties", {{"password", {{"type", "string"}, {"maxLength", 256}, {"writeOnly", true}}}}},
                        {"required", {"password"}},
                        {"additionalProperties", false}},
       .output_schema = {{"type", "object"}, {"properties", {{"score", {{"type", "integer"}}}}}, {"required", {"score"}}},
       .annotations = {{"readOnlyHint", true}, {"idempotentHint", true}, {"openWorldHint", false}}},
      [](ToolContext& ctx) {
        std::string password = ctx.arguments()["password"];
        int score = (password.size() >= 8) + (password.size() >= 14);
        bool digit = false, upper = false, other = false;
        for (unsigned char c : password) {
          digit |= std::isdigit(c) != 0;
          upper |= std::isupper(c) != 0;
          other |= !std::isalnum(c);
        }
        score += digit + (upper && other);
        return structured_result({{"score", std::min(score, 4)}});
      }));

  // Asks the user for their name: a server-to-client request in the legacy era, an
  // input-required result and a retry in the modern one; the handler does not know which.
  RETURN_IF_ERROR(tools.add(
      {.name = "greet_user_v1",
       .title = "Greet the user",
       .description = "Asks the user for their name (elicitation) and greets them. Needs a client that declares elicitation.",
       .output_schema = {{"type", "object"}, {"properties", {{"greeting", {{"type", "string"}}}}}, {"required", {"greeting"}}},
       .annotations = {{"readOnlyHint", true}, {"openWorldHint", false}}},
      [](ToolContext& ctx) {
        json schema = {{"type", "object"},
                       {"properties", {{"name", {{"type", "string"}, {"description", "What to call you"}}}}},
                       {"required", {"name"}}};
        auto answer = ctx.ask_client("elicitation/create",
                                     {{"mode", "form"}, {"message", "What is your name?"}, {"requestedSchema", schema}});
        if (!answer.ok()) return error_result("greet_user_v1 could not ask for a name: " + answer.status().message());
        const json& content = answer->value("content", json::object());
        bool named = answer->value("action", "") == "accept" && content.is_object() && content.contains("name") &&
                     content["name"].is_string();
        return structured_result({{"greeting", "Hello, " + (named ? content["name"].get<std::string>() : std::string("stranger")) + "!"}});
      }));

  // A long-running tool: a task when the client takes tasks (ToolContext::run_as_task),
  // an ordinary call otherwise. Half way through it asks whether to add an appendix:
  // inside a task the question waits in inputRequests for tasks/update (2026-07-28) or
  // goes out on the tasks/result stream (2025-11-25); a client that cannot answer gets none.
  RETURN_IF_ERROR(tools.add(
      {.name = "build_report_v1",
       .title = "Build a report",
       .description = "Drafts a report on a topic, section by section (section_ms each); may run as a task. Asks whether "
                      "to add an appendix when the client can answer.",
       .input_schema = {{"type", "object"},
                        {"properties",
                         {{"topic", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                          {"sections", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10}}},
                          {"section_ms", {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000}}}}},
                        {"required", {"topic"}},
                        {"additionalProperties", false}},
       .output_schema = {{"type", "object"},
                         {"properties", {{"topic", {{"type", "string"}}}, {"sections", {{"type", "integer"}}},
                                         {"appendix", {{"type", "boolean"}}}, {"summary", {{"type", "string"}}}}},
                         {"required", {"topic", "sections", "appendix", "summary"}}},
       .annotations = {{"readOnlyHint", true}, {"openWorldHint", false}},
       .task_support = TaskSupport::kOptional},
      [](ToolContext& ctx) {
        if (ctx.run_as_task()) return json::object();
        std::string topic = ctx.arguments()["topic"];
        int sections = ctx.arguments().value("sections", 4);
        int section_ms = ctx.arguments().value("section_ms", 50);
        auto draft = [&](int from, int to) {
          for (int s = from; s < to && !ctx.cancelled(); ++s) {
            std::this_thread::sleep_for(std::chrono::milliseconds(section_ms));
            ctx.report_progress(s + 1, sections, "section " + std::to_string(s + 1) + " of " + std::to_string(sections));
          }
        };
        draft(0, sections / 2);
        bool appendix = false;
        if (ctx.client_supports("elicitation")) {
          json schema = {{"type", "object"}, {"properties", {{"appendix", {{"type", "boolean"}}}}}, {"required", {"appendix"}}};
          auto answer = ctx.ask_client("elicitation/create", {{"mode", "form"},
                                                              {"message", "The report on " + topic + " is half drafted. Add an appendix?"},
                                                              {"requestedSchema", schema}});
          if (!answer.ok()) return error_result("build_report_v1 could not ask about the appendix: " + answer.status().message());
          appendix = answer->value("action", "") == "accept" && answer->value("content", json::object()).value("appendix", false);
        }
        draft(sections / 2, sections);
        if (ctx.cancelled()) return error_result("build_report_v1 was cancelled");
        return structured_result({{"topic", topic}, {"sections", sections}, {"appendix", appendix},
                                  {"summary", "A " + std::to_string(sections) + "-section report on " + topic +
                                                  (appendix ? ", with an appendix" : "")}});
      }));

  return tools.add(
      {.name = "fail_v1",
       .title = "Always fails",
       .description = "Reports a tool execution error, to show how failures reach the model.",
       .annotations = {{"readOnlyHint", true}, {"openWorldHint", false}}},
      [](ToolContext&) { return error_result("fail_v1 always fails: this is a tool execution error, not a protocol error"); });
}

Status register_demo_resources(McpServer& server) {
  ResourceCatalog& resources = server.resources();
  RETURN_IF_ERROR(resources.add({.uri = "mcp-ref://docs/readme",
                                 .name = "readme",
                                 .description = "What this server is.",
                                 .mime_type = "text/markdown",
                                 .read = [] {
                                   return std::string("# MCP reference server\nA template that passes every harness check.\n");
                                 }}));
  // A binary resource: served base64-encoded as a blob (a 1x1 PNG).
  RETURN_IF_ERROR(resources.add({.uri = "mcp-ref://docs/logo.png",
                                 .name = "logo",
                                 .description = "The project's logo, a single pixel.",
                                 .mime_type = "image/png",
                                 .read = [] { return base64_decode(kOnePixelPngBase64).value_or(""); },
                                 .binary = true}));
  const std::string info = server.options().name + " " + server.options().version;
  RETURN_IF_ERROR(resources.add({.uri = "mcp-ref://server/info",
                                 .name = "server-info",
                                 .description = "Name and version, as JSON.",
                                 .mime_type = "application/json",
                                 .read = [info] { return json{{"server", info}}.dump(); }}));
  RETURN_IF_ERROR(resources.add_template({.uri_template = "mcp-ref://greetings/{language}",
                                          .prefix = "mcp-ref://greetings/",
                                          .name = "greeting",
                                          .description = "Hello in English (en), French (fr), German (de) or Spanish (es).",
                                          .read = [](const std::string& uri) -> std::optional<std::string> {
                                            static const std::map<std::string, std::string> kHello = {
                                                {"en", "Hello"}, {"fr", "Bonjour"}, {"de", "Hallo"}, {"es", "Hola"}};
                                            auto it = kHello.find(uri.substr(std::string("mcp-ref://greetings/").size()));
                                            if (it == kHello.end()) return std::nullopt;
                                            return it->second;
                                          },
                                          .completions = {{"language", {"de", "en", "es", "fr"}}}}));
  return resources.add_template({.uri_template = "mcp-ref://notes/{name}",
                                 .prefix = "mcp-ref://notes/",
                                 .name = "note",
                                 .description = "Notes named alpha, beta and gamma.",
                                 .read = [](const std::string& uri) -> std::optional<std::string> {
                                   std::string name = uri.substr(std::string("mcp-ref://notes/").size());
                                   if (name == "alpha" || name == "beta" || name == "gamma") return "Note " + name + ".";
                                   return std::nullopt;
                                 },
                                 .completions = {{"name", {"alpha", "beta", "gamma"}}}});
}

Status register_demo_prompts(McpServer& server) {
  PromptCatalog& prompts = server.prompts();
  RETURN_IF_ERROR(prompts.add(
      {.name = "summarize",
       .title = "Summarize text",
       .description = "Asks the model for a one-paragraph summary.",
       .arguments = {{"text", "The text to summarize", true}},
       .render = [](const json& args, ToolContext&) {
         return json::array({{{"role", "user"},
                              {"content", {{"type", "text"}, {"text", "Summarize in one paragraph:\n" + args["text"].get<std::string>()}}}}});
       }}));
  return prompts.add({.name = "greeting",
                      .title = "Greeting",
                      .description = "A friendly greeting, optionally by name.",
                      .arguments = {{"name", "Who to greet", false, {"Ada", "Alan", "Grace", "Grete"}}},
                      .render = [](const json& args, ToolContext&) {
                        std::string name = args.value("name", std::string("there"));
                        return json::array({{{"role", "user"}, {"content", {{"type", "text"}, {"text", "Say hello to " + name + "."}}}}});
                      }});
}

}  // namespace mcp::server
