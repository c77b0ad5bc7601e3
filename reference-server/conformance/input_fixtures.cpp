// The official suite's fixtures for input from the client (0.2.x): the
// input-required-result-* scenarios (SEP-2322, basic/patterns/mrtr.mdx), the stateless
// scenario's diagnostic tools (SEP-2575) and the JSON Schema 2020-12 tool (SEP-1613).
// They are ordinary handlers: ToolContext turns their questions into an
// InputRequiredResult on 2026-07-28 and into server-to-client requests before it.
#include "reference-server/conformance/conformance.h"

namespace mcp::server {

using json = nlohmann::json;

namespace {

json elicit(const std::string& message, const std::string& field, const std::string& type = "string") {
  return {{"message", message},
          {"requestedSchema", {{"type", "object"}, {"properties", {{field, {{"type", type}}}}}, {"required", {field}}}}};
}
json sample(const std::string& prompt, int max_tokens) {
  return {{"messages", json::array({{{"role", "user"}, {"content", {{"type", "text"}, {"text", prompt}}}}})},
          {"maxTokens", max_tokens}};
}
// The text of an answered elicitation's field, or of a sampling answer's content.
std::string elicited(const json& answer, const std::string& field) {
  const json content = answer.value("content", json::object());
  if (!content.is_object() || !content.contains(field)) return "(none)";
  return content[field].is_string() ? content[field].get<std::string>() : jsonrpc::serialize(content[field]);
}
std::string sampled(const json& answer) {
  const json content = answer.value("content", json::object());
  return content.is_object() ? content.value("text", std::string("(no text)")) : "(no text)";
}
std::size_t roots_in(const json& answer) {
  return answer.contains("roots") && answer["roots"].is_array() ? answer["roots"].size() : 0;
}
ToolSpec no_arguments(std::string name, std::string description) {
  return ToolSpec{.name = std::move(name), .description = std::move(description),
                  .input_schema = {{"type", "object"}, {"properties", json::object()}}};
}
// A handler that asks `questions` at once and words the answers with `finish`.
ToolHandler asking(std::vector<ClientQuestion> questions, std::function<std::string(const json& answers)> finish) {
  return [questions = std::move(questions), finish = std::move(finish)](ToolContext& ctx) {
    auto answers = ctx.ask_client_all(questions);
    if (!answers.ok()) return error_result("No input from the client: " + answers.status().message());
    return text_result(finish(*answers));
  };
}

Status register_input_required_tools(ToolRegistry& tools) {
  RETURN_IF_ERROR(tools.add(no_arguments("test_input_required_result_elicitation", "Asks the user's name (elicitation)."),
                            asking({{"user_name", "elicitation/create", elicit("What is your name?", "name")}},
                                   [](const json& a) { return "Hello, " + elicited(a["user_name"], "name") + "!"; })));
  RETURN_IF_ERROR(tools.add(no_arguments("test_input_required_result_sampling", "Asks the client's model a question."),
                            asking({{"sample_request", "sampling/createMessage", sample("What is the capital of France?", 100)}},
                                   [](const json& a) { return "Sampling result: " + sampled(a["sample_request"]); })));
  RETURN_IF_ERROR(tools.add(no_arguments("test_input_required_result_list_roots", "Asks for the client's roots."),
                            asking({{"roots_request", "roots/list", json::object()}}, [](const json& a) {
                              return "Found " + std::to_string(roots_in(a["roots_request"])) + " root(s)";
                            })));
  auto confirm = [](std::string success) {
    return asking({{"confirm", "elicitation/create", elicit("Please confirm", "ok", "boolean")}}, [success](const json& a) {
      return a["confirm"].value("content", json::object()).value("ok", false) ? success : std::string("not confirmed");
    });
  };
  RETURN_IF_ERROR(tools.add(no_arguments("test_input_required_result_request_state", "Asks for a confirmation, with requestState."),
                            confirm("state-ok: requestState validated")));
  RETURN_IF_ERROR(tools.add(no_arguments("test_input_required_result_tampered_state", "Asks for a confirmation; the sealed "
                                                                                     "requestState is checked on retry."),
                            confirm("integrity-ok: state verified")));
  RETURN_IF_ERROR(tools.add(
      no_arguments("test_input_required_result_multiple_inputs", "Asks a name, a greeting and the roots in one round."),
      asking({{"user_name", "elicitation/create", elicit("What is your name?", "name")},
              {"greeting", "sampling/createMessage", sample("Generate a greeting", 50)},
              {"client_roots", "roots/list", json::object()}},
             [](const json& a) {
               return "Name: " + elicited(a["user_name"], "name") + "; Greeting: " + sampled(a["greeting"]) +
                      "; Roots: " + std::to_string(roots_in(a["client_roots"]));
             })));
  RETURN_IF_ERROR(tools.add(no_arguments("test_input_required_result_multi_round", "Asks a name, then a colour: two rounds."),
                            [](ToolContext& ctx) {
                              auto name = ctx.ask_client_all({{"step1", "elicitation/create",
                                                               elicit("Step 1: What is your name?", "name")}});
                              if (!name.ok()) return error_result(name.status().message());
                              auto colour = ctx.ask_client_all({{"step2", "elicitation/create",
                                                                 elicit("Step 2: What is your favorite color?", "color")}});
                              if (!colour.ok()) return error_result(colour.status().message());
                              return text_result("Multi-round complete for " + elicited((*name)["step1"], "name") +
                                                 " who likes " + elicited((*colour)["step2"], "color"));
                            }));
  return tools.add(no_arguments("test_input_required_result_capabilities", "Asks only what the client declared it can answer."),
                   [](ToolContext& ctx) {
                     std::vector<ClientQuestion> questions;
                     if (ctx.client_supports("elicitation")) {
                       questions.push_back({"elicit_input", "elicitation/create", elicit("Elicitation input", "value")});
                     }
                     if (ctx.client_supports("sampling")) {
                       questions.push_back({"sample_input", "sampling/createMessage", sample("Sample request", 50)});
                     }
                     if (questions.empty()) return text_result("No supported capabilities declared");
                     auto answers = ctx.ask_client_all(std::move(questions));
                     if (!answers.ok()) return error_result(answers.status().message());
                     std::string keys;
                     for (auto entry = answers->begin(); entry != answers->end(); ++entry) {
                       keys += (keys.empty() ? "" : ",") + entry.key();
                     }
                     return text_result("capabilities-ok: received " + keys);
                   });
}

Status register_stateless_diagnostics(ToolRegistry& tools) {
  RETURN_IF_ERROR(tools.add(no_arguments("test_missing_capability", "Needs the client's sampling capability."),
                            asking({{"sample", "sampling/createMessage", sample("Say hello", 20)}},
                                   [](const json& a) { return "Success: " + sampled(a["sample"]); })));
  RETURN_IF_ERROR(tools.add(no_arguments("test_streaming_elicitation", "Reports progress, then asks the user a question."),
                            [](ToolContext& ctx) {
                              ctx.report_progress(50, 100, "half way");
                              auto answer = ctx.ask_client_all({{"choice", "elicitation/create", elicit("Continue?", "ok", "boolean")}});
                              if (!answer.ok()) return error_result(answer.status().message());
                              return text_result("Streaming complete");
                            }));
  RETURN_IF_ERROR(tools.add(no_arguments("test_logging_tool", "Logs at info, which reaches only clients that asked for logs."),
                            [](ToolContext& ctx) {
                              ctx.log("info", "Diagnostic trace logging activated");
                              return text_result("Logging evaluated");
                            }));
  // SEP-1613/SEP-2106: the 2020-12 vocabulary survives tools/list unchanged.
  json schema = {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"type", "object"},
      {"$defs", {{"address", {{"$anchor", "addressDef"}, {"type", "object"},
                              {"properties", {{"street", {{"type", "string"}}}, {"city", {{"type", "string"}}}}}}}}},
      {"properties", {{"name", {{"type", "string"}}}, {"address", {{"$ref", "#/$defs/address"}}},
                      {"contactMethod", {{"type", "string"}, {"enum", {"phone", "email"}}}},
                      {"phone", {{"type", "string"}}}, {"email", {{"type", "string"}}}}},
      {"allOf", json::array({{{"anyOf", json::array({{{"required", {"phone"}}}, {{"required", {"email"}}}})}}})},
      {"if", {{"properties", {{"contactMethod", {{"const", "phone"}}}}}, {"required", {"contactMethod"}}}},
      {"then", {{"required", {"phone"}}}},
      {"else", {{"required", {"email"}}}},
      {"additionalProperties", false}};
  return tools.add({.name = "json_schema_2020_12_tool",
                    .description = "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
                    .input_schema = std::move(schema)},
                   [](ToolContext& ctx) {
                     return text_result("JSON Schema 2020-12 tool called with: " + jsonrpc::serialize(ctx.arguments()));
                   });
}

}  // namespace

Status register_input_fixtures(McpServer& server) {
  RETURN_IF_ERROR(register_input_required_tools(server.tools()));
  RETURN_IF_ERROR(register_stateless_diagnostics(server.tools()));
  return server.prompts().add(
      {.name = "test_input_required_result_prompt",
       .description = "MRTR: a prompt that asks the user for context first",
       .render = [](const json&, ToolContext& ctx) {
         auto answer = ctx.ask_client_all({{"user_context", "elicitation/create",
                                            elicit("What context should the prompt use?", "context")}});
         std::string context = answer.ok() ? elicited((*answer)["user_context"], "context") : "(none)";
         return json::array({{{"role", "user"}, {"content", {{"type", "text"}, {"text", "Prompt with context: " + context}}}}});
       }});
}

}  // namespace mcp::server
