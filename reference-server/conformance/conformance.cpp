#include "reference-server/conformance/conformance.h"

#include <chrono>
#include <thread>

#include "mcp/base64.h"
#include "reference-server/demo/demo.h"

namespace mcp::server {

using json = nlohmann::json;

namespace {

// A four-sample silent WAV, small enough to inline.
constexpr const char* kWavBase64 = "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQgAAAAAAAAAAAAAAA==";

json text_block(const std::string& text) { return {{"type", "text"}, {"text", text}}; }
json image_block() { return {{"type", "image"}, {"data", kOnePixelPngBase64}, {"mimeType", "image/png"}}; }
json embedded(const std::string& uri, const std::string& mime, const std::string& text) {
  return {{"type", "resource"}, {"resource", {{"uri", uri}, {"mimeType", mime}, {"text", text}}}};
}
ToolResult content_result(json blocks) { return {{"content", std::move(blocks)}}; }

json string_property(const std::string& description) { return {{"type", "string"}, {"description", description}}; }
json object_schema(json properties, json required) {
  return {{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
}
json titled_options(const std::vector<std::pair<std::string, std::string>>& options) {
  json list = json::array();
  for (const auto& [value, title] : options) list.push_back({{"const", value}, {"title", title}});
  return list;
}

// Asks the client for input with `schema` and reports what came back, as the suite expects.
// An empty `message` means the tool's own "message" argument.
ToolHandler elicit(std::string message, json schema, std::string label) {
  return [message = std::move(message), schema = std::move(schema), label = std::move(label)](ToolContext& ctx) {
    if (!ctx.client_supports("elicitation")) return error_result("The client does not support elicitation");
    std::string text = message.empty() ? ctx.arguments().value("message", std::string()) : message;
    auto answer = ctx.ask_client("elicitation/create", {{"message", text}, {"requestedSchema", schema}});
    if (!answer.ok()) return error_result("Elicitation failed: " + answer.status().message());
    return text_result(label + "action=" + answer->value("action", std::string("?")) +
                       ", content=" + answer->value("content", json::object()).dump());
  };
}

Status register_tools(ToolRegistry& tools) {
  auto no_arguments = [](std::string name, std::string description) {
    return ToolSpec{.name = std::move(name), .description = std::move(description)};
  };
  RETURN_IF_ERROR(tools.add(no_arguments("test_simple_text", "Returns one text block."),
                            [](ToolContext&) { return text_result("This is a simple text response for testing."); }));
  RETURN_IF_ERROR(tools.add(no_arguments("test_image_content", "Returns one PNG image block."),
                            [](ToolContext&) { return content_result({image_block()}); }));
  RETURN_IF_ERROR(tools.add(no_arguments("test_audio_content", "Returns one WAV audio block."), [](ToolContext&) {
    return content_result({{{"type", "audio"}, {"data", kWavBase64}, {"mimeType", "audio/wav"}}});
  }));
  RETURN_IF_ERROR(tools.add(no_arguments("test_embedded_resource", "Returns an embedded text resource."), [](ToolContext&) {
    return content_result({embedded("test://embedded-resource", "text/plain", "This is an embedded resource content.")});
  }));
  RETURN_IF_ERROR(tools.add(no_arguments("test_multiple_content_types", "Returns text, an image and a resource."),
                            [](ToolContext&) {
                              return content_result({text_block("Multiple content types test:"), image_block(),
                                                     embedded("test://mixed-content-resource", "application/json",
                                                              R"({"test":"data","value":123})")});
                            }));
  RETURN_IF_ERROR(tools.add(no_arguments("test_tool_with_logging", "Sends three info log messages, 50 ms apart."),
                            [](ToolContext& ctx) {
                              ctx.log("info", "Tool execution started");
                              std::this_thread::sleep_for(std::chrono::milliseconds(50));
                              ctx.log("info", "Tool processing data");
                              std::this_thread::sleep_for(std::chrono::milliseconds(50));
                              ctx.log("info", "Tool execution completed");
                              return text_result("Tool with logging executed successfully");
                            }));
  RETURN_IF_ERROR(tools.add(no_arguments("test_error_handling", "Always reports a tool execution error."),
                            [](ToolContext&) { return error_result("This tool intentionally returns an error for testing"); }));
  RETURN_IF_ERROR(tools.add(no_arguments("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100."),
                            [](ToolContext& ctx) {
                              for (int step = 0; step <= 100 && !ctx.cancelled(); step += 50) {
                                if (step > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
                                ctx.report_progress(step, 100, "step " + std::to_string(step / 50 + 1) + " of 3");
                              }
                              return text_result("Tool with progress executed successfully");
                            }));
  RETURN_IF_ERROR(tools.add(
      {.name = "test_sampling",
       .description = "Asks the client's model to answer the prompt (sampling/createMessage).",
       .input_schema = object_schema({{"prompt", string_property("The prompt to send to the LLM")}}, {"prompt"})},
      [](ToolContext& ctx) {
        if (!ctx.client_supports("sampling")) return error_result("The client does not support sampling");
        json request = {{"messages", json::array({{{"role", "user"}, {"content", text_block(ctx.arguments()["prompt"])}}})},
                        {"maxTokens", 100}};
        auto answer = ctx.ask_client("sampling/createMessage", std::move(request));
        if (!answer.ok()) return error_result("Sampling failed: " + answer.status().message());
        json content = answer->value("content", json::object());
        return text_result("LLM response: " + (content.is_object() ? content.value("text", content.dump()) : content.dump()));
      }));
  RETURN_IF_ERROR(tools.add(
      {.name = "test_elicitation",
       .description = "Asks the user for a username and email (elicitation/create).",
       .input_schema = object_schema({{"message", string_property("The message to show the user")}}, {"message"})},
      elicit("",
             object_schema({{"username", string_property("User's response")},
                            {"email", string_property("User's email address")}},
                           {"username", "email"}),
             "User response: ")));
  RETURN_IF_ERROR(tools.add(
      no_arguments("test_elicitation_sep1034_defaults", "Elicits every primitive type with a default (SEP-1034)."),
      elicit("Please review and update the form fields with defaults",
             object_schema({{"name", {{"type", "string"}, {"description", "User name"}, {"default", "John Doe"}}},
                            {"age", {{"type", "integer"}, {"description", "User age"}, {"default", 30}}},
                            {"score", {{"type", "number"}, {"description", "User score"}, {"default", 95.5}}},
                            {"status", {{"type", "string"}, {"description", "User status"},
                                        {"enum", {"active", "inactive", "pending"}}, {"default", "active"}}},
                            {"verified", {{"type", "boolean"}, {"description", "Verification status"}, {"default", true}}}},
                           json::array()),
             "Elicitation completed: ")));
  return tools.add(
      no_arguments("test_elicitation_sep1330_enums", "Elicits the five enum schema variants (SEP-1330)."),
      elicit("Please select options from the enum fields",
             object_schema(
                 {{"untitledSingle", {{"type", "string"}, {"description", "Select one option"},
                                      {"enum", {"option1", "option2", "option3"}}}},
                  {"titledSingle", {{"type", "string"}, {"description", "Select one option with titles"},
                                    {"oneOf", titled_options({{"value1", "First Option"}, {"value2", "Second Option"},
                                                              {"value3", "Third Option"}})}}},
                  {"legacyEnum", {{"type", "string"}, {"description", "Select one option (legacy)"},
                                  {"enum", {"opt1", "opt2", "opt3"}},
                                  {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
                  {"untitledMulti", {{"type", "array"}, {"description", "Select multiple options"}, {"minItems", 1},
                                     {"maxItems", 3},
                                     {"items", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}}}},
                  {"titledMulti", {{"type", "array"}, {"description", "Select multiple options with titles"},
                                   {"minItems", 1}, {"maxItems", 3},
                                   {"items", {{"anyOf", titled_options({{"value1", "First Choice"},
                                                                        {"value2", "Second Choice"},
                                                                        {"value3", "Third Choice"}})}}}}}},
                 json::array()),
             "Elicitation completed: "));
}

Status register_resources(ResourceCatalog& resources) {
  RETURN_IF_ERROR(resources.add({.uri = "test://static-text",
                                 .name = "Static Text Resource",
                                 .description = "A static text resource for testing",
                                 .read = [] { return std::string("This is the content of the static text resource."); }}));
  RETURN_IF_ERROR(resources.add({.uri = "test://static-binary",
                                 .name = "Static Binary Resource",
                                 .description = "A static binary resource (image) for testing",
                                 .mime_type = "image/png",
                                 .read = [] { return base64_decode(kOnePixelPngBase64).value_or(""); },
                                 .binary = true}));
  RETURN_IF_ERROR(resources.add({.uri = "test://watched-resource",
                                 .name = "Watched Resource",
                                 .description = "A resource clients may subscribe to",
                                 .read = [] { return std::string("Watched resource content"); }}));
  return resources.add_template(
      {.uri_template = "test://template/{id}/data",
       .prefix = "test://template/",
       .name = "Resource Template",
       .description = "A resource template with an id parameter",
       .mime_type = "application/json",
       .read = [](const std::string& uri) -> std::optional<std::string> {
         std::string rest = uri.substr(std::string("test://template/").size());
         auto slash = rest.find('/');
         if (slash == 0 || slash == std::string::npos || rest.substr(slash) != "/data") return std::nullopt;
         std::string id = rest.substr(0, slash);
         return json{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}}.dump();
       },
       .completions = {{"id", {"1", "2", "3", "123"}}}});
}

Status register_prompts(PromptCatalog& prompts) {
  auto user = [](json content) { return json{{"role", "user"}, {"content", std::move(content)}}; };
  RETURN_IF_ERROR(prompts.add({.name = "test_simple_prompt",
                               .description = "A simple prompt without arguments",
                               .render = [user](const json&, ToolContext&) {
                                 return json::array({user(text_block("This is a simple prompt for testing."))});
                               }}));
  RETURN_IF_ERROR(prompts.add(
      {.name = "test_prompt_with_arguments",
       .description = "A prompt with required arguments",
       .arguments = {{"arg1", "First test argument", true, {"paris", "park", "party", "test"}},
                     {"arg2", "Second test argument", true, {}}},
       .render = [user](const json& args, ToolContext&) {
         return json::array({user(text_block("Prompt with arguments: arg1='" + args["arg1"].get<std::string>() +
                                             "', arg2='" + args["arg2"].get<std::string>() + "'"))});
       }}));
  RETURN_IF_ERROR(prompts.add(
      {.name = "test_prompt_with_embedded_resource",
       .description = "A prompt that includes an embedded resource",
       .arguments = {{"resourceUri", "URI of the resource to embed", true, {}}},
       .render = [user](const json& args, ToolContext&) {
         std::string uri = args["resourceUri"];
         return json::array({user(embedded(uri, "text/plain", "Embedded resource content for testing.")),
                             user(text_block("Please process the embedded resource above."))});
       }}));
  return prompts.add({.name = "test_prompt_with_image",
                      .description = "A prompt that includes image content",
                      .render = [user](const json&, ToolContext&) {
                        return json::array({user(image_block()), user(text_block("Please analyze the image above."))});
                      }});
}

}  // namespace

Status register_conformance_fixtures(McpServer& server) {
  RETURN_IF_ERROR(register_tools(server.tools()));
  RETURN_IF_ERROR(register_resources(server.resources()));
  RETURN_IF_ERROR(register_prompts(server.prompts()));
  RETURN_IF_ERROR(register_task_fixtures(server.tools()));
  return register_input_fixtures(server);
}

}  // namespace mcp::server
