// subscriptions/listen (2026-07-28 basic/patterns/subscriptions.mdx): acknowledged
// first, and only what the filter asked for.
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"
#include "suites/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

namespace {

// A subscriptions/listen answered at once with -32601: the server offers no subscriptions.
bool listen_unsupported(const json& message) {
  return !message.contains("method") && message.contains("error") && message["error"].is_object() &&
         message["error"].value("code", 0) == jsonrpc::kMethodNotFound;
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

}  // namespace

void register_subscriptions(Registry& registry) {
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
}

}  // namespace mcp::harness::suites
