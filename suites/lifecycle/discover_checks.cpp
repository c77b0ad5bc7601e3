// 2026-07-28 has no initialize: server/discover, the _meta every request carries
// (protocol version, client capabilities, W3C trace context), resultType on every
// result, and statelessness.
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"
#include "mcp/trace_context.h"
#include "suites/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

namespace {

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

void register_discover(Registry& registry) {
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
}

}  // namespace mcp::harness::suites
