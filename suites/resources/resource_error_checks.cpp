// Resource errors of 2026-07-28: -32002 is gone, an unknown resource is -32602.
#include "mcp/json_rpc.h"
#include "suites/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

void register_resource_errors(Registry& registry) {
  registry.add({
      .id = "resources.read.not-found-code",
      .level = Level::kMust,
      .requirement = "\"Implementations of this protocol version MUST NOT emit these codes: -32002 — resource "
                     "not found (2025-11-25 and earlier; replaced by -32602).\" Reading a resource that does "
                     "not exist is answered with -32602.",
      .spec_ref = spec(kModernDocs, "server/resources.mdx", "Error Handling"),
      .procedure = "Reads a URI no server has and expects error -32602.",
      .min_version = kFirstModernVersion,
      .capability = "resources",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        if (!s.has_capability("resources")) return skip_without_capability("resources");
        REQUIRE_OK(json response, s.client.request("resources/read", {{"uri", "mcp-harness://does-not-exist/resource"}}),
                   "resources/read");
        REQUIRE(expect_error(response, jsonrpc::kInvalidParams, "reading an unknown resource"));
        return pass();
      },
  });
}

}  // namespace mcp::harness::suites
