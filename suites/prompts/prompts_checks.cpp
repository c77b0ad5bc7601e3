// Prompts: listing and argument validation.
#include "mcp/json_rpc.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

void register_prompts(Registry& registry) {
  registry.add({
      .id = "prompts.list.result-schema",
      .level = Level::kMust,
      .requirement = "prompts/list MUST return a ListPromptsResult.",
      .spec_ref = spec("2025-11-25", "server/prompts.mdx", "Listing Prompts"),
      .procedure = "Sends prompts/list and validates the result against the negotiated version's schema.",
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
      .requirement = "prompts/get without a required argument SHOULD be answered with error -32602 (Invalid params).",
      .spec_ref = spec("2025-11-25", "server/prompts.mdx", "Error Handling"),
      .procedure = "Finds a prompt with a required argument and gets it with no arguments.",
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
}

}  // namespace mcp::harness::suites
