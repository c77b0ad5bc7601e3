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

const json& capable_meta() {
  static const json kMeta = {{protocol::kMetaClientCapabilities,
                              {{"elicitation", json::object()}, {"sampling", json::object()}, {"roots", json::object()}}}};
  return kMeta;
}

// Every answer this harness gives to an InputRequiredResult's requests.
json answers_to(const json& result) {
  json answers = json::object();
  const json requests = result.value("inputRequests", json::object());
  for (auto entry = requests.begin(); requests.is_object() && entry != requests.end(); ++entry) {
    answers[entry.key()] = answer_input_request(entry.value());
  }
  return answers;
}

// A callable tool that answered input_required (with requestState when `with_state`,
// after answering earlier rounds), ready for a retry the check shapes itself.
struct InputRound {
  std::optional<Session> session;
  std::string tool;
  json arguments;
  json result;  // the InputRequiredResult
  std::optional<Outcome> outcome;
  json retry(json answers, std::optional<json> state) const {
    json params = {{"name", tool}, {"arguments", arguments}, {"_meta", capable_meta()}};
    if (!answers.empty()) params["inputResponses"] = std::move(answers);
    if (state) params["requestState"] = *state;
    return params;
  }
};
InputRound find_input_round(CheckContext& ctx, bool with_state) {
  InputRound round;
  ToolListing tour = list_all_tools(ctx);
  if (tour.outcome) {
    round.outcome = tour.outcome;
    return round;
  }
  McpClient& client = tour.session->client;
  for (const auto& [tool, arguments] : callable_tools(call_policy(ctx), tour.tools, kMaxToolsCalled)) {
    round.tool = tool["name"];
    round.arguments = arguments;
    auto response = client.request("tools/call", round.retry(json::object(), std::nullopt));
    for (int step = 0; step < kMaxRetries && response.ok() && input_required(*response); ++step) {
      const json& result = (*response)["result"];
      if (!with_state || result.contains("requestState")) {
        round.result = result;
        round.session = std::move(tour.session);
        return round;
      }
      response = client.request("tools/call", round.retry(answers_to(result), std::nullopt));
    }
    if (!response.ok()) {
      round.outcome = fail_status(response.status(), "calling " + round.tool);
      return round;
    }
  }
  round.outcome = skip(with_state ? "no callable tool answered input_required with a requestState"
                                  : "no callable tool asked for input");
  return round;
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
        const json& capable = capable_meta();
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
      .id = "mrtr.request-state.tampered",
      .level = Level::kShould,
      .requirement = "\"servers MUST treat requestState as an attacker-controlled input. If requestState influences "
                     "authorization, resource access, or business logic, servers MUST protect its integrity (e.g. HMAC or "
                     "AEAD) and MUST reject state that fails verification.\" Whether it steers anything is invisible from "
                     "outside (\"MAY be omitted only when tampering can cause nothing worse than request failure\"), so a "
                     "tampered state served as if genuine is reported as SHOULD.",
      .spec_ref = spec(kModernDocs, "basic/patterns/mrtr.mdx", "Server Requirements (Basic Workflow)"),
      .procedure = "Finds a read-only tool whose InputRequiredResult carries requestState, retries with the right answers "
                   "and that state altered in its middle; expects an error, or the question asked again, not a final result.",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        InputRound round = find_input_round(ctx, true);
        if (round.outcome) return *round.outcome;
        std::string state = round.result["requestState"].is_string() ? round.result["requestState"].get<std::string>() : "";
        if (state.empty()) return skip(round.tool + "'s requestState is not a non-empty string");
        std::size_t middle = state.size() / 2;
        state[middle] = state[middle] == 'A' ? 'B' : 'A';
        REQUIRE_OK(json response, round.session->client.request("tools/call", round.retry(answers_to(round.result), state)),
                   "retrying " + round.tool + " with a tampered requestState");
        if (response.contains("result") && response["result"].value("resultType", "complete") == "complete") {
          return fail(round.tool + " completed a retry whose requestState was altered", "a JSON-RPC error (or the question again)",
                      compact(response["result"]));
        }
        return pass(round.tool + " refused the altered requestState");
      },
  });

  registry.add({
      .id = "mrtr.missing-response.asked-again",
      .level = Level::kShould,
      .requirement = "\"If the client fails to send all the information requested in a previous InputRequests, and the "
                     "missing information is necessary for the server to process the request, the server SHOULD respond "
                     "with a new InputRequiredResult requesting the missing information again, rather than returning an error.\"",
      .spec_ref = spec(kModernDocs, "basic/patterns/mrtr.mdx", "Error Handling"),
      .procedure = "Finds a read-only tool that answers input_required and retries it without inputResponses (requestState "
                   "echoed); expects input_required again (or a final result), not an error.",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        InputRound round = find_input_round(ctx, false);
        if (round.outcome) return *round.outcome;
        std::optional<json> state;
        if (round.result.contains("requestState")) state = round.result["requestState"];
        REQUIRE_OK(json response, round.session->client.request("tools/call", round.retry(json::object(), state)),
                   "retrying " + round.tool + " without answers");
        if (response.contains("error")) {
          return fail(round.tool + " answered a retry without the answers with an error", "input_required again",
                      compact(response["error"]));
        }
        return pass(round.tool + " asked again");
      },
  });

  registry.add({
      .id = "mrtr.extra-responses.ignored",
      .level = Level::kShould,
      .requirement = "\"If additional, unexpected parameters are provided in the InputResponses object, the server SHOULD "
                     "ignore any information it does not recognize or need.\"",
      .spec_ref = spec(kModernDocs, "basic/patterns/mrtr.mdx", "Error Handling"),
      .procedure = "Finds a read-only tool that answers input_required and retries with its answers plus one under a key it "
                   "never asked; expects no error.",
      .min_version = kFirstModernVersion,
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        InputRound round = find_input_round(ctx, false);
        if (round.outcome) return *round.outcome;
        json answers = answers_to(round.result);
        answers["mcp-harness-never-asked"] = {{"action", "decline"}};
        std::optional<json> state;
        if (round.result.contains("requestState")) state = round.result["requestState"];
        REQUIRE_OK(json response, round.session->client.request("tools/call", round.retry(answers, state)),
                   "retrying " + round.tool + " with an extra answer");
        if (response.contains("error")) {
          return fail(round.tool + " refused a retry carrying an answer it never asked for", "the extra answer ignored",
                      compact(response["error"]));
        }
        return pass(round.tool + " ignored the extra answer");
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
