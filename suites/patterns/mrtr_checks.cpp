// Multi round-trip requests (2026-07-28 basic/patterns/mrtr.mdx): input-required
// results, their retries, and capabilities the request did not declare.
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"
#include "suites/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

namespace {

constexpr int kMaxRetries = 4;

bool input_required(const json& response) {
  return response.contains("result") && response["result"].is_object() &&
         response["result"].value("resultType", "") == "input_required";
}

}  // namespace

void register_mrtr(Registry& registry) {
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
}

}  // namespace mcp::harness::suites
