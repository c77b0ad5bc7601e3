// Resources: listing and reading.
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

void register_resources(Registry& registry) {
  registry.add({
      .id = "resources.list.result-schema",
      .level = Level::kMust,
      .requirement = "resources/list MUST return a ListResourcesResult.",
      .spec_ref = spec("2025-11-25", "server/resources.mdx", "Listing Resources"),
      .procedure = "Sends resources/list and validates the result against the negotiated version's schema.",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("resources")) return skip_without_capability("resources");
        REQUIRE_OK(json response, s.client.request("resources/list"), "resources/list");
        REQUIRE(expect_result(response, "resources/list"));
        REQUIRE(expect_schema(response["result"], s.client.protocol_version(), "ListResourcesResult",
                              "the resources/list result"));
        return pass();
      },
  });

  registry.add({
      .id = "resources.read.listed",
      .level = Level::kMust,
      .requirement = "Reading a listed resource MUST return its contents (a ReadResourceResult with the same URI).",
      .spec_ref = spec("2025-11-25", "server/resources.mdx", "Reading Resources"),
      .procedure = "Reads the first resource resources/list names and validates the result.",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("resources")) return skip_without_capability("resources");
        REQUIRE_OK(ListWalk walk, walk_list(s.client, "resources/list", "resources"), "listing resources");
        if (walk.items.empty()) return skip("the server lists no resources");
        json uri = walk.items.front().value("uri", json());
        REQUIRE_OK(json response, s.client.request("resources/read", {{"uri", uri}}), "resources/read " + compact(uri));
        REQUIRE(expect_result(response, "resources/read " + compact(uri)));
        REQUIRE(expect_schema(response["result"], s.client.protocol_version(), "ReadResourceResult",
                              "the resources/read result"));
        const json& contents = response["result"]["contents"];
        if (contents.empty() || contents[0].value("uri", json()) != uri) {
          return fail("contents do not describe the requested resource", "contents[0].uri == " + compact(uri),
                      compact(response["result"]));
        }
        return pass("read " + compact(uri));
      },
  });

  registry.add({
      .id = "resources.read.unknown-uri",
      .level = Level::kMust,
      .requirement = "Reading a resource that does not exist MUST be answered with a JSON-RPC error (Resource not "
                     "found), not with empty contents.",
      .spec_ref = spec("2025-11-25", "server/resources.mdx", "Error Handling"),
      .procedure = "Sends resources/read for \"mcp-harness://no/such/resource\".",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("resources")) return skip_without_capability("resources");
        REQUIRE_OK(json response, s.client.request("resources/read", {{"uri", "mcp-harness://no/such/resource"}}),
                   "reading an unknown resource");
        REQUIRE(expect_error(response, 0, "reading an unknown resource"));
        return pass("error " + compact(response["error"]["code"]));
      },
  });
}

}  // namespace mcp::harness::suites
