// Utilities: ping.
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

void register_utilities(Registry& registry) {
  registry.add({
      .id = "ping.empty-result",
      .level = Level::kMust,
      .requirement = "Of a ping: \"The receiver MUST respond promptly with an empty response\".",
      .spec_ref = spec("2025-11-25", "basic/utilities/ping.mdx", "Behavior Requirements"),
      .procedure = "Sends ping after initialization; expects a result that is an empty object (or only _meta).",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.session(), "initializing");
        REQUIRE_OK(json response, client.request("ping"), "ping");
        REQUIRE(expect_result(response, "ping"));
        const json& result = response["result"];
        bool empty = result.is_object() && (result.empty() || (result.size() == 1 && result.contains("_meta")));
        if (!empty) return fail("ping result is not empty", "{}", compact(result));
        return pass();
      },
  });
}

}  // namespace mcp::harness::suites
