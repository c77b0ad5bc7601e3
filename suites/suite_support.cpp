#include "suites/suite_support.h"

#include <set>

#include "mcp/json_rpc.h"
#include "mcp/schema_example.h"

namespace mcp::harness::suites {

using json = nlohmann::json;


StatusOr<Session> open_session(CheckContext& ctx) {
  ASSIGN_OR_RETURN(McpClient client, ctx.client());
  ASSIGN_OR_RETURN(json response, client.handshake(ctx.protocol_version()));
  return Session{std::move(client), std::move(response)};
}

std::optional<json> example_arguments(const json& input_schema) { return example_instance(input_schema); }

bool is_current_version(const json& tool, const std::string& lifecycle_key) {
  json meta = tool.value("_meta", json::object());
  return !meta.is_object() || !meta.contains(lifecycle_key) || !meta[lifecycle_key].is_object() ||
         meta[lifecycle_key].value("status", "current") == "current";
}

const ToolCallPolicy& call_policy(const CheckContext& ctx) { return ctx.target().profile.tools.callable; }

Failure expect_ping_answered_first(McpClient& client, const std::string& after) {
  json id = client.next_id();
  if (Status sent = client.send_request(id, "ping"); !sent.ok()) return fail_status(sent, "sending ping");
  Deadline deadline = deadline_in(client.timeout());
  for (;;) {
    auto message = client.next_message(deadline);
    if (!message.ok()) return fail_status(message.status(), "waiting for the ping response");
    // The server's own notifications and requests (list_changed, log messages) may come first:
    // only a response other than ping's can be a reply to the notification.
    if (message->contains("method")) continue;
    if (message->value("id", json()) != id) {
      return fail("the server sent a response after " + after + " that was not the ping response",
                  "no reply to the notification; the ping response first", compact(*message));
    }
    return std::nullopt;
  }
}

std::string describe_reply(const HttpReply& reply) {
  std::string text = "HTTP " + std::to_string(reply.status);
  if (!reply.content_type().empty()) text += " (" + reply.content_type() + ")";
  if (!reply.error.ok()) text += " " + reply.error.message();
  if (!reply.body.empty()) text += " " + reply.body.substr(0, 300);
  return text;
}

HttpRequestSpec http_request(std::string method, std::chrono::milliseconds timeout, std::string body) {
  HttpRequestSpec request;
  request.method = std::move(method);
  request.body = std::move(body);
  request.timeout = timeout;
  return request;
}

HttpRequestSpec client_request(const McpClient& client, const json& id, const std::string& method, json params) {
  if (client.per_request()) params["_meta"] = client.request_meta();
  json message = jsonrpc::make_request(id, method, std::move(params));
  HttpRequestSpec request = http_request("POST", client.timeout(), jsonrpc::serialize(message));
  if (client.per_request()) request.headers = request_metadata_headers(message);
  return request;
}

std::string harmless_method(const McpClient& client) { return client.per_request() ? "server/discover" : "ping"; }

// How long a reply to malformed input may trail the answer to a request sent after it.
constexpr std::chrono::milliseconds kAfterMarkerGrace{300};

StatusOr<std::optional<json>> send_malformed(McpClient& client, const std::string& text) {
  // A ping round trip first: anything the server sent before it (say, a reply to a
  // notification) is set aside, so the reply judged below is the one to `text`.
  ASSIGN_OR_RETURN(json sync, client.request("ping"));
  if (!client.take_others().empty()) client.connection().transcript().add("note", "earlier messages set aside");
  if (HttpConnection* http = as_http(client)) {
    HttpReply reply = http->exchange(http_request("POST", client.timeout(), text));
    if (reply.status == 0) return reply.error;
    if (!reply.messages.empty()) {
      if (reply.status < 400) {
        return failed_precondition("HTTP " + std::to_string(reply.status) + " for an invalid message; expected a 4xx status");
      }
      return std::optional<json>(reply.messages.front());
    }
    if (reply.status >= 400 && reply.status < 500) return std::optional<json>();
    return failed_precondition("HTTP " + std::to_string(reply.status) + " with no JSON-RPC error for an invalid message");
  }
  // Over stdio silence is an answer too: a request sent right behind `text` tells it
  // apart from slowness without waiting out the whole deadline.
  RETURN_IF_ERROR(client.connection().send_raw(text + "\n"));
  ASSIGN_OR_RETURN(json reply, client.next_reply_or_silence(harmless_method(client), deadline_in(client.timeout()),
                                                            kAfterMarkerGrace));
  return std::optional<json>(std::move(reply));
}

std::string seen_instead(McpClient& client, const Status& waited) {
  std::string seen;
  for (const json& other : client.take_others()) seen += compact(other, 200) + " ";
  return seen.empty() ? waited.message() : seen;
}

ToolListing list_all_tools(CheckContext& ctx) {
  ToolListing listing;
  auto session = open_session(ctx);
  if (!session.ok()) {
    listing.outcome = fail_status(session.status(), "initializing");
    return listing;
  }
  if (!session->has_capability("tools")) {
    listing.outcome = skip_without_capability("tools");
    return listing;
  }
  auto walk = walk_list(session->client, "tools/list", "tools");
  if (!walk.ok()) {
    listing.outcome = fail_status(walk.status(), "listing tools");
    return listing;
  }
  listing.tools = walk->items;
  listing.session.emplace(std::move(session).value());
  return listing;
}

std::vector<std::pair<json, json>> callable_tools(const ToolCallPolicy& policy, const std::vector<json>& tools,
                                                  std::size_t most, const std::function<bool(const json&)>& wanted) {
  std::vector<std::pair<json, json>> out;
  for (const json& tool : tools) {
    if (out.size() == most) break;
    if (!policy.allows(tool) || !tool.contains("inputSchema") || !wanted(tool)) continue;
    if (auto args = example_arguments(tool["inputSchema"])) out.emplace_back(tool, *args);
  }
  return out;
}

std::optional<std::pair<json, json>> callable_tool(const ToolCallPolicy& policy, const std::vector<json>& tools,
                                                   const std::function<bool(const json&)>& wanted) {
  auto found = callable_tools(policy, tools, 1, wanted);
  if (found.empty()) return std::nullopt;
  return found.front();
}


std::optional<Outcome> skip_unless_offered(Session& s, const ListFamily& list) {
  if (!list.optional_method) return std::nullopt;
  auto probe = s.client.request(list.method);
  if (!probe.ok() || !probe->contains("error") || !(*probe)["error"].is_object()) return std::nullopt;
  if ((*probe)["error"].value("code", 0) != jsonrpc::kMethodNotFound) return std::nullopt;
  return skip("the server does not offer " + list.method + " (-32601), which the " + list.capability +
              " capability does not promise");
}

Outcome check_pagination(CheckContext& ctx, const ListFamily& list) {
  REQUIRE_OK(Session s, open_session(ctx), "initializing");
  if (!s.has_capability(list.capability)) return skip_without_capability(list.capability);
  if (auto skipped = skip_unless_offered(s, list)) return *skipped;
  REQUIRE_OK(ListWalk walk, walk_list(s.client, list.method, list.key), "walking " + list.method);
  std::set<std::string> seen;
  for (const json& item : walk.items) {
    std::string identity = compact(item.is_object() ? item.value(list.identity, json()) : item);
    if (!seen.insert(identity).second) {
      return fail(list.key + " item " + identity + " is listed twice across pages", "each item once", compact(item));
    }
  }
  return pass(std::to_string(walk.items.size()) + " " + list.key + " over " + std::to_string(walk.pages.size()) +
              " page(s)");
}

Outcome check_invalid_cursor(CheckContext& ctx, const ListFamily& list) {
  REQUIRE_OK(Session s, open_session(ctx), "initializing");
  if (!s.has_capability(list.capability)) return skip_without_capability(list.capability);
  if (auto skipped = skip_unless_offered(s, list)) return *skipped;
  REQUIRE_OK(json response, s.client.request(list.method, {{"cursor", "mcp-harness-not-a-cursor"}}),
             list.method + " with an invalid cursor");
  REQUIRE(expect_error(response, jsonrpc::kInvalidParams, list.method + " with an invalid cursor"));
  return pass();
}

std::string spec(const std::string& version, const std::string& doc, const std::string& section) {
  return "docs/" + version + "/" + doc + (section.empty() ? "" : " § " + section);
}

}  // namespace mcp::harness::suites
