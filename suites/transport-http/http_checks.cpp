// Streamable HTTP transport: status codes, content types, sessions, Origin and
// protocol-version header validation, the GET stream.
#include <map>

#include "mcp/json_rpc.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kDoc = "basic/transports.mdx";

std::string ping_body(const std::string& id) { return jsonrpc::serialize(jsonrpc::make_request(id, "ping")); }

HttpRequestSpec post(std::string body, std::chrono::milliseconds timeout) {
  return http_request("POST", timeout, std::move(body));
}

bool is_loopback_url(const std::string& url) {
  for (const char* host : {"://localhost", "://127.0.0.1", "://[::1]"}) {
    if (url.find(host) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

void register_transport_http(Registry& registry) {
  registry.add({
      .id = "transport-http.notification-accepted-202",
      .level = Level::kMust,
      .requirement = "\"If the server accepts the input, the server MUST return HTTP status code 202 Accepted "
                     "with no body\"; \"If the server cannot accept the input, it MUST return an HTTP error "
                     "status code (e.g., 400 Bad Request).\"",
      .spec_ref = spec("2025-11-25", kDoc, "Sending Messages to the Server"),
      .procedure = "POSTs notifications/cancelled for an unknown request id on an initialized session; expects 202 "
                   "with no body, or an HTTP error status (whose body may be a JSON-RPC error without an id).",
      .transports = kHttp,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        HttpReply reply = as_http(s.client)->exchange(post(
            jsonrpc::serialize(jsonrpc::make_notification("notifications/cancelled", {{"requestId", "mcp-harness-none"}})),
            ctx.timeout()));
        if (reply.status >= 400) return pass("refused with HTTP " + std::to_string(reply.status) + ", as the transport allows");
        if (reply.status != 202 || !reply.body.empty()) {
          return fail("a notification was answered neither with 202 and an empty body nor with an HTTP error",
                      "HTTP 202 with no body, or an HTTP error status", describe_reply(reply));
        }
        return pass();
      },
  });

  registry.add({
      .id = "transport-http.response-content-type",
      .level = Level::kMust,
      .requirement = "\"If the input is a JSON-RPC request, the server MUST either return Content-Type: "
                     "text/event-stream, to initiate an SSE stream, or Content-Type: application/json, to "
                     "return one JSON object.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Sending Messages to the Server"),
      .procedure = "POSTs ping on an initialized session and inspects status and Content-Type.",
      .transports = kHttp,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        HttpReply reply = as_http(s.client)->exchange(client_request(s.client, "ct-1", harmless_method(s.client)));
        std::string type = reply.content_type();
        if (reply.status != 200 || (type != "application/json" && type != "text/event-stream")) {
          return fail("unexpected reply to a request", "HTTP 200 with application/json or text/event-stream",
                      describe_reply(reply));
        }
        if (reply.messages.empty()) return fail("the reply carried no JSON-RPC response", "the ping response", describe_reply(reply));
        return pass(type);
      },
  });

  registry.add({
      .id = "transport-http.session-id-visible-ascii",
      .level = Level::kMust,
      .requirement = "\"The session ID MUST only contain visible ASCII characters (ranging from 0x21 to 0x7E).\"",
      .spec_ref = spec("2025-11-25", kDoc, "Session Management"),
      .procedure = "Initializes and inspects the Mcp-Session-Id response header, if any.",
      .transports = kHttp,
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        const auto& id = as_http(s.client)->session_id();
        if (!id) return skip("the server does not assign session ids");
        if (id->empty()) return fail("the session id is empty", "1+ visible ASCII characters", "\"\"");
        for (unsigned char c : *id) {
          if (c < 0x21 || c > 0x7E) {
            return fail("the session id contains a character outside 0x21-0x7E", "visible ASCII only", json(*id).dump());
          }
        }
        return pass(std::to_string(id->size()) + " characters");
      },
  });

  registry.add({
      .id = "transport-http.session-required",
      .level = Level::kShould,
      .requirement = "\"Servers that require a session ID SHOULD respond to requests without an MCP-Session-Id "
                     "header (other than initialization) with HTTP 400 Bad Request.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Session Management"),
      .procedure = "Initializes, then POSTs ping without the Mcp-Session-Id header.",
      .transports = kHttp,
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        HttpConnection* http = as_http(s.client);
        if (!http->session_id()) return skip("the server does not assign session ids");
        HttpRequestSpec request = post(ping_body("no-session"), ctx.timeout());
        request.with_session = false;
        HttpReply reply = http->exchange(request);
        if (reply.status != 400) return fail("a request without a session id was not refused", "HTTP 400", describe_reply(reply));
        return pass();
      },
  });

  registry.add({
      .id = "transport-http.session-terminated-404",
      .level = Level::kMust,
      .requirement = "\"The server MAY terminate the session at any time, after which it MUST respond to requests "
                     "containing that session ID with HTTP 404 Not Found.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Session Management"),
      .procedure = "Initializes, DELETEs the session, then POSTs ping with the old session id.",
      .transports = kHttp,
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        HttpConnection* http = as_http(s.client);
        if (!http->session_id()) return skip("the server does not assign session ids");
        HttpReply deleted = http->exchange(http_request("DELETE", ctx.timeout()));
        if (deleted.status == 405) return skip("the server does not let clients end sessions (DELETE -> 405)");
        HttpReply reply = http->exchange(post(ping_body("after-delete"), ctx.timeout()));
        if (reply.status != 404) {
          return fail(reply.status >= 200 && reply.status < 300 ? "the terminated session still answers"
                                                                 : "a request on the terminated session was not answered 404",
                      "HTTP 404", describe_reply(reply));
        }
        return pass();
      },
  });

  registry.add({
      .id = "transport-http.delete-session",
      .level = Level::kShould,
      .requirement = "\"The server MAY respond to this request with HTTP 405 Method Not Allowed, indicating "
                     "that the server does not allow clients to terminate sessions\": a DELETE with the session "
                     "id ends the session with a 2xx, or is refused with 405. (No sentence makes this a MUST.)",
      .spec_ref = spec("2025-11-25", kDoc, "Session Management"),
      .procedure = "Initializes and sends DELETE with the session id.",
      .transports = kHttp,
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        HttpConnection* http = as_http(s.client);
        if (!http->session_id()) return skip("the server does not assign session ids");
        HttpReply reply = http->exchange(http_request("DELETE", ctx.timeout()));
        bool ok = (reply.status >= 200 && reply.status < 300) || reply.status == 405;
        if (!ok) return fail("unexpected answer to DELETE", "HTTP 2xx or 405", describe_reply(reply));
        http->set_session_id(std::nullopt);
        return pass("HTTP " + std::to_string(reply.status));
      },
  });

  registry.add({
      .id = "transport-http.origin-rejected",
      .level = Level::kMust,
      .requirement = "\"Servers MUST validate the Origin header on all incoming connections to prevent DNS rebinding "
                     "attacks\"; \"If the Origin header is present and invalid, servers MUST respond with HTTP 403 "
                     "Forbidden.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Security Warning"),
      .procedure = "POSTs initialize with Origin: http://evil.mcp-harness.invalid.",
      .transports = kHttp,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.client(), "connecting");
        HttpRequestSpec request = post(
            jsonrpc::serialize(jsonrpc::make_request(1, "initialize", initialize_params(ctx.protocol_version()))),
            ctx.timeout());
        request.headers["Origin"] = "http://evil.mcp-harness.invalid";
        HttpReply reply = as_http(client)->exchange(request);
        if (reply.status != 403) return fail("a foreign Origin was not refused", "HTTP 403", describe_reply(reply));
        return pass();
      },
  });

  registry.add({
      .id = "transport-http.protocol-version-header",
      .level = Level::kMust,
      .requirement = "\"If the server receives a request with an invalid or unsupported MCP-Protocol-Version, it MUST "
                     "respond with 400 Bad Request.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Protocol Version Header"),
      .procedure = "Initializes, then POSTs ping with MCP-Protocol-Version: 1999-01-01.",
      .transports = kHttp,
      .min_version = "2025-06-18",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        HttpRequestSpec request = post(ping_body("bad-version-header"), ctx.timeout());
        request.headers["MCP-Protocol-Version"] = "1999-01-01";
        HttpReply reply = as_http(s.client)->exchange(request);
        if (reply.status != 400) return fail("an unsupported protocol version header was accepted", "HTTP 400", describe_reply(reply));
        return pass();
      },
  });

  registry.add({
      .id = "transport-http.get-stream",
      .level = Level::kMust,
      .requirement = "\"The server MUST either return Content-Type: text/event-stream in response to this HTTP "
                     "GET, or else return HTTP 405 Method Not Allowed, indicating that the server does not "
                     "offer an SSE stream at this endpoint.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Listening for Messages from the Server"),
      .procedure = "Initializes, then GETs the endpoint with Accept: text/event-stream and reads the stream for up to half a second.",
      .transports = kHttp,
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        HttpReply reply =
            as_http(s.client)->exchange(http_request("GET", std::min(ctx.timeout(), std::chrono::milliseconds(500))));
        // No status line within half a second may be a loaded machine, not the server:
        // the verdict waits for an answer as long as any other request would.
        if (reply.status == 0) reply = as_http(s.client)->exchange(http_request("GET", ctx.timeout()));
        if (reply.status == 405) return pass("the server offers no GET stream (405)");
        if (reply.status == 200 && reply.content_type() == "text/event-stream") {
          if (!reply.messages.empty()) {
            for (const json& m : reply.messages) {
              if (!m.contains("method")) {
                return fail("the GET stream carried a response", "only requests and notifications", compact(m));
              }
            }
          }
          return pass("text/event-stream");
        }
        return fail("unexpected answer to GET", "HTTP 200 text/event-stream, or 405", describe_reply(reply));
      },
  });
  registry.add({
      .id = "transport-http.host-rejected",
      .level = Level::kShould,
      .requirement = "A server on localhost SHOULD refuse requests whose Host header names another host (403): a DNS "
                     "rebinding page reaches it under the attacker's host name, which Origin checks alone may miss.",
      .spec_ref = spec("2025-11-25", kDoc, "Security Warning"),
      .procedure = "POSTs initialize with Host: evil.mcp-harness.invalid to a loopback URL.",
      .transports = kHttp,
      .run = [](CheckContext& ctx) -> Outcome {
        if (!is_loopback_url(ctx.target().url)) return skip("the server is not on a loopback address");
        REQUIRE_OK(McpClient client, ctx.client(), "connecting");
        HttpRequestSpec request = post(
            jsonrpc::serialize(jsonrpc::make_request(1, "initialize", initialize_params(ctx.protocol_version()))),
            ctx.timeout());
        request.headers["Host"] = "evil.mcp-harness.invalid";
        HttpReply reply = as_http(client)->exchange(request);
        if (reply.status < 400 || reply.status >= 500) {
          return fail("a foreign Host was served", "HTTP 403 (or another 4xx)", describe_reply(reply));
        }
        return pass("HTTP " + std::to_string(reply.status));
      },
  });

  registry.add({
      .id = "transport-http.protocol-version-assumed",
      .level = Level::kShould,
      .requirement = "\"For backwards compatibility, if the server does not receive an MCP-Protocol-Version "
                     "header, and has no other way to identify the version - for example, by relying on the "
                     "protocol version negotiated during initialization - the server SHOULD assume protocol "
                     "version 2025-03-26.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Protocol Version Header"),
      .procedure = "Initializes, then POSTs ping without the MCP-Protocol-Version header.",
      .transports = kHttp,
      .min_version = "2025-06-18",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        HttpRequestSpec request = post(ping_body("no-version-header"), ctx.timeout());
        request.headers["MCP-Protocol-Version"] = "";  // removes the default header
        HttpReply reply = as_http(s.client)->exchange(request);
        if (reply.status != 200 || reply.messages.empty() || !reply.messages.front().contains("result")) {
          return fail("a request without MCP-Protocol-Version was refused", "HTTP 200 with the ping result",
                      describe_reply(reply));
        }
        return pass();
      },
  });

  registry.add({
      .id = "transport-http.sse-event-ids-unique",
      .level = Level::kMust,
      .requirement = "Of SSE event ids: \"If present, the ID MUST be globally unique across all streams within that "
                     "session\".",
      .spec_ref = spec("2025-11-25", kDoc, "Resumability and Redelivery"),
      .procedure = "Calls a read-only tool twice on one session (with a progressToken, so that servers stream) and "
                   "compares the event ids of both replies.",
      .transports = kHttp,
      .max_version = kLastLegacyVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        auto target = callable_tool(call_policy(ctx), tour.tools, [](const json&) { return true; });
        if (!target) return skip("no callable tool to call");
        std::map<std::string, int> seen;  // event id -> the call that carried it
        for (int call = 1; call <= 2; ++call) {
          json params = {{"name", target->first["name"]}, {"arguments", target->second},
                         {"_meta", {{"progressToken", "mcp-harness-sse-" + std::to_string(call)}}}};
          HttpReply reply = as_http(tour.session->client)
                                ->exchange(post(jsonrpc::serialize(jsonrpc::make_request(call, "tools/call", params)), ctx.timeout()));
          for (const SseEvent& event : reply.events) {
            if (!event.has_id) continue;
            auto [it, fresh] = seen.emplace(event.id, call);
            if (!fresh) {
              return fail("event id " + event.id + " was used twice in one session (calls " + std::to_string(it->second) +
                              " and " + std::to_string(call) + ")",
                          "ids unique across the session's streams", describe_reply(reply));
            }
          }
        }
        if (seen.empty()) return skip("the server sent no SSE event ids");
        return pass(std::to_string(seen.size()) + " distinct event ids");
      },
  });
}

}  // namespace mcp::harness::suites
