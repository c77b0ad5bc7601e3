// JSON-RPC 2.0 as MCP requires it: error codes for bad input, ids echoed exactly,
// no answers to notifications.
#include <set>

#include "mcp/json_rpc.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kDoc = "basic/index.mdx";

// Sends `text` on an initialized session and checks the error code of the reply.
Outcome expect_rejected_with(CheckContext& ctx, const std::string& text, int code, const std::string& what) {
  REQUIRE_OK(McpClient client, ctx.session(), "initializing");
  REQUIRE_OK(std::optional<json> reply, send_malformed(client, text), what);
  if (!reply) return pass("refused at the HTTP level with a 4xx status and no body");
  REQUIRE(expect_error(*reply, code, what));
  return pass();
}

// Two pings in one JSON-RPC batch.
const std::string kBatchOfPings =
    R"([{"jsonrpc":"2.0","id":"batch-a","method":"ping"},{"jsonrpc":"2.0","id":"batch-b","method":"ping"}])";

// What came back for a batch: the body (an array, one error object, or nothing) and,
// over HTTP, the status.
struct BatchReply {
  int http_status = 0;
  std::optional<json> body;
};
StatusOr<BatchReply> send_batch(McpClient& client, const std::string& text) {
  if (HttpConnection* http = as_http(client)) {
    HttpReply reply = http->exchange(http_request("POST", client.timeout(), text));
    if (reply.status == 0) return reply.error;
    // Over SSE a server may answer a batch's requests as separate events: together they are the reply.
    if (reply.messages.size() > 1) return BatchReply{reply.status, json(reply.messages)};
    return BatchReply{reply.status, reply.messages.empty() ? std::nullopt : std::optional<json>(reply.messages.front())};
  }
  ASSIGN_OR_RETURN(std::optional<json> body, send_malformed(client, text));  // stdio: the next reply line
  return BatchReply{0, body};
}

std::string describe(const BatchReply& reply) {
  std::string status = reply.http_status ? "HTTP " + std::to_string(reply.http_status) + " " : "";
  return status + (reply.body ? compact(*reply.body) : "(no body)");
}

}  // namespace

// The sentence that makes JSON-RPC 2.0's error codes binding on MCP servers.
const std::string kFollowJsonRpc =
    "\"All messages between MCP clients and servers MUST follow the JSON-RPC 2.0 specification.\"";

// Over stdio only a client breaking its own MUST sends malformed input, so answering it
// well is robustness (SHOULD) there; over HTTP anyone can, and the codes stay MUST.
const char* const kStdioClientMust =
    "only a client breaking \"The client MUST NOT write anything to the server's stdin that is not a valid MCP "
    "message\" (basic/transports.mdx) sends this, so a server's answer is robustness";

void register_jsonrpc(Registry& registry) {
  registry.add({
      .id = "jsonrpc.parse-error",
      .level = Level::kMust,
      .stdio_level = Level::kShould,
      .stdio_level_reason = kStdioClientMust,
      .requirement = kFollowJsonRpc + " Invalid JSON gets -32700 (Parse error) with a null (or absent) id "
                     "(JSON-RPC 2.0 § 5.1).",
      .spec_ref = spec("2025-11-25", kDoc, "Messages") + " (JSON-RPC 2.0 § 5.1)",
      .procedure = "Sends a truncated JSON object after initialization.",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.session(), "initializing");
        REQUIRE_OK(std::optional<json> reply, send_malformed(client, R"({"jsonrpc": "2.0", "id": 41, "method": "ping")"),
                   "sending malformed JSON");
        if (!reply) return pass("refused at the HTTP level with a 4xx status and no body");
        REQUIRE(expect_error(*reply, jsonrpc::kParseError, "malformed JSON"));
        // JSON-RPC 2.0 says null; the 2025-11-25 schema lets the id be omitted. Both are fine.
        if (reply->contains("id") && !(*reply)["id"].is_null()) {
          return fail("the parse error carries an id although none could be read", "\"id\": null (or no id)",
                      compact(*reply));
        }
        return pass();
      },
  });

  registry.add({
      .id = "jsonrpc.invalid-request.version",
      .level = Level::kMust,
      .stdio_level = Level::kShould,
      .stdio_level_reason = kStdioClientMust,
      .requirement = kFollowJsonRpc + " A message whose \"jsonrpc\" member is not \"2.0\" is not a valid Request "
                     "object (JSON-RPC 2.0 § 4), so it gets -32600 (Invalid Request).",
      .spec_ref = spec("2025-11-25", kDoc, "Requests") + " (JSON-RPC 2.0 § 4, § 5.1)",
      .procedure = "Sends {\"jsonrpc\":\"1.0\",\"id\":\"bad-version\",\"method\":\"ping\"}.",
      .run = [](CheckContext& ctx) -> Outcome {
        return expect_rejected_with(ctx, R"({"jsonrpc":"1.0","id":"bad-version","method":"ping"})",
                                    jsonrpc::kInvalidRequest, "a request with jsonrpc \"1.0\"");
      },
  });

  registry.add({
      .id = "jsonrpc.invalid-request.method-type",
      .level = Level::kMust,
      .stdio_level = Level::kShould,
      .stdio_level_reason = kStdioClientMust,
      .requirement = kFollowJsonRpc + " A request whose method is not a string is not a valid Request object "
                     "(JSON-RPC 2.0 § 4), so it gets -32600 (Invalid Request).",
      .spec_ref = spec("2025-11-25", kDoc, "Requests") + " (JSON-RPC 2.0 § 4, § 5.1)",
      .procedure = "Sends {\"jsonrpc\":\"2.0\",\"id\":\"bad-method\",\"method\":42}.",
      .run = [](CheckContext& ctx) -> Outcome {
        return expect_rejected_with(ctx, R"({"jsonrpc":"2.0","id":"bad-method","method":42})", jsonrpc::kInvalidRequest,
                                    "a request whose method is a number");
      },
  });

  registry.add({
      .id = "jsonrpc.method-not-found",
      .level = Level::kMust,
      .requirement = "\"All messages between MCP clients and servers MUST follow the JSON-RPC 2.0 "
                     "specification.\" A request for a method the server does not offer gets error -32601 "
                     "(Method not found), echoing the request id (JSON-RPC 2.0 § 5.1).",
      .spec_ref = spec("2025-11-25", kDoc, "Error Responses") + " (JSON-RPC 2.0 § 5.1)",
      .procedure = "Sends the request \"mcp-harness/no-such-method\" after initialization.",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.session(), "initializing");
        REQUIRE_OK(json response, client.request("mcp-harness/no-such-method"), "an unknown method");
        REQUIRE(expect_error(response, jsonrpc::kMethodNotFound, "an unknown method"));
        return pass();
      },
  });

  registry.add({
      .id = "jsonrpc.id-echo",
      .level = Level::kMust,
      .requirement = "\"Result responses MUST include the same ID as the request they correspond to\", whether a string "
                     "or an integer.",
      .spec_ref = spec("2025-11-25", kDoc, "Responses"),
      .procedure = "Pings with the string id \"mcp-harness-ïd-1\" and with the integer id 9007199254740991.",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.session(), "initializing");
        for (const json& id : {json("mcp-harness-ïd-1"), json(9007199254740991LL)}) {
          auto response = client.request_with_id(id, "ping", json::object());
          if (!response.ok()) {
            return fail("no response carried the request id " + id.dump(), "a response with id " + id.dump(),
                        seen_instead(client, response.status()));
          }
        }
        return pass();
      },
  });

  registry.add({
      .id = "jsonrpc.notification-no-response",
      .level = Level::kMust,
      .requirement = "Of a notification: \"The receiver MUST NOT send a response.\" Even one it does not know.",
      .spec_ref = spec("2025-11-25", kDoc, "Notifications"),
      .procedure = "Sends the notification \"notifications/mcp-harness-unknown\", then a ping; the ping response must "
                   "be the next message.",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.session(), "initializing");
        if (Status sent = client.notify("notifications/mcp-harness-unknown", {{"note", "ignore me"}}); !sent.ok()) {
          return fail_status(sent, "sending a notification");
        }
        REQUIRE(expect_ping_answered_first(client, "an unknown notification"));
        return pass();
      },
  });
  registry.add({
      .id = "jsonrpc.id.null-rejected",
      .level = Level::kShould,
      .requirement = "\"Unlike base JSON-RPC, the ID MUST NOT be null.\" The sentence binds the requester; a "
                     "server that meets a null id refuses the request with -32600 (Invalid Request) rather than "
                     "serve it.",
      .spec_ref = spec("2025-11-25", kDoc, "Requests"),
      .procedure = "Sends {\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"} on an initialized session.",
      .run = [](CheckContext& ctx) {
        return expect_rejected_with(ctx, R"({"jsonrpc":"2.0","id":null,"method":"ping"})", jsonrpc::kInvalidRequest,
                                    "a request with a null id");
      },
  });
  registry.add({
      .id = "jsonrpc.batch.accepted",
      .level = Level::kMust,
      .requirement = "\"MCP implementations MAY support sending JSON-RPC batches, but MUST support receiving "
                     "JSON-RPC batches\": a batch of requests is answered with one array holding a response to "
                     "each.",
      .spec_ref = "docs/2025-03-26/basic/index.mdx § Batching (schema.json: JSONRPCBatchRequest, JSONRPCBatchResponse)",
      .procedure = "On an initialized 2025-03-26 session, sends a batch of two pings (ids \"batch-a\", \"batch-b\").",
      .min_version = "2025-03-26",
      .max_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.session(), "initializing");
        REQUIRE_OK(BatchReply reply, send_batch(client, kBatchOfPings), "sending a batch of two pings");
        const std::string expected = "an array with a result for batch-a and for batch-b";
        if (!reply.body || !reply.body->is_array()) return fail("the batch was not answered with an array", expected, describe(reply));
        std::set<std::string> answered;
        for (const json& response : *reply.body) {
          if (response.is_object() && response.contains("result") && response.value("id", json()).is_string()) {
            answered.insert(response["id"].get<std::string>());
          }
        }
        if (answered != std::set<std::string>{"batch-a", "batch-b"}) {
          return fail("the batch's answers do not cover both pings", expected, describe(reply));
        }
        return pass();
      },
  });

  registry.add({
      .id = "jsonrpc.batch.rejected",
      .level = Level::kShould,
      .requirement = "2025-06-18 removed JSON-RPC batching: a batch SHOULD be refused with an error (-32600, Invalid "
                     "Request), not served.",
      .spec_ref = spec("2025-06-18", "changelog.mdx", "Major changes"),
      .procedure = "On an initialized session, sends a batch of two pings and expects one error, or a 4xx status.",
      .min_version = "2025-06-18",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.session(), "initializing");
        REQUIRE_OK(BatchReply reply, send_batch(client, kBatchOfPings), "sending a batch of two pings");
        if (reply.body && reply.body->is_array()) {
          return fail("the batch was served", "an error (-32600) or a 4xx status", describe(reply));
        }
        if (reply.body && reply.body->contains("result")) return fail("the batch was served", "an error (-32600)", describe(reply));
        if (reply.body && !reply.body->contains("error")) return fail("the batch was not refused", "an error (-32600)", describe(reply));
        if (!reply.body && (reply.http_status < 400 || reply.http_status >= 500)) {
          return fail("the batch was not refused", "a 4xx status", describe(reply));
        }
        return pass(describe(reply));
      },
  });
}

}  // namespace mcp::harness::suites
