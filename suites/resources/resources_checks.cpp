// Resources: listing (pages, templates), reading (text and blobs), subscriptions.
#include "mcp/base64.h"
#include "mcp/json_rpc.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kDoc = "server/resources.mdx";
const std::string kPagination = "server/utilities/pagination.mdx";
const ListFamily kResourceList{"resources", "resources/list", "resources", "uri"};
// The resources capability promises resources/list and read; templates are optional.
const ListFamily kTemplateList{"resources", "resources/templates/list", "resourceTemplates", "uriTemplate", true};

bool declares_subscribe(const Session& s) {
  json resources = capabilities_of(s.initialize_response).value("resources", json::object());
  return resources.is_object() && resources.value("subscribe", false) == true;
}

// An initialized session with resources/subscribe declared and the first listed URI;
// otherwise the skip or failure to report.
struct SubscribeTarget {
  std::optional<Session> session;
  json uri;
  std::optional<Outcome> outcome;
};
SubscribeTarget subscribe_target(CheckContext& ctx) {
  SubscribeTarget target;
  auto s = open_session(ctx);
  if (!s.ok()) return {std::nullopt, nullptr, fail_status(s.status(), "initializing")};
  if (!declares_subscribe(*s)) return {std::nullopt, nullptr, skip("the server does not declare resources.subscribe")};
  auto walk = walk_list(s->client, "resources/list", "resources");
  if (!walk.ok()) return {std::nullopt, nullptr, fail_status(walk.status(), "listing resources")};
  if (walk->items.empty()) return {std::nullopt, nullptr, skip("the server lists no resources to subscribe to")};
  target.uri = walk->items.front().value("uri", json());
  target.session.emplace(std::move(s).value());
  return target;
}

}  // namespace

void register_resources(Registry& registry) {
  registry.add({
      .id = "resources.list.result-schema",
      .level = Level::kMust,
      .requirement = kSchemaIsTheSourceOfTruth + "resources/list is answered with a ListResourcesResult.",
      .spec_ref = spec("2025-11-25", kDoc, "Listing Resources"),
      .procedure = "Sends resources/list and validates the result against the negotiated version's schema.",
      .capability = "resources",
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
      .requirement = kSchemaIsTheSourceOfTruth + "reading a listed resource is answered with a "
                                                 "ReadResourceResult holding its contents, under the same URI.",
      .spec_ref = spec("2025-11-25", kDoc, "Reading Resources"),
      .procedure = "Reads the first resource resources/list names and validates the result.",
      .capability = "resources",
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
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD return standard JSON-RPC errors for common failure cases: Resource not "
                     "found: -32002\": reading a resource that does not exist is answered with a JSON-RPC "
                     "error, not with empty contents.",
      .spec_ref = spec("2025-11-25", kDoc, "Error Handling"),
      .procedure = "Sends resources/read for \"mcp-harness://no/such/resource\".",
      .capability = "resources",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("resources")) return skip_without_capability("resources");
        REQUIRE_OK(json response, s.client.request("resources/read", {{"uri", "mcp-harness://no/such/resource"}}),
                   "reading an unknown resource");
        REQUIRE(expect_error(response, 0, "reading an unknown resource"));
        return pass("error " + compact(response["error"]["code"]));
      },
  });
  registry.add({
      .id = "resources.list.pagination",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD: Provide stable cursors\": following nextCursor leads through further "
                     "pages of resources/list to the end, each cursor accepted and no resource listed twice.",
      .spec_ref = spec("2025-11-25", kPagination, "Pagination Flow"),
      .procedure = "Walks resources/list through every nextCursor (up to 100 pages) and compares URIs.",
      .capability = "resources",
      .run = [](CheckContext& ctx) { return check_pagination(ctx, kResourceList); },
  });

  registry.add({
      .id = "resources.list.invalid-cursor",
      .level = Level::kShould,
      .requirement = "\"Invalid cursors SHOULD result in an error with code -32602 (Invalid params).\" Here: a "
                     "resources/list cursor the server did not issue.",
      .spec_ref = spec("2025-11-25", kPagination, "Error Handling"),
      .procedure = "Sends resources/list with cursor \"mcp-harness-not-a-cursor\".",
      .capability = "resources",
      .run = [](CheckContext& ctx) { return check_invalid_cursor(ctx, kResourceList); },
  });

  registry.add({
      .id = "resources.templates.list.result-schema",
      .level = Level::kMust,
      .requirement = kSchemaIsTheSourceOfTruth + "resources/templates/list is answered with a "
                                                 "ListResourceTemplatesResult.",
      .spec_ref = spec("2025-11-25", kDoc, "Resource Templates"),
      .procedure = "Sends resources/templates/list and validates the result against the negotiated version's schema.",
      .capability = "resources",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("resources")) return skip_without_capability("resources");
        if (auto skipped = skip_unless_offered(s, kTemplateList)) return *skipped;
        REQUIRE_OK(json response, s.client.request("resources/templates/list"), "resources/templates/list");
        REQUIRE(expect_result(response, "resources/templates/list"));
        REQUIRE(expect_schema(response["result"], s.client.protocol_version(), "ListResourceTemplatesResult",
                              "the resources/templates/list result"));
        return pass(std::to_string(response["result"].value("resourceTemplates", json::array()).size()) + " templates");
      },
  });

  registry.add({
      .id = "resources.templates.list.pagination",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD: Provide stable cursors\": following nextCursor leads through further "
                     "pages of resources/templates/list to the end, no template listed twice.",
      .spec_ref = spec("2025-11-25", kPagination, "Pagination Flow"),
      .procedure = "Walks resources/templates/list through every nextCursor and compares URI templates.",
      .capability = "resources",
      .run = [](CheckContext& ctx) { return check_pagination(ctx, kTemplateList); },
  });

  registry.add({
      .id = "resources.templates.list.invalid-cursor",
      .level = Level::kShould,
      .requirement = "\"Invalid cursors SHOULD result in an error with code -32602 (Invalid params).\" Here: a "
                     "resources/templates/list cursor the server did not issue.",
      .spec_ref = spec("2025-11-25", kPagination, "Error Handling"),
      .procedure = "Sends resources/templates/list with cursor \"mcp-harness-not-a-cursor\".",
      .capability = "resources",
      .run = [](CheckContext& ctx) { return check_invalid_cursor(ctx, kTemplateList); },
  });

  registry.add({
      .id = "resources.read.blob-base64",
      .level = Level::kMust,
      .requirement = "\"Binary data MUST be properly encoded\": a blob is valid base64.",
      .spec_ref = spec("2025-11-25", kDoc, "Binary Content"),
      .procedure = "Reads every listed resource (up to 50) and decodes each blob.",
      .capability = "resources",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("resources")) return skip_without_capability("resources");
        REQUIRE_OK(ListWalk walk, walk_list(s.client, "resources/list", "resources"), "listing resources");
        int blobs = 0;
        for (std::size_t i = 0; i < walk.items.size() && i < 50; ++i) {
          json uri = walk.items[i].value("uri", json());
          REQUIRE_OK(json response, s.client.request("resources/read", {{"uri", uri}}), "resources/read " + compact(uri));
          if (!response.contains("result")) continue;  // resources.read.listed judges errors
          for (const json& content : response["result"].value("contents", json::array())) {
            if (!content.is_object() || !content.contains("blob")) continue;
            ++blobs;
            const json& blob = content["blob"];
            if (!blob.is_string() || !base64_decode(blob.get<std::string>())) {
              return fail("the blob of " + compact(uri) + " is not valid base64", "base64 (RFC 4648)", compact(content));
            }
          }
        }
        if (blobs == 0) return skip("no listed resource has binary contents");
        return pass(std::to_string(blobs) + " blob(s) decoded");
      },
  });

  registry.add({
      .id = "resources.subscribe.accepted",
      .level = Level::kShould,
      .requirement = "\"subscribe: whether the client can subscribe to be notified of changes to individual "
                     "resources\": a server declaring it accepts resources/subscribe for a resource it lists, "
                     "with an empty result. (No sentence makes this a MUST.)",
      .spec_ref = spec("2025-11-25", kDoc, "Subscriptions"),
      .procedure = "Subscribes to the first listed resource.",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        SubscribeTarget target = subscribe_target(ctx);
        if (target.outcome) return *target.outcome;
        REQUIRE_OK(json response, target.session->client.request("resources/subscribe", {{"uri", target.uri}}),
                   "resources/subscribe " + compact(target.uri));
        REQUIRE(expect_result(response, "resources/subscribe " + compact(target.uri)));
        return pass("subscribed to " + compact(target.uri));
      },
  });

  registry.add({
      .id = "resources.unsubscribe.accepted",
      .level = Level::kShould,
      .requirement = "\"subscribe: whether the client can subscribe to be notified of changes to individual "
                     "resources\": a server declaring it accepts resources/unsubscribe for a subscribed "
                     "resource, with an empty result. (No sentence makes this a MUST.)",
      .spec_ref = spec("2025-11-25", kDoc, "Subscriptions"),
      .procedure = "Subscribes to the first listed resource, then unsubscribes.",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        SubscribeTarget target = subscribe_target(ctx);
        if (target.outcome) return *target.outcome;
        McpClient& client = target.session->client;
        REQUIRE_OK(json subscribed, client.request("resources/subscribe", {{"uri", target.uri}}), "resources/subscribe");
        if (!subscribed.contains("result")) return skip("resources/subscribe was refused (resources.subscribe.accepted judges that)");
        REQUIRE_OK(json response, client.request("resources/unsubscribe", {{"uri", target.uri}}),
                   "resources/unsubscribe " + compact(target.uri));
        REQUIRE(expect_result(response, "resources/unsubscribe " + compact(target.uri)));
        return pass();
      },
  });

  registry.add({
      .id = "resources.subscribe.unknown-uri",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD return standard JSON-RPC errors for common failure cases: Resource not "
                     "found: -32002\": subscribing to a resource that does not exist is refused with a JSON-RPC "
                     "error.",
      .spec_ref = spec("2025-11-25", kDoc, "Error Handling"),
      .procedure = "Sends resources/subscribe for \"mcp-harness://no/such/resource\".",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!declares_subscribe(s)) return skip("the server does not declare resources.subscribe");
        REQUIRE_OK(json response, s.client.request("resources/subscribe", {{"uri", "mcp-harness://no/such/resource"}}),
                   "subscribing to an unknown resource");
        REQUIRE(expect_error(response, 0, "subscribing to an unknown resource"));
        return pass("error " + compact(response["error"]["code"]));
      },
  });
  registry.add({
      .id = "resources.read.missing-uri",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD return standard JSON-RPC errors for common failure cases\": a "
                     "resources/read without a uri is malformed and gets a JSON-RPC error (-32602, Invalid "
                     "params), not an empty result.",
      .spec_ref = spec("2025-11-25", kDoc, "Error Handling"),
      .procedure = "Sends resources/read with empty params.",
      .capability = "resources",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("resources")) return skip_without_capability("resources");
        REQUIRE_OK(json response, s.client.request("resources/read", json::object()), "resources/read without a uri");
        REQUIRE(expect_error(response, 0, "resources/read without a uri"));
        return pass("error " + compact(response["error"]["code"]));
      },
  });
}

}  // namespace mcp::harness::suites
