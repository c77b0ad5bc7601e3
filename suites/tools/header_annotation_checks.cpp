// x-mcp-header annotations in tool input schemas (2026-07-28 streamable-http.mdx
// "Schema Extension"), checked on every listed tool.
#include "mcp/request_headers.h"
#include "suites/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

void register_tool_header_annotations(Registry& registry) {
  registry.add({
      .id = "tools.x-mcp-header.valid",
      .level = Level::kMust,
      .requirement = "Of x-mcp-header values: each \"MUST NOT be empty\", \"MUST match HTTP field-name token "
                     "syntax\", \"MUST be case-insensitively unique among all x-mcp-header values in the "
                     "inputSchema\", \"MUST only be applied to parameters with primitive types (integer, "
                     "string, boolean)\" and \"MUST only be applied to properties that are statically reachable "
                     "from the schema root\".",
      .spec_ref = spec(kModernDocs, "basic/transports/streamable-http.mdx", "Schema Extension"),
      .procedure = "Lists every tool and checks each inputSchema's x-mcp-header annotations against the constraints.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        std::size_t annotated = 0;
        for (const json& tool : tour.tools) {
          HeaderParameters declared = header_parameters(tool.value("inputSchema", json::object()));
          if (!declared.invalid.empty()) {
            return fail(tool.value("name", "?") + ": " + declared.invalid, "valid x-mcp-header annotations",
                        compact(tool.value("inputSchema", json()), 300));
          }
          annotated += !declared.parameters.empty();
        }
        return pass(std::to_string(tour.tools.size()) + " tools, " + std::to_string(annotated) + " with header parameters");
      },
  });
}

}  // namespace mcp::harness::suites
