// Prompts: listing (pages), getting each, argument validation, unknown names.
#include "mcp/json_rpc.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kDoc = "server/prompts.mdx";
const std::string kPagination = "server/utilities/pagination.mdx";
const ListFamily kPromptList{"prompts", "prompts/list", "prompts", "name"};

}  // namespace

void register_prompts(Registry& registry) {
  registry.add({
      .id = "prompts.list.result-schema",
      .level = Level::kMust,
      .requirement = kSchemaIsTheSourceOfTruth + "prompts/list is answered with a ListPromptsResult.",
      .spec_ref = spec("2025-11-25", kDoc, "Listing Prompts"),
      .procedure = "Sends prompts/list and validates the result against the negotiated version's schema.",
      .capability = "prompts",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("prompts")) return skip_without_capability("prompts");
        REQUIRE_OK(json response, s.client.request("prompts/list"), "prompts/list");
        REQUIRE(expect_result(response, "prompts/list"));
        REQUIRE(expect_schema(response["result"], s.client.protocol_version(), "ListPromptsResult",
                              "the prompts/list result"));
        return pass();
      },
  });

  registry.add({
      .id = "prompts.get.missing-argument",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD return standard JSON-RPC errors for common failure cases: ... Missing "
                     "required arguments: -32602 (Invalid params)\".",
      .spec_ref = spec("2025-11-25", kDoc, "Error Handling"),
      .procedure = "Finds a prompt with a required argument and gets it with no arguments.",
      .capability = "prompts",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("prompts")) return skip_without_capability("prompts");
        REQUIRE_OK(ListWalk walk, walk_list(s.client, "prompts/list", "prompts"), "listing prompts");
        for (const json& prompt : walk.items) {
          bool has_required = false;
          for (const json& arg : prompt.value("arguments", json::array())) has_required |= arg.value("required", false);
          if (!has_required) continue;
          std::string name = prompt.value("name", std::string());
          REQUIRE_OK(json response, s.client.request("prompts/get", {{"name", name}, {"arguments", json::object()}}),
                     "prompts/get " + name + " without arguments");
          REQUIRE(expect_error(response, jsonrpc::kInvalidParams, "prompts/get " + name + " without its required argument"));
          return pass("prompt " + name);
        }
        return skip("no prompt declares a required argument");
      },
  });
  registry.add({
      .id = "prompts.list.pagination",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD: Provide stable cursors\": following nextCursor leads through further "
                     "pages of prompts/list to the end, each cursor accepted and no prompt listed twice.",
      .spec_ref = spec("2025-11-25", kPagination, "Pagination Flow"),
      .procedure = "Walks prompts/list through every nextCursor (up to 100 pages) and compares names.",
      .capability = "prompts",
      .run = [](CheckContext& ctx) { return check_pagination(ctx, kPromptList); },
  });

  registry.add({
      .id = "prompts.list.invalid-cursor",
      .level = Level::kShould,
      .requirement = "\"Invalid cursors SHOULD result in an error with code -32602 (Invalid params).\" Here: a "
                     "prompts/list cursor the server did not issue.",
      .spec_ref = spec("2025-11-25", kPagination, "Error Handling"),
      .procedure = "Sends prompts/list with cursor \"mcp-harness-not-a-cursor\".",
      .capability = "prompts",
      .run = [](CheckContext& ctx) { return check_invalid_cursor(ctx, kPromptList); },
  });

  registry.add({
      .id = "prompts.get.listed",
      .level = Level::kMust,
      .requirement = kSchemaIsTheSourceOfTruth + "prompts/get for a listed prompt, with its required arguments, "
                                                 "is answered with a GetPromptResult: messages with a role and "
                                                 "content.",
      .spec_ref = spec("2025-11-25", kDoc, "Getting a Prompt"),
      .procedure = "Gets every listed prompt (up to 20), giving each required argument the value \"mcp-harness\", "
                   "and validates each result. A refusal counts against prompts without required arguments only.",
      .capability = "prompts",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("prompts")) return skip_without_capability("prompts");
        REQUIRE_OK(ListWalk walk, walk_list(s.client, "prompts/list", "prompts"), "listing prompts");
        if (walk.items.empty()) return skip("the server lists no prompts");
        std::size_t got = 0;
        for (std::size_t i = 0; i < walk.items.size() && i < 20; ++i) {
          const json& prompt = walk.items[i];
          json arguments = json::object();
          for (const json& arg : prompt.value("arguments", json::array())) {
            if (arg.is_object() && arg.value("required", false)) arguments[jsonrpc::string_member(arg, "name")] = "mcp-harness";
          }
          std::string name = jsonrpc::string_member(prompt, "name");
          REQUIRE_OK(json response, s.client.request("prompts/get", {{"name", name}, {"arguments", arguments}}),
                     "prompts/get " + name);
          // Placeholder values may be refused (a prompt may want a number or an id); a prompt
          // that needs no argument has no such excuse.
          if (response.contains("error") && !arguments.empty()) {
            ctx.note("prompts/get " + name + " refused the placeholder arguments; not judged");
            continue;
          }
          REQUIRE(expect_result(response, "prompts/get " + name));
          REQUIRE(expect_schema(response["result"], s.client.protocol_version(), "GetPromptResult",
                                "the prompts/get result for " + name));
          ++got;
        }
        if (got == 0) return skip("every listed prompt refused the placeholder arguments");
        return pass(std::to_string(got) + " prompt(s)");
      },
  });

  registry.add({
      .id = "prompts.get.unknown-prompt",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD return standard JSON-RPC errors for common failure cases: Invalid prompt "
                     "name: -32602 (Invalid params)\".",
      .spec_ref = spec("2025-11-25", kDoc, "Error Handling"),
      .procedure = "Sends prompts/get for \"mcp_harness_no_such_prompt\".",
      .capability = "prompts",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("prompts")) return skip_without_capability("prompts");
        REQUIRE_OK(json response, s.client.request("prompts/get", {{"name", "mcp_harness_no_such_prompt"}}),
                   "getting an unknown prompt");
        REQUIRE(expect_error(response, jsonrpc::kInvalidParams, "getting an unknown prompt"));
        return pass();
      },
  });
}

}  // namespace mcp::harness::suites
