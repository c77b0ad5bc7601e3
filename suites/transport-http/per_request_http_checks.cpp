// 2026-07-28 Streamable HTTP: request metadata headers checked against the body,
// status codes for unknown methods, no GET/DELETE and no sessions.
#include "mcp/base64.h"
#include "mcp/json_rpc.h"
#include "mcp/request_headers.h"
#include "suites/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

namespace {

const std::string kHttpDoc = "basic/transports/streamable-http.mdx";

// A read-only tool and its arguments from a fresh session, or the outcome to report.
struct ChosenTool {
  std::optional<Session> session;
  std::string name;
  json arguments;
  std::optional<Outcome> outcome;
};
ChosenTool choose_read_only_tool(CheckContext& ctx, const std::function<bool(const json&)>& wanted = nullptr,
                                 const std::string& none = "no callable tool could be called with generated arguments") {
  ToolListing tour = list_all_tools(ctx);
  if (tour.outcome) return {std::nullopt, "", nullptr, tour.outcome};
  auto chosen = callable_tool(call_policy(ctx), tour.tools, wanted ? wanted : [](const json&) { return true; });
  if (!chosen) return {std::nullopt, "", nullptr, skip(none)};
  return {std::move(tour.session), chosen->first["name"], chosen->second, std::nullopt};
}

// A read-only tool with a valid x-mcp-header parameter its generated arguments fill,
// and that parameter.
struct HeaderTool {
  ChosenTool tool;
  HeaderParameter parameter;
  std::string text;  // the parameter's header text, before encoding
};
HeaderTool choose_header_tool(CheckContext& ctx) {
  auto filled_parameter = [](const json& tool, const json& arguments) -> std::optional<std::pair<HeaderParameter, std::string>> {
    HeaderParameters declared = header_parameters(tool.value("inputSchema", json::object()));
    if (!declared.invalid.empty()) return std::nullopt;
    for (const HeaderParameter& parameter : declared.parameters) {
      if (auto text = header_parameter_text(parameter, arguments)) return std::make_pair(parameter, *text);
    }
    return std::nullopt;
  };
  HeaderTool chosen;
  bool found = false;
  chosen.tool = choose_read_only_tool(
      ctx,
      [&](const json& tool) {
        if (found) return false;  // the first tool accepted is the one chosen
        auto arguments = example_arguments(tool.value("inputSchema", json::object()));
        auto parameter = arguments ? filled_parameter(tool, *arguments) : std::nullopt;
        if (parameter) std::tie(chosen.parameter, chosen.text) = *parameter;
        return found = parameter.has_value();
      },
      "no callable tool declares an x-mcp-header parameter that generated arguments fill");
  return chosen;
}

// The header text of a different value of the parameter's type.
std::string other_value(const HeaderParameter& parameter, const std::string& text) {
  if (parameter.type == "boolean") return text == "true" ? "false" : "true";
  if (parameter.type == "integer") return text == "1" ? "2" : "1";
  return text + "-mcp-harness-other";
}

// The ground of the 2026-07-28 checks that send headers disagreeing with the body
// (streamable-http.mdx § Server Validation).
inline const std::string kHeadersMustMatchTheBody =
    "\"Servers that process the request body MUST reject requests where the values specified in the headers do not "
    "match the corresponding values in the request body.\" \"When rejecting a request due to header validation "
    "failure, servers MUST return HTTP status 400 Bad Request and MUST include a JSON-RPC error response\" with "
    "-32020 (HeaderMismatch), whose conditions include \"A required standard header (MCP-Protocol-Version, "
    "Mcp-Method, Mcp-Name) is missing.\" ";

// A check that sends a request with its headers changed by `headers` and expects 400
// and HeaderMismatch: tools/list, or (`tool_call`) a read-only tool's tools/call, so
// that Mcp-Name applies.
CheckSpec header_mismatch_check(std::string id, std::string requirement, std::string procedure,
                                std::map<std::string, std::string> headers, bool tool_call = false) {
  return {
      .id = std::move(id),
      .level = Level::kMust,
      .requirement = kHeadersMustMatchTheBody + requirement,
      .spec_ref = spec(kModernDocs, kHttpDoc, "Server Validation"),
      .procedure = std::move(procedure),
      .transports = kHttp,
      .min_version = kFirstModernVersion,
      .run = [headers = std::move(headers), tool_call](CheckContext& ctx) -> Outcome {
        ChosenTool tool;
        if (tool_call) {
          tool = choose_read_only_tool(ctx);
          if (tool.outcome) return *tool.outcome;
        } else {
          REQUIRE_OK(Session s, open_session(ctx), "server/discover");
          tool.session.emplace(std::move(s));
        }
        McpClient& client = tool.session->client;
        json message = tool_call ? request_with_meta(client, "header-check", "tools/call",
                                                     {{"name", tool.name}, {"arguments", tool.arguments}})
                                 : request_with_meta(client, "header-check", "tools/list", json::object());
        std::string method = message["method"];
        REQUIRE_OK(Exchange exchange, send_as_is(client, message, headers), "sending " + method);
        REQUIRE(expect_refusal(exchange, jsonrpc::kHeaderMismatch, 400, method + " with mismatched headers"));
        return pass(compact(exchange.response["error"], 200));
      },
  };
}

}  // namespace

void register_per_request_http(Registry& registry) {
  registry.add(header_mismatch_check(
      "transport-http.header.method-mismatch",
      "Here: Mcp-Method differs from the body's method.",
      "Sends tools/list with Mcp-Method: prompts/list.", {{"Mcp-Method", "prompts/list"}}));
  registry.add(header_mismatch_check(
      "transport-http.header.method-missing",
      "Here: Mcp-Method is missing.",
      "Sends tools/list without Mcp-Method.", {{"Mcp-Method", ""}}));
  registry.add(header_mismatch_check(
      "transport-http.header.protocol-version-mismatch",
      "Here: MCP-Protocol-Version differs from _meta's protocolVersion (\"The header value MUST match the io.modelcontextprotocol/protocolVersion field carried in the request body's _meta\").",
      "Sends tools/list for 2026-07-28 with MCP-Protocol-Version: 2025-11-25.", {{"MCP-Protocol-Version", "2025-11-25"}}));

  registry.add(header_mismatch_check(
      "transport-http.header.protocol-version-missing",
      "Here: MCP-Protocol-Version is missing (\"A server that does not support such clients MUST reject a request without the header per Server Validation\").",
      "Sends tools/list for 2026-07-28 without MCP-Protocol-Version.", {{"MCP-Protocol-Version", ""}}));
  registry.add(header_mismatch_check(
      "transport-http.header.name-mismatch",
      "Here: a tools/call whose Mcp-Name differs from params.name, so that a gateway routing on the header cannot be steered by the body.",
      "Calls a read-only tool with Mcp-Name naming another tool.", {{"Mcp-Name", "mcp-harness-other-tool"}}, true));
  registry.add(header_mismatch_check(
      "transport-http.header.name-missing",
      "Here: tools/call, resources/read and prompts/get without Mcp-Name.",
      "Calls a read-only tool without Mcp-Name.", {{"Mcp-Name", ""}}, true));

  registry.add({
      .id = "transport-http.header.name-encoded",
      .level = Level::kMust,
      .requirement = "\"In particular, servers MUST decode an encoded Mcp-Name or Mcp-Param-{Name} value before "
                     "comparing it to the corresponding request body value\": a Base64-encoded Mcp-Name "
                     "(=?base64?...?=) naming the right tool is accepted.",
      .spec_ref = spec(kModernDocs, kHttpDoc, "Value Encoding"),
      .procedure = "Calls a read-only tool with its name sent as =?base64?...?= in Mcp-Name and expects the call served.",
      .transports = kHttp,
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        ChosenTool tool = choose_read_only_tool(ctx);
        if (tool.outcome) return *tool.outcome;
        json message = request_with_meta(tool.session->client, "encoded-name", "tools/call",
                                         {{"name", tool.name}, {"arguments", tool.arguments}});
        std::string encoded = "=?base64?" + base64_encode(tool.name) + "?=";
        REQUIRE_OK(Exchange exchange, send_as_is(tool.session->client, message, {{"Mcp-Name", encoded}}), "calling " + tool.name);
        if (exchange.http_status != 200 || !exchange.response.contains("result")) {
          return fail("a correctly encoded Mcp-Name was refused", "HTTP 200 with the tool's result", exchange.describe());
        }
        return pass("Mcp-Name: " + encoded);
      },
  });

  // Mcp-Param-* (x-mcp-header): the same three rules as Mcp-Name, on a tool that declares one.
  struct ParamCase {
    const char* id;
    const char* requirement;
    const char* procedure;
    bool expect_refusal;
    std::function<std::string(const HeaderTool&)> header;  // "" removes the header
  };
  const ParamCase param_cases[] = {
      {"transport-http.header.param-mismatch",
       "Here: a tools/call whose Mcp-Param-{Name} differs from the argument its x-mcp-header designates.",
       "Calls a read-only tool that declares x-mcp-header with that header set to another value of the parameter's type.",
       true, [](const HeaderTool& t) { return encode_header_value(other_value(t.parameter, t.text)); }},
      {"transport-http.header.param-missing",
       "Here: the arguments carry a value for an x-mcp-header parameter and the Mcp-Param-{Name} header is missing (\"Client omits header but value is in body: Server MUST reject the request\").",
       "Calls a read-only tool that declares x-mcp-header, with the value in the arguments and no header.",
       true, [](const HeaderTool&) { return std::string(); }},
      {"transport-http.header.param-encoded",
       "\"In particular, servers MUST decode an encoded Mcp-Name or Mcp-Param-{Name} value before comparing it to the corresponding request body value\": a Base64-encoded Mcp-Param-{Name} carrying the right value is accepted.",
       "Calls a read-only tool that declares x-mcp-header with the right value sent as =?base64?...?= and expects the "
       "call served.",
       false, [](const HeaderTool& t) { return "=?base64?" + base64_encode(t.text) + "?="; }},
  };
  for (const ParamCase& c : param_cases) {
    registry.add({
        .id = c.id,
        .level = Level::kMust,
        .requirement = c.expect_refusal ? kHeadersMustMatchTheBody + c.requirement : std::string(c.requirement),
        .spec_ref = spec(kModernDocs, kHttpDoc, c.expect_refusal ? "Server Behavior for Custom Headers" : "Value Encoding"),
        .procedure = c.procedure,
        .transports = kHttp,
        .min_version = kFirstModernVersion,
        .run = [c](CheckContext& ctx) -> Outcome {
          HeaderTool chosen = choose_header_tool(ctx);
          if (chosen.tool.outcome) return *chosen.tool.outcome;
          McpClient& client = chosen.tool.session->client;
          json message = request_with_meta(client, "param-header", "tools/call",
                                           {{"name", chosen.tool.name}, {"arguments", chosen.tool.arguments}});
          std::string header = c.header(chosen);
          std::string shown = chosen.parameter.header() + (header.empty() ? " omitted" : ": " + header);
          REQUIRE_OK(Exchange exchange, send_as_is(client, message, {{chosen.parameter.header(), header}}),
                     "calling " + chosen.tool.name);
          if (c.expect_refusal) {
            REQUIRE(expect_refusal(exchange, jsonrpc::kHeaderMismatch, 400, "tools/call with " + shown));
            return pass(shown + " for " + chosen.tool.name + ": " + compact(exchange.response["error"], 160));
          }
          if (exchange.http_status != 200 || !exchange.response.contains("result")) {
            return fail("a correctly encoded " + chosen.parameter.header() + " was refused", "HTTP 200 with the tool's result",
                        exchange.describe());
          }
          return pass(shown + " for " + chosen.tool.name);
        },
    });
  }

  registry.add({
      .id = "transport-http.unknown-method-404",
      .level = Level::kMust,
      .requirement = "\"If the server does not implement the requested RPC method, it MUST respond with 404 Not "
                     "Found and a JSON-RPC error with code -32601 (Method not found).\"",
      .spec_ref = spec(kModernDocs, kHttpDoc, "Protocol Version Header"),
      .procedure = "Sends mcp-harness/no-such-method with matching headers and the per-request _meta.",
      .transports = kHttp,
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        json message = request_with_meta(s.client, "unknown", "mcp-harness/no-such-method", json::object());
        REQUIRE_OK(Exchange exchange, send_as_is(s.client, message), "sending an unknown method");
        REQUIRE(expect_refusal(exchange, jsonrpc::kMethodNotFound, 404, "an unknown method"));
        return pass();
      },
  });

  registry.add({
      .id = "transport-http.get-delete-405",
      .level = Level::kShould,
      .requirement = "2026-07-28 has no GET stream and no sessions to end: a GET or DELETE from a client of this version "
                     "SHOULD be answered with 405 Method Not Allowed.",
      .spec_ref = spec(kModernDocs, kHttpDoc, "Earlier Streamable HTTP Revisions"),
      .procedure = "Sends GET (Accept: text/event-stream) and DELETE with MCP-Protocol-Version: 2026-07-28.",
      .transports = kHttp,
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        for (const char* method : {"GET", "DELETE"}) {
          HttpRequestSpec request = http_request(method, std::min(ctx.timeout(), std::chrono::milliseconds(2000)));
          request.max_events = 1;
          HttpReply reply = as_http(s.client)->exchange(request);
          if (reply.status != 405) {
            return fail(std::string(method) + " was not refused with 405", "HTTP 405", describe_reply(reply));
          }
        }
        return pass();
      },
  });

  registry.add({
      .id = "transport-http.no-session-id",
      .level = Level::kShould,
      .requirement = "2026-07-28 has no sessions: the server SHOULD ignore an Mcp-Session-Id header and neither mint nor "
                     "echo session ids.",
      .spec_ref = spec(kModernDocs, kHttpDoc, "Earlier Streamable HTTP Revisions"),
      .procedure = "Sends server/discover with Mcp-Session-Id: mcp-harness-stale-session and expects it served with no "
                   "Mcp-Session-Id in the reply.",
      .transports = kHttp,
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        json message = request_with_meta(s.client, "no-session", "server/discover", json::object());
        REQUIRE_OK(Exchange exchange, send_as_is(s.client, message, {{"Mcp-Session-Id", "mcp-harness-stale-session"}}),
                   "server/discover with a session id");
        if (exchange.http_status != 200 || !exchange.response.contains("result")) {
          return fail("a request carrying an unknown Mcp-Session-Id was not served", "HTTP 200 with the result",
                      exchange.describe());
        }
        if (!exchange.reply.header("mcp-session-id").empty()) {
          return fail("the reply carries an Mcp-Session-Id", "no Mcp-Session-Id header", exchange.describe());
        }
        return pass();
      },
  });
}

}  // namespace mcp::harness::suites
