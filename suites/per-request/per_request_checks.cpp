// 2026-07-28, the per-request era: server/discover, the _meta every request carries,
// resultType and caching fields on results, statelessness, resource-not-found's new
// code and W3C formats for trace context keys.
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"
#include "mcp/request_headers.h"
#include "mcp/trace_context.h"
#include "suites/per-request/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

namespace {

// What is wrong with a result's caching fields (caching.mdx), or "".
std::string caching_problem(const json& result) {
  auto ttl = result.find("ttlMs");
  if (ttl == result.end()) return "no ttlMs";
  if (!ttl->is_number_integer() || ttl->get<long long>() < 0) return "ttlMs " + ttl->dump() + " is not a non-negative integer";
  auto scope = result.find("cacheScope");
  if (scope == result.end()) return "no cacheScope";
  if (*scope != "public" && *scope != "private") return "cacheScope " + scope->dump() + " is neither \"public\" nor \"private\"";
  return "";
}

// The results a check can gather from any server: discover, the first page of every
// list it declares, and the first listed resource read; {method, result}.
StatusOr<std::vector<std::pair<std::string, json>>> sample_results(Session& s) {
  std::vector<std::pair<std::string, json>> results = {{"server/discover", s.initialize_response.value("result", json())}};
  struct Listed {
    const char* capability;
    const char* method;
  };
  for (const Listed& list : {Listed{"tools", "tools/list"}, Listed{"prompts", "prompts/list"},
                             Listed{"resources", "resources/list"}, Listed{"resources", "resources/templates/list"}}) {
    if (!s.has_capability(list.capability)) continue;
    ASSIGN_OR_RETURN(json response, s.client.request(list.method));
    if (!response.contains("result")) return failed_precondition(std::string(list.method) + " failed: " + compact(response));
    results.emplace_back(list.method, response["result"]);
  }
  for (const auto& [method, result] : std::vector<std::pair<std::string, json>>(results)) {
    if (method != "resources/list" || !result.contains("resources") || result["resources"].empty()) continue;
    ASSIGN_OR_RETURN(json read, s.client.request("resources/read", {{"uri", result["resources"][0].value("uri", "")}}));
    if (read.contains("result")) results.emplace_back("resources/read", read["result"]);
  }
  return results;
}

// What is wrong with the trace context keys in a message's _meta, or "".
std::string trace_context_problem(const json& message) {
  for (const char* part : {"params", "result"}) {
    if (!message.contains(part) || !message[part].is_object() || !message[part].contains("_meta")) continue;
    const json& meta = message[part]["_meta"];
    if (!meta.is_object()) continue;
    if (auto tp = meta.find("traceparent"); tp != meta.end() && (!tp->is_string() || !parse_traceparent(tp->get<std::string>()))) {
      return "traceparent " + tp->dump() + " is not W3C Trace Context";
    }
    if (auto ts = meta.find("tracestate"); ts != meta.end() && (!ts->is_string() || !valid_tracestate(ts->get<std::string>()))) {
      return "tracestate " + ts->dump() + " is not W3C Trace Context";
    }
    if (auto b = meta.find("baggage"); b != meta.end() && (!b->is_string() || !valid_baggage(b->get<std::string>()))) {
      return "baggage " + b->dump() + " is not W3C Baggage";
    }
  }
  return "";
}

}  // namespace

void register_per_request(Registry& registry) {
  registry.add({
      .id = "discover.result-shape",
      .level = Level::kMust,
      .requirement = "\"Servers MUST implement it.\" (server/discover), answering with a DiscoverResult: "
                     "supportedVersions (including the version asked for), capabilities, resultType, ttlMs and "
                     "cacheScope.",
      .spec_ref = spec(kModernDocs, "server/discover.mdx", "Response"),
      .procedure = "Sends server/discover with the per-request _meta and checks the result's members and its schema.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        const json result = s.initialize_response.value("result", json::object());
        REQUIRE(expect_schema(result, ctx.protocol_version(), "DiscoverResult", "the server/discover result"));
        const json versions = result.value("supportedVersions", json::array());
        if (std::find(versions.begin(), versions.end(), json(ctx.protocol_version())) == versions.end()) {
          return fail("supportedVersions does not list the version the request used", ctx.protocol_version(), compact(versions));
        }
        if (result.value("resultType", "") != "complete") {
          return fail("the DiscoverResult's resultType is not \"complete\"", "\"complete\"", compact(result.value("resultType", json())));
        }
        if (std::string problem = caching_problem(result); !problem.empty()) {
          return fail("the DiscoverResult has " + problem, "ttlMs and cacheScope", compact(result));
        }
        return pass(compact(versions));
      },
  });

  registry.add({
      .id = "discover.server-info",
      .level = Level::kShould,
      .requirement = "Servers SHOULD name themselves in the DiscoverResult's _meta under io.modelcontextprotocol/serverInfo "
                     "(name and version).",
      .spec_ref = spec(kModernDocs, "server/discover.mdx", "DiscoverResult"),
      .procedure = "Sends server/discover and reads _meta[\"io.modelcontextprotocol/serverInfo\"].",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        json meta = s.initialize_response.value("result", json::object()).value("_meta", json::object());
        json info = meta.is_object() ? meta.value(protocol::kMetaServerInfo, json()) : json();
        if (!info.is_object() || !info.contains("name") || !info["name"].is_string() || !info.contains("version") ||
            !info["version"].is_string()) {
          return fail("the DiscoverResult names no server", "_meta serverInfo {name, version}", compact(meta));
        }
        return pass(info["name"].get<std::string>() + " " + info["version"].get<std::string>());
      },
  });

  struct MissingField {
    const char* id;
    const char* key;
    const char* name;
  };
  for (const MissingField& missing : {MissingField{"meta.protocol-version.missing", protocol::kMetaProtocolVersion, "protocolVersion"},
                                      MissingField{"meta.client-capabilities.missing", protocol::kMetaClientCapabilities,
                                                   "clientCapabilities"}}) {
    std::string key = missing.key;
    registry.add({
        .id = missing.id,
        .level = Level::kMust,
        .requirement = std::string("\"A request missing any required field is malformed; the server MUST reject it with "
                                   "JSON-RPC error code -32602 (Invalid params). On HTTP, the response status MUST be 400 "
                                   "Bad Request.\" Here the missing field is ") +
                       missing.key + ".",
        .spec_ref = spec(kModernDocs, "basic/index.mdx", "Per-request protocol fields"),
        .procedure = std::string("Sends tools/list with the per-request _meta but no ") + missing.name + ".",
        .min_version = kFirstModernVersion,
        .run = [key](CheckContext& ctx) -> Outcome {
          REQUIRE_OK(Session s, open_session(ctx), "server/discover");
          json message = request_with_meta(s.client, "meta-missing", "tools/list", json::object(), [&](json& meta) { meta.erase(key); });
          REQUIRE_OK(Exchange exchange, send_as_is(s.client, message), "sending tools/list without " + key);
          REQUIRE(expect_refusal(exchange, jsonrpc::kInvalidParams, 400, "tools/list without " + key));
          return pass(compact(exchange.response["error"], 200));
        },
    });
  }

  registry.add({
      .id = "meta.protocol-version.unsupported",
      .level = Level::kMust,
      .requirement = "\"If the server does not implement the requested version (whether the version is unknown "
                     "to the server, or is a known version the server has chosen not to support), it MUST "
                     "respond with an UnsupportedProtocolVersionError listing the versions it does support\" "
                     "(-32022, data naming the supported and requested versions; on HTTP with 400).",
      .spec_ref = spec(kModernDocs, "basic/versioning.mdx", "Protocol Version Negotiation"),
      .procedure = "Sends tools/list with protocolVersion 2099-01-01 in _meta (and in MCP-Protocol-Version over HTTP).",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        const std::string future = "2099-01-01";
        json message = request_with_meta(s.client, "meta-future", "tools/list", json::object(),
                                         [&](json& meta) { meta[protocol::kMetaProtocolVersion] = future; });
        REQUIRE_OK(Exchange exchange, send_as_is(s.client, message, {{"MCP-Protocol-Version", future}}), "sending tools/list");
        REQUIRE(expect_refusal(exchange, jsonrpc::kUnsupportedProtocolVersion, 400, "tools/list for version " + future));
        json data = exchange.response["error"].value("data", json());
        bool listed = data.is_object() && data.contains("supported") && data["supported"].is_array() && !data["supported"].empty();
        for (const json& v : listed ? data["supported"] : json::array()) listed = listed && v.is_string();
        if (!listed || data.value("requested", json()) != future) {
          return fail("the error does not list the supported versions and the requested one",
                      "data {supported: [versions], requested: \"" + future + "\"}", compact(exchange.response));
        }
        return pass(compact(data["supported"]));
      },
  });

  registry.add({
      .id = "result.result-type",
      .level = Level::kMust,
      .requirement = "\"The result MUST include a resultType field to indicate the type of the result.\" "
                     "(\"complete\", or \"input_required\" for an InputRequiredResult.)",
      .spec_ref = spec(kModernDocs, "basic/index.mdx", "Result Responses"),
      .procedure = "Gathers the discover result, the first page of every declared list and one resource read, and reads "
                   "each result's resultType.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        REQUIRE_OK(auto results, sample_results(s), "gathering results");
        for (const auto& [method, result] : results) {
          json type = result.is_object() ? result.value("resultType", json()) : json();
          if (type != "complete" && type != "input_required") {
            return fail("the " + method + " result has no valid resultType", "resultType \"complete\"", compact(result, 300));
          }
        }
        return pass(std::to_string(results.size()) + " results");
      },
  });

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

  registry.add({
      .id = "statelessness.first-request",
      .level = Level::kMust,
      .requirement = "\"Servers MUST NOT rely on prior requests over the same connection to establish context "
                     "(e.g., capabilities, protocol version, client identity).\" A request with its per-request "
                     "_meta is served as the very first message on a fresh connection, with no server/discover "
                     "before it.",
      .spec_ref = spec(kModernDocs, "basic/index.mdx", "Statelessness"),
      .procedure = "Opens a fresh connection (a new process on stdio) and sends tools/list as its first message.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.client(), "connecting");
        client.connection().set_protocol_version(ctx.protocol_version());
        json message = jsonrpc::make_request("first", "tools/list", {{"_meta", per_request_meta(ctx.protocol_version())}});
        REQUIRE_OK(Exchange exchange, send_as_is(client, message), "sending tools/list first");
        if (exchange.response.is_null() || !exchange.response.contains("result")) {
          return fail("the first request on a fresh connection was not served", "a tools/list result", exchange.describe());
        }
        return pass();
      },
  });

  registry.add({
      .id = "meta.trace-context.format",
      .level = Level::kMust,
      .requirement = "Of the _meta keys traceparent, tracestate and baggage: \"When present, their values MUST "
                     "follow W3C Trace Context and W3C Baggage formats respectively.\"",
      .spec_ref = spec(kModernDocs, "basic/index.mdx", "_meta"),
      .procedure = "Calls a read-only tool with a W3C traceparent and tracestate in _meta and checks every trace context "
                   "key in what the server sends back.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        auto chosen = callable_tool(call_policy(ctx), tour.tools, [](const json&) { return true; });
        if (!chosen) return skip("no callable tool could be called with generated arguments");
        McpClient& client = tour.session->client;
        TraceParent parent{random_hex_id(16), random_hex_id(8), "01"};
        json meta = {{"traceparent", parent.format()}, {"tracestate", "harness=1"}};
        REQUIRE_OK(json response, client.request("tools/call", {{"name", chosen->first["name"]}, {"arguments", chosen->second},
                                                                 {"_meta", meta}}),
                   "calling " + chosen->first["name"].get<std::string>());
        std::vector<json> messages = client.take_others();
        messages.push_back(response);
        for (const json& message : messages) {
          if (std::string problem = trace_context_problem(message); !problem.empty()) {
            return fail(problem, "W3C formats", compact(message, 300));
          }
        }
        return pass(std::to_string(messages.size()) + " messages");
      },
  });

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
