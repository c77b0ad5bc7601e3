// Tools: listing (shape, pagination, names), calling (unknown tools, invalid
// arguments, structured output against outputSchema).
#include <regex>
#include <set>

#include "mcp/json_rpc.h"
#include "mcp/json_schema.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kDoc = "server/tools.mdx";
const ListFamily kToolList{"tools", "tools/list", "tools", "name"};

// Calls every read-only tool (optionally only those `wanted`) whose arguments can be
// built from its inputSchema, and hands each answered result to `judge`, which returns
// a failure to stop at. nullopt when every call passed; the count of calls in `called`.
using Judge = std::function<std::optional<Outcome>(const json& tool, const json& result)>;
std::optional<Outcome> call_read_only_tools(CheckContext& ctx, ToolListing& tour, const std::function<bool(const json&)>& wanted,
                                            const Judge& judge, int& called) {
  for (const auto& [tool, args] : callable_tools(call_policy(ctx), tour.tools, tour.tools.size(), wanted)) {
    std::string name = tool["name"];
    auto response = tour.session->client.request("tools/call", {{"name", name}, {"arguments", args}});
    if (!response.ok() && response.status().code() == StatusCode::kDeadlineExceeded) {
      // A tool may legitimately run longer than the timeout (a long operation); not this check's concern.
      ctx.note(name + " did not answer within the timeout; skipped");
      continue;
    }
    if (!response.ok()) return fail_status(response.status(), "calling " + name);
    if (!response->contains("result")) {
      ctx.note(name + " answered with a protocol error; not this check's concern");
      continue;
    }
    if ((*response)["result"].value("resultType", "complete") == "input_required") {
      ctx.note(name + " asked for input (mrtr.* checks judge that); no final result to judge");
      continue;
    }
    ++called;
    if (auto verdict = judge(tool, (*response)["result"])) return verdict;
  }
  return std::nullopt;
}

bool any_tool(const json&) { return true; }
bool has_output_schema(const json& tool) { return tool.contains("outputSchema"); }

}  // namespace

void register_tools(Registry& registry) {
  registry.add({
      .id = "tools.list.result-schema",
      .level = Level::kMust,
      .requirement = kSchemaIsTheSourceOfTruth + "tools/list is answered with a ListToolsResult, a tools array "
                                                 "of Tool definitions.",
      .spec_ref = spec("2025-11-25", kDoc, "Listing Tools"),
      .procedure = "Sends tools/list and validates the result against the negotiated version's ListToolsResult.",
      .capability = "tools",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("tools")) return skip_without_capability("tools");
        REQUIRE_OK(json response, s.client.request("tools/list"), "tools/list");
        REQUIRE(expect_result(response, "tools/list"));
        REQUIRE(expect_schema(response["result"], s.client.protocol_version(), "ListToolsResult", "the tools/list result"));
        return pass(std::to_string(response["result"]["tools"].size()) + " tools on the first page");
      },
  });

  registry.add({
      .id = "tools.list.input-schema-object",
      .level = Level::kMust,
      .requirement = "A tool's inputSchema \"MUST be a valid JSON Schema object (not null)\", and the schema "
                     "types it as an object schema: its root type is \"object\".",
      .spec_ref = spec("2025-11-25", kDoc, "Tool"),
      .procedure = "Lists every tool (all pages) and inspects each inputSchema.",
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        for (const json& tool : tour.tools) {
          const json schema = tool.value("inputSchema", json());
          if (!schema.is_object() || schema.value("type", json()) != "object") {
            return fail("tool " + compact(tool.value("name", json())) + " has an inputSchema that is not an object schema",
                        "\"inputSchema\": {\"type\": \"object\", ...}", compact(tool));
          }
        }
        return pass(std::to_string(tour.tools.size()) + " tools");
      },
  });

  registry.add({
      .id = "tools.list.pagination",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD: Provide stable cursors\": following nextCursor leads through further "
                     "pages to the end of the list, each cursor accepted and no tool listed twice.",
      .spec_ref = spec("2025-11-25", "server/utilities/pagination.mdx", "Pagination Flow"),
      .procedure = "Walks tools/list through every nextCursor (up to 100 pages) and compares tool names.",
      .capability = "tools",
      .run = [](CheckContext& ctx) { return check_pagination(ctx, kToolList); },
  });

  registry.add({
      .id = "tools.list.invalid-cursor",
      .level = Level::kShould,
      .requirement = "\"Invalid cursors SHOULD result in an error with code -32602 (Invalid params).\" Here: a "
                     "tools/list cursor the server did not issue.",
      .spec_ref = spec("2025-11-25", "server/utilities/pagination.mdx", "Error Handling"),
      .procedure = "Sends tools/list with cursor \"mcp-harness-not-a-cursor\".",
      .capability = "tools",
      .run = [](CheckContext& ctx) { return check_invalid_cursor(ctx, kToolList); },
  });

  registry.add({
      .id = "tools.list.output-schema-object",
      .level = Level::kMust,
      .requirement = kSchemaIsTheSourceOfTruth + "a tool's outputSchema, when present, is a JSON Schema object "
                                                 "whose root type is \"object\".",
      .spec_ref = spec("2025-11-25", kDoc, "Output Schema"),
      .procedure = "Lists every tool (all pages) and inspects each outputSchema.",
      .min_version = "2025-06-18",
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        int declared = 0;
        for (const json& tool : tour.tools) {
          if (!tool.contains("outputSchema")) continue;
          ++declared;
          const json& schema = tool["outputSchema"];
          if (!schema.is_object() || schema.value("type", json()) != "object") {
            return fail("tool " + compact(tool.value("name", json())) + " has an outputSchema that is not an object schema",
                        "\"outputSchema\": {\"type\": \"object\", ...}", compact(tool));
          }
        }
        if (declared == 0) return skip("no tool declares an outputSchema");
        return pass(std::to_string(declared) + " output schemas");
      },
  });

  registry.add({
      .id = "tools.names.format",
      .level = Level::kShould,
      .requirement = "\"Tool names SHOULD be between 1 and 128 characters in length (inclusive)\", of "
                     "\"uppercase and lowercase ASCII letters (A-Z, a-z), digits (0-9), underscore (_), hyphen "
                     "(-), and dot (.)\", and \"Tool names SHOULD be unique within a server.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Tool Names"),
      .procedure = "Lists every tool and checks each name.",
      .min_version = "2025-11-25",
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        static const std::regex kName("^[A-Za-z0-9_.-]{1,128}$");
        for (const json& tool : tour.tools) {
          std::string name = tool.value("name", std::string());
          if (!std::regex_match(name, kName)) {
            return fail("tool name \"" + name + "\" breaks the naming rules", "^[A-Za-z0-9_.-]{1,128}$", name);
          }
        }
        return pass();
      },
  });

  registry.add({
      .id = "tools.call.unknown-tool",
      .level = Level::kShould,
      // The spec lists unknown tools under protocol errors without an RFC 2119 keyword: a SHOULD, not a MUST.
      .requirement = "\"Protocol Errors: Standard JSON-RPC errors for issues like: Unknown tools\": calling a "
                     "tool that does not exist is answered with a JSON-RPC error, not a tool result.",
      .spec_ref = spec("2025-11-25", kDoc, "Error Handling"),
      .procedure = "Calls \"mcp_harness_no_such_tool\" with no arguments.",
      .capability = "tools",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("tools")) return skip_without_capability("tools");
        REQUIRE_OK(json response,
                   s.client.request("tools/call", {{"name", "mcp_harness_no_such_tool"}, {"arguments", json::object()}}),
                   "calling an unknown tool");
        REQUIRE(expect_error(response, 0, "calling an unknown tool"));
        return pass("error " + compact(response["error"]["code"]));
      },
  });

  registry.add({
      .id = "tools.call.invalid-arguments",
      .level = Level::kShould,
      .requirement = "\"Tool Execution Errors: Reported in tool results with isError: true: ... Input "
                     "validation errors\": arguments that fail input validation get a result with isError: true "
                     "that the model can act on.",
      .spec_ref = spec("2025-11-25", kDoc, "Error Handling"),
      .procedure = "Calls a read-only tool that has required properties with empty arguments.",
      .min_version = "2025-11-25",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        auto target = callable_tool(call_policy(ctx), tour.tools, [](const json& tool) {
          return !tool["inputSchema"].value("required", json::array()).empty();
        });
        if (!target) return skip("no callable tool (readOnlyHint: true) with required arguments to call safely");
        std::string name = target->first["name"];
        REQUIRE_OK(json response,
                   tour.session->client.request("tools/call", {{"name", name}, {"arguments", json::object()}}),
                   "calling " + name + " without its required arguments");
        REQUIRE(expect_result(response, "calling " + name + " without its required arguments"));
        if (response["result"].value("isError", false) != true) {
          return fail(name + " accepted arguments missing required properties", "\"isError\": true",
                      compact(response["result"]));
        }
        return pass("called " + name);
      },
  });

  registry.add({
      .id = "tools.call.output-schema-conformance",
      .level = Level::kMust,
      .requirement = "Where a tool declares an outputSchema: \"Servers MUST provide structured results that conform to "
                     "this schema.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Output Schema"),
      .procedure = "Calls each read-only tool with an outputSchema, using arguments built from its inputSchema, and "
                   "validates structuredContent.",
      .min_version = "2025-06-18",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        int called = 0;
        auto verdict = call_read_only_tools(ctx, tour, has_output_schema, [](const json& tool, const json& result) -> std::optional<Outcome> {
          if (result.value("isError", false)) return std::nullopt;  // errors need not match the output schema
          std::string name = tool["name"];
          if (!result.contains("structuredContent")) {
            return fail(name + " declares an outputSchema but returned no structuredContent",
                        "structuredContent matching " + compact(tool["outputSchema"]), compact(result));
          }
          SchemaValidator validator(tool["outputSchema"]);
          auto errors = validator.validate(result["structuredContent"]);
          if (!errors.empty()) {
            return fail(name + ": structuredContent violates its outputSchema: " + describe_errors(errors),
                        compact(tool["outputSchema"]), compact(result["structuredContent"]));
          }
          return std::nullopt;
        }, called);
        if (verdict) return *verdict;
        if (called == 0) return skip("no callable tool with an outputSchema could be called with generated arguments");
        return pass(std::to_string(called) + " tools called");
      },
  });

  registry.add({
      .id = "tools.call.result-schema",
      .level = Level::kMust,
      .requirement = kSchemaIsTheSourceOfTruth + "tools/call is answered with a CallToolResult, a content array "
                                                 "of content blocks, optionally structuredContent and isError.",
      .spec_ref = spec("2025-11-25", kDoc, "Calling Tools"),
      .procedure = "Calls each read-only tool with arguments built from its inputSchema and validates every result "
                   "against the negotiated version's CallToolResult.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        int called = 0;
        std::string version = tour.session->client.protocol_version();
        auto verdict = call_read_only_tools(ctx, tour, any_tool, [&version](const json& tool, const json& result) -> std::optional<Outcome> {
          if (Failure failure = expect_schema(result, version, "CallToolResult", "the result of " + tool["name"].get<std::string>())) {
            return *failure;
          }
          return std::nullopt;
        }, called);
        if (verdict) return *verdict;
        if (called == 0) return skip("no callable tool could be called with generated arguments");
        return pass(std::to_string(called) + " tools called");
      },
  });

  registry.add({
      .id = "tools.call.structured-text-block",
      .level = Level::kShould,
      .requirement = "\"For backwards compatibility, a tool that returns structured content SHOULD also return "
                     "the serialized JSON in a TextContent block.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Structured Content"),
      .procedure = "Calls each read-only tool with an outputSchema and looks for a text block whose JSON equals its "
                   "structuredContent.",
      .min_version = "2025-06-18",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        int structured = 0;
        int called = 0;
        auto verdict = call_read_only_tools(ctx, tour, has_output_schema, [&structured](const json& tool, const json& result) -> std::optional<Outcome> {
          if (!result.contains("structuredContent") || result.value("isError", false)) return std::nullopt;
          ++structured;
          for (const json& block : result.value("content", json::array())) {
            if (!block.is_object() || block.value("type", "") != "text" || !block["text"].is_string()) continue;
            if (jsonrpc::parse_untrusted_value(block["text"].get<std::string>()) == result["structuredContent"]) return std::nullopt;
          }
          return fail(tool["name"].get<std::string>() + " returned structuredContent without its JSON in a text block",
                      "a text block holding " + compact(result["structuredContent"]), compact(result));
        }, called);
        if (verdict) return *verdict;
        if (structured == 0) return skip("no callable tool returned structuredContent to generated arguments");
        return pass(std::to_string(structured) + " structured results");
      },
  });
  registry.add({
      .id = "tools.call.missing-name",
      .level = Level::kShould,
      .requirement = "\"Protocol Errors: Standard JSON-RPC errors for issues like: ... Malformed requests "
                     "(requests that fail to satisfy CallToolRequest schema)\": a tools/call without a name "
                     "gets a JSON-RPC error.",
      .spec_ref = spec("2025-11-25", kDoc, "Error Handling"),
      .procedure = "Sends tools/call with arguments but no name.",
      .capability = "tools",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("tools")) return skip_without_capability("tools");
        REQUIRE_OK(json response, s.client.request("tools/call", {{"arguments", json::object()}}), "tools/call without a name");
        REQUIRE(expect_error(response, 0, "tools/call without a name"));
        return pass("error " + compact(response["error"]["code"]));
      },
  });
}

}  // namespace mcp::harness::suites
