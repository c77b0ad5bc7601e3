// 2026-07-28 caching fields (server/utilities/caching.mdx) on lists and reads.
#include "suites/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

void register_caching(Registry& registry) {
  registry.add({
      .id = "caching.fields",
      .level = Level::kMust,
      .requirement = "\"Servers MUST include caching hints on results with resultType: \"complete\" returned by "
                     "the following operations\": server/discover, tools/list, prompts/list, resources/list, "
                     "resources/templates/list and resources/read carry ttlMs (a non-negative integer) and "
                     "cacheScope (\"public\" or \"private\").",
      .spec_ref = spec(kModernDocs, "server/utilities/caching.mdx", ""),
      .procedure = "Gathers those results (for the capabilities the server declares) and reads ttlMs and cacheScope.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        REQUIRE_OK(auto results, sample_results(s), "gathering results");
        std::string seen;
        for (const auto& [method, result] : results) {
          if (std::string problem = caching_problem(result); !problem.empty()) {
            return fail("the " + method + " result has " + problem, "ttlMs and cacheScope", compact(result, 300));
          }
          seen += (seen.empty() ? "" : ", ") + method + " " + result["cacheScope"].get<std::string>() + " " +
                  std::to_string(result["ttlMs"].get<long long>()) + " ms";
        }
        return pass(seen);
      },
  });
}

}  // namespace mcp::harness::suites
