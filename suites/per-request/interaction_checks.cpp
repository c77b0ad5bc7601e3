// 2026-07-28 interactions beyond one request and its answer: input-required results
// (MRTR) and their retries, subscriptions/listen, and log messages only on request.
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"
#include "suites/per-request/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

namespace {

constexpr std::size_t kMaxToolsCalled = 10;
constexpr int kMaxRetries = 4;

// A subscriptions/listen answered at once with -32601: the server offers no subscriptions.
bool listen_unsupported(const json& message) {
  return !message.contains("method") && message.contains("error") && message["error"].is_object() &&
         message["error"].value("code", 0) == jsonrpc::kMethodNotFound;
}

bool input_required(const json& response) {
  return response.contains("result") && response["result"].is_object() &&
         response["result"].value("resultType", "") == "input_required";
}

// What subscriptions/listen produced before the harness cancelled it: the messages
// carrying its subscription id and its response, in arrival order.
struct Listen {
  std::vector<json> related;
};

bool belongs_to(const json& message, const json& id) {
  if (!message.is_object()) return false;
  if (!message.contains("method")) return message.value("id", json()) == id;
  const json params = message.value("params", json::object());
  const json meta = params.is_object() ? params.value("_meta", json::object()) : json::object();
  return meta.is_object() && meta.value(protocol::kMetaSubscriptionId, json()) == id;
}

// Opens a subscription, keeps what belongs to it for up to `window` (or until
// `enough` messages), then cancels it: notifications/cancelled on stdio, closing the
// response stream over HTTP.
StatusOr<Listen> listen_briefly(McpClient& client, const json& id, const json& filter, std::size_t enough,
                                std::chrono::milliseconds window) {
  Listen listen;
  json message = request_with_meta(client, id, "subscriptions/listen", {{"notifications", filter}});
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

// The types an acknowledgement agreed to that the filter did not ask for, or "".
std::string unrequested_types(const json& agreed, const json& requested) {
  if (!agreed.is_object()) return "the acknowledged notifications are not an object";
  for (auto it = agreed.begin(); it != agreed.end(); ++it) {
    if (it.key() == "resourceSubscriptions") {
      json asked = requested.value("resourceSubscriptions", json::array());
      for (const json& uri : it.value().is_array() ? it.value() : json::array()) {
        if (std::find(asked.begin(), asked.end(), uri) == asked.end()) return "resourceSubscriptions " + uri.dump();
      }
    } else if (it.value() == true && requested.value(it.key(), false) != true) {
      return it.key();
    }
  }
  return "";
}

// tools/list with `level` as its per-request log level, on a server that declares
// logging; `skipped` when it does not.
struct LoggedAnswer {
  json response;
  std::optional<Outcome> skipped;
};
StatusOr<LoggedAnswer> tools_list_at_level(CheckContext& ctx, const std::string& level) {
  ASSIGN_OR_RETURN(Session s, open_session(ctx));
  if (!s.has_capability("logging")) return LoggedAnswer{nullptr, skip_without_capability("logging")};
  ASSIGN_OR_RETURN(json response, s.client.request("tools/list", {{"_meta", {{protocol::kMetaLogLevel, level}}}}));
  return LoggedAnswer{std::move(response), std::nullopt};
}

}  // namespace

void register_per_request_interactions(Registry& registry) {
  registry.add({
      .id = "mrtr.input-required.valid",
      .level = Level::kMust,
      .requirement = "\"Servers MUST include at least one of inputRequests or requestState in every "
                     "InputRequiredResult response\", and inputRequests \"values are request objects that MUST "
                     "be one of ElicitRequest, CreateMessageRequest, or ListRootsRequest\"; the retry (a new "
                     "id, the answers, requestState echoed) is then served.",
      .spec_ref = spec(kModernDocs, "basic/patterns/mrtr.mdx", "Server Requirements (Basic Workflow)"),
      .procedure = "Calls read-only tools declaring elicitation, sampling and roots; whenever one answers input_required, "
                   "answers every input request and retries (up to 4 rounds) until a final result.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        McpClient& client = tour.session->client;
        const json capable = {{protocol::kMetaClientCapabilities, {{"elicitation", json::object()}, {"sampling", json::object()},
                                                                  {"roots", json::object()}}}};
        int asked = 0;
        for (const auto& [tool, arguments] : callable_tools(call_policy(ctx), tour.tools, kMaxToolsCalled)) {
          std::string name = tool["name"];
          json params = {{"name", name}, {"arguments", arguments}, {"_meta", capable}};
          REQUIRE_OK(json response, client.request("tools/call", params), "calling " + name);
          for (int round = 0; input_required(response); ++round) {
            if (round == kMaxRetries) return fail(name + " still asked for input after " + std::to_string(kMaxRetries) + " answers",
                                                  "a final result", compact(response));
            ++asked;
            const json& result = response["result"];
            if (!result.contains("inputRequests") && !result.contains("requestState")) {
              return fail(name + " answered input_required with neither inputRequests nor requestState",
                          "inputRequests or requestState", compact(result));
            }
            json answers = json::object();
            const json requests = result.value("inputRequests", json::object());
            for (auto entry = requests.begin(); entry != requests.end(); ++entry) {
              const std::string& key = entry.key();
              const json& request = entry.value();
              if (capability_for(request.value("method", "")).empty()) {
                return fail(name + " asked for " + compact(request.value("method", json())), "elicitation/create, "
                            "sampling/createMessage or roots/list", compact(request));
              }
              answers[key] = answer_input_request(request);
            }
            json retry = {{"name", name}, {"arguments", arguments}, {"_meta", capable}};
            if (!answers.empty()) retry["inputResponses"] = answers;
            if (result.contains("requestState")) retry["requestState"] = result["requestState"];
            REQUIRE_OK(response, client.request("tools/call", retry), "retrying " + name);
            if (!response.contains("result")) return fail("the retry of " + name + " was refused", "a result", compact(response));
          }
          if (response.contains("result") && response["result"].value("resultType", "") != "complete" && asked) {
            return fail(name + "'s final result is not complete", "resultType \"complete\"", compact(response));
          }
        }
        if (asked == 0) return skip("no callable tool asked for input");
        return pass(std::to_string(asked) + " input rounds answered and completed");
      },
  });

  registry.add({
      .id = "mrtr.undeclared-capability",
      .level = Level::kMust,
      .requirement = "\"A server MUST NOT rely on capabilities the client has not declared. If processing a "
                     "request requires a capability the client did not include in "
                     "io.modelcontextprotocol/clientCapabilities, the server MUST return a "
                     "MissingRequiredClientCapabilityError (-32021) whose data.requiredCapabilities lists the "
                     "missing capabilities.\"",
      .spec_ref = spec(kModernDocs, "basic/index.mdx", "_meta"),
      .procedure = "Calls read-only tools declaring no client capabilities; judges input_required results and -32021 errors.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        McpClient& client = tour.session->client;
        int refused = 0;
        for (const auto& [tool, arguments] : callable_tools(call_policy(ctx), tour.tools, kMaxToolsCalled)) {
          std::string name = tool["name"];
          json message = request_with_meta(client, client.next_id(), "tools/call", {{"name", name}, {"arguments", arguments}});
          REQUIRE_OK(Exchange exchange, send_as_is(client, message), "calling " + name);
          if (input_required(exchange.response)) {
            return fail(name + " sent input requests to a client that declared no capabilities",
                        "-32021 naming the capability", compact(exchange.response));
          }
          const json error = exchange.response.value("error", json());
          if (!error.is_object() || error.value("code", 0) != jsonrpc::kMissingRequiredClientCapability) continue;
          ++refused;
          REQUIRE(expect_refusal(exchange, jsonrpc::kMissingRequiredClientCapability, 400, name + " without capabilities"));
          json needed = error.value("data", json::object()).value("requiredCapabilities", json());
          if (!needed.is_object() || needed.empty()) {
            return fail(name + "'s -32021 does not list the capability it needs", "data.requiredCapabilities {...}", compact(error));
          }
        }
        if (refused == 0) return skip("no callable tool needed a client capability");
        return pass(std::to_string(refused) + " tools refused with -32021");
      },
  });

  registry.add({
      .id = "subscriptions.listen.acknowledged-first",
      .level = Level::kMust,
      .requirement = "\"The server MUST send notifications/subscriptions/acknowledged as the first message "
                     "carrying the subscription's ID in _meta under io.modelcontextprotocol/subscriptionId, and "
                     "MUST NOT send any notification on the subscription before it\", agreeing only to "
                     "notification types the client requested.",
      .spec_ref = spec(kModernDocs, "basic/patterns/subscriptions.mdx", "Acknowledgment"),
      .procedure = "Sends subscriptions/listen for every list_changed type (and the first listed resource) and reads the "
                   "first message carrying its subscription id; then cancels it.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        json filter = {{"toolsListChanged", true}, {"promptsListChanged", true}, {"resourcesListChanged", true}};
        if (s.has_capability("resources")) {
          REQUIRE_OK(json listed, s.client.request("resources/list"), "resources/list");
          json resources = listed.value("result", json::object()).value("resources", json::array());
          if (!resources.empty()) filter["resourceSubscriptions"] = json::array({resources[0].value("uri", "")});
        }
        const json id = "listen-first";
        REQUIRE_OK(Listen listen, listen_briefly(s.client, id, filter, 1, s.client.timeout()), "subscriptions/listen");
        if (listen.related.empty()) return fail("no acknowledgement arrived", "notifications/subscriptions/acknowledged", "nothing");
        const json& first = listen.related.front();
        if (listen_unsupported(first)) return skip("the server does not offer subscriptions/listen");
        if (!first.contains("method")) {
          return fail("the server answered subscriptions/listen before acknowledging it",
                      "notifications/subscriptions/acknowledged first", compact(first));
        }
        if (first.value("method", "") != "notifications/subscriptions/acknowledged") {
          return fail("the first message of the subscription is " + first.value("method", std::string("?")),
                      "notifications/subscriptions/acknowledged", compact(first));
        }
        json agreed = first["params"].value("notifications", json());
        if (std::string extra = unrequested_types(agreed, filter); !extra.empty()) {
          return fail("the acknowledgement agrees to " + extra + ", which was not requested", "a subset of " + compact(filter),
                      compact(first));
        }
        return pass(compact(agreed, 200));
      },
  });

  registry.add({
      .id = "subscriptions.listen.only-requested",
      .level = Level::kMust,
      .requirement = "\"The server MUST NOT send notification types the client has not explicitly requested.\"",
      .spec_ref = spec(kModernDocs, "basic/patterns/subscriptions.mdx", "Notification Filter"),
      .procedure = "Sends subscriptions/listen with an empty filter and watches it for a second: the acknowledgement agrees "
                   "to nothing and no notification follows.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "server/discover");
        const json id = "listen-nothing";
        REQUIRE_OK(Listen listen, listen_briefly(s.client, id, json::object(), 3, std::chrono::milliseconds(1000)),
                   "subscriptions/listen");
        for (const json& message : listen.related) {
          if (listen_unsupported(message)) return skip("the server does not offer subscriptions/listen");
          if (!message.contains("method")) continue;
          std::string method = message["method"];
          if (method == "notifications/subscriptions/acknowledged") {
            std::string extra = unrequested_types(message["params"].value("notifications", json()), json::object());
            if (!extra.empty()) return fail("the acknowledgement agrees to " + extra, "an empty agreement", compact(message));
          } else {
            return fail("the server sent " + method + " on a subscription that asked for nothing", "no notification",
                        compact(message));
          }
        }
        return pass(std::to_string(listen.related.size()) + " messages on the subscription");
      },
  });

  registry.add({
      .id = "logging.per-request.opt-in",
      .level = Level::kMust,
      .requirement = "Of io.modelcontextprotocol/logLevel in a request's _meta: \"The server MUST NOT emit "
                     "notifications/message for a request that does not include this field.\"",
      .spec_ref = spec(kModernDocs, "server/utilities/logging.mdx", "Per-request log level"),
      .procedure = "Calls up to 10 read-only tools without a log level and watches for notifications/message.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        McpClient& client = tour.session->client;
        int called = 0;
        for (const auto& [tool, arguments] : callable_tools(call_policy(ctx), tour.tools, kMaxToolsCalled)) {
          std::string name = tool["name"];
          REQUIRE_OK(json response, client.request("tools/call", {{"name", name}, {"arguments", arguments}}), "calling " + name);
          ++called;
          for (const json& message : client.take_others()) {
            if (message.value("method", "") == "notifications/message") {
              return fail(name + " logged although the request set no log level", "no notifications/message", compact(message));
            }
          }
        }
        if (called == 0) return skip("no callable tool could be called with generated arguments");
        return pass(std::to_string(called) + " tools called, no log messages");
      },
  });

  // Logging is deprecated in 2026-07-28 but stays fully functional: a server that
  // declares it must honour the per-request level.
  registry.add({
      .id = "logging.per-request.accepted",
      .level = Level::kShould,
      .requirement = "To receive log messages for a request, clients \"include io.modelcontextprotocol/logLevel "
                     "in the request's _meta\": a server declaring the (deprecated, still functional) logging "
                     "capability accepts the field and serves the request. (No sentence makes this a MUST.)",
      .spec_ref = spec(kModernDocs, "server/utilities/logging.mdx", "Per-request log level"),
      .procedure = "Sends tools/list with logLevel \"debug\" and expects its result.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(LoggedAnswer answer, tools_list_at_level(ctx, "debug"), "tools/list with a log level");
        if (answer.skipped) return *answer.skipped;
        const json& response = answer.response;
        if (!response.contains("result")) {
          return fail("a request with a valid log level was refused", "tools/list's result", compact(response));
        }
        return pass();
      },
  });

  registry.add({
      .id = "logging.per-request.at-or-above",
      .level = Level::kShould,
      .requirement = "With io.modelcontextprotocol/logLevel set, the server sends notifications/message only at or above "
                     "that level.",
      .spec_ref = spec(kModernDocs, "server/utilities/logging.mdx", "Per-request log level"),
      .procedure = "Calls up to 10 read-only tools with logLevel \"error\" and looks for log messages of lower severity.",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        if (!tour.session->has_capability("logging")) return skip_without_capability("logging");
        static const std::vector<std::string> kBelowError = {"debug", "info", "notice", "warning"};
        McpClient& client = tour.session->client;
        int called = 0, logged = 0;
        for (const auto& [tool, arguments] : callable_tools(call_policy(ctx), tour.tools, kMaxToolsCalled)) {
          std::string name = tool["name"];
          REQUIRE_OK(json response,
                     client.request("tools/call", {{"name", name}, {"arguments", arguments}, {"_meta", {{protocol::kMetaLogLevel, "error"}}}}),
                     "calling " + name);
          ++called;
          for (const json& message : client.take_others()) {
            if (message.value("method", "") != "notifications/message") continue;
            ++logged;
            std::string level = message.value("params", json::object()).value("level", "");
            if (std::find(kBelowError.begin(), kBelowError.end(), level) != kBelowError.end()) {
              return fail(name + " logged at " + level + " although the request asked for error and above",
                          "only error, critical, alert or emergency", compact(message));
            }
          }
        }
        if (called == 0) return skip("no callable tool could be called with generated arguments");
        return pass(std::to_string(called) + " tools called, " + std::to_string(logged) + " log messages at error or above");
      },
  });

  registry.add({
      .id = "logging.per-request.invalid-level",
      .level = Level::kShould,
      .requirement = "A request whose io.modelcontextprotocol/logLevel is not an RFC 5424 level name SHOULD be rejected "
                     "with -32602 (Invalid params).",
      .spec_ref = spec(kModernDocs, "server/utilities/logging.mdx", "Error Handling"),
      .procedure = "Sends tools/list with logLevel \"verbose\".",
      .min_version = kFirstModernVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(LoggedAnswer answer, tools_list_at_level(ctx, "verbose"), "tools/list with an invalid log level");
        if (answer.skipped) return *answer.skipped;
        const json& response = answer.response;
        if (!response.contains("error") || !response["error"].is_object() ||
            response["error"].value("code", 0) != jsonrpc::kInvalidParams) {
          return fail("an invalid log level was not refused with -32602", "error -32602", compact(response));
        }
        return pass(compact(response["error"], 160));
      },
  });
}

}  // namespace mcp::harness::suites
