#include "suites/per_request_support.h"

#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"

namespace mcp::harness::suites::per_request {

using json = nlohmann::json;

std::string Exchange::describe() const {
  if (http_status) return describe_reply(reply);
  return compact(response);
}

StatusOr<Exchange> send_as_is(McpClient& client, const json& message, const std::map<std::string, std::string>& headers) {
  Exchange exchange;
  const json id = message.value("id", json());
  std::string method = message.value("method", "");
  if (HttpConnection* http = as_http(client)) {
    HttpRequestSpec spec = http_request("POST", client.timeout(), jsonrpc::serialize(message));
    spec.headers = request_metadata_headers(message, &http->tool_header_book());
    for (const auto& [name, value] : headers) spec.headers[name] = value;
    exchange.reply = http->exchange(spec);
    if (exchange.reply.status == 0) return exchange.reply.error.ok() ? unavailable("no HTTP reply") : exchange.reply.error;
    exchange.http_status = exchange.reply.status;
    for (const json& m : exchange.reply.messages) {
      if (m.is_object() && !m.contains("method") && (m.value("id", json()) == id || id.is_null())) exchange.response = m;
    }
    return exchange;
  }
  client.expect_response(id, method);
  RETURN_IF_ERROR(client.connection().send(message));
  ASSIGN_OR_RETURN(exchange.response, client.await_response(id, deadline_in(client.timeout())));
  return exchange;
}

json request_with_meta(const McpClient& client, const json& id, const std::string& method, json params,
                       const std::function<void(json&)>& edit_meta) {
  json meta = client.request_meta();
  if (edit_meta) edit_meta(meta);
  params["_meta"] = std::move(meta);
  return jsonrpc::make_request(id, method, std::move(params));
}

Failure expect_refusal(const Exchange& exchange, int code, int http_status, const std::string& what) {
  if (exchange.http_status && exchange.http_status != http_status) {
    return fail(what + ": HTTP " + std::to_string(exchange.http_status),
                "HTTP " + std::to_string(http_status) + " with JSON-RPC error " + std::to_string(code), exchange.describe());
  }
  if (exchange.response.is_null()) {
    return fail(what + ": no JSON-RPC error in the reply", "JSON-RPC error " + std::to_string(code), exchange.describe());
  }
  return expect_error(exchange.response, code, what);
}

std::string capability_for(const std::string& method) {
  if (method == "elicitation/create") return "elicitation";
  if (method == "sampling/createMessage") return "sampling";
  if (method == "roots/list") return "roots";
  return "";
}

json answer_input_request(const json& request) {
  std::string method = request.value("method", "");
  const json params = request.value("params", json::object());
  if (method == "elicitation/create") {
    auto content = example_arguments(params.value("requestedSchema", json::object()));
    if (!content) return {{"action", "decline"}};
    return {{"action", "accept"}, {"content", *content}};
  }
  if (method == "sampling/createMessage") {
    return {{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "mcp-harness sample"}}}, {"model", "mcp-harness"}};
  }
  return {{"roots", json::array()}};
}

std::string caching_problem(const json& result) {
  auto ttl = result.find("ttlMs");
  if (ttl == result.end()) return "no ttlMs";
  if (!ttl->is_number_integer() || ttl->get<long long>() < 0) return "ttlMs " + ttl->dump() + " is not a non-negative integer";
  auto scope = result.find("cacheScope");
  if (scope == result.end()) return "no cacheScope";
  if (*scope != "public" && *scope != "private") return "cacheScope " + scope->dump() + " is neither \"public\" nor \"private\"";
  return "";
}

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

bool belongs_to(const json& message, const json& id) {
  if (!message.is_object()) return false;
  if (!message.contains("method")) return message.value("id", json()) == id;
  const json params = message.value("params", json::object());
  const json meta = params.is_object() ? params.value("_meta", json::object()) : json::object();
  return meta.is_object() && meta.value(protocol::kMetaSubscriptionId, json()) == id;
}

StatusOr<Listen> listen_briefly(McpClient& client, const json& id, const json& filter, std::size_t enough,
                                std::chrono::milliseconds window, const std::function<void(json&)>& edit_meta) {
  Listen listen;
  json message = request_with_meta(client, id, "subscriptions/listen", {{"notifications", filter}}, edit_meta);
  if (HttpConnection* http = as_http(client)) {
    HttpRequestSpec spec = http_request("POST", window, jsonrpc::serialize(message));
    spec.headers = request_metadata_headers(message);
    spec.max_events = enough;
    HttpReply reply = http->exchange(spec);
    if (reply.status == 0 && !reply.error.ok() && reply.messages.empty()) return reply.error;
    for (const json& m : reply.messages) {
      if (belongs_to(m, id)) listen.related.push_back(m);
    }
    return listen;
  }
  client.expect_response(id, "subscriptions/listen");
  RETURN_IF_ERROR(client.connection().send(message));
  Deadline deadline = deadline_in(window);
  while (listen.related.size() < enough) {
    auto next = client.next_message(deadline);
    if (!next.ok()) break;
    if (!belongs_to(*next, id)) continue;
    listen.related.push_back(*next);
    if (!next->contains("method")) break;  // the response ends the subscription
  }
  RETURN_IF_ERROR(client.notify("notifications/cancelled", {{"requestId", id}, {"reason", "check finished"}}));
  return listen;
}

}  // namespace mcp::harness::suites::per_request
