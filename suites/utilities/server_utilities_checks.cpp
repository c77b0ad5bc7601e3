// Server utilities: completion (completion/complete), logging (logging/setLevel)
// and progress notifications.
#include <limits>
#include <regex>

#include "mcp/json_rpc.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kCompletionDoc = "server/utilities/completion.mdx";
const std::string kLoggingDoc = "server/utilities/logging.mdx";

// Something completion/complete can be asked about: the first prompt argument, else
// the first variable of a resource template. {ref, argument name}, or nullopt.
StatusOr<std::optional<std::pair<json, std::string>>> completion_target(Session& s) {
  if (s.has_capability("prompts")) {
    ASSIGN_OR_RETURN(ListWalk prompts, walk_list(s.client, "prompts/list", "prompts"));
    for (const json& prompt : prompts.items) {
      json arguments = prompt.value("arguments", json::array());
      if (!arguments.is_array() || arguments.empty() || !arguments[0].is_object()) continue;
      return std::optional<std::pair<json, std::string>>(
          {{{"type", "ref/prompt"}, {"name", prompt.value("name", std::string())}}, arguments[0].value("name", std::string())});
    }
  }
  if (s.has_capability("resources")) {
    ASSIGN_OR_RETURN(ListWalk templates, walk_list(s.client, "resources/templates/list", "resourceTemplates"));
    static const std::regex kVariable(R"(\{[+#./;?&]?([A-Za-z0-9_]+))");
    for (const json& t : templates.items) {
      std::string uri_template = t.value("uriTemplate", std::string());
      std::smatch match;
      if (!std::regex_search(uri_template, match, kVariable)) continue;
      return std::optional<std::pair<json, std::string>>({{{"type", "ref/resource"}, {"uri", uri_template}}, match[1].str()});
    }
  }
  return std::optional<std::pair<json, std::string>>();
}

json complete_params(const json& ref, const std::string& argument) {
  return {{"ref", ref}, {"argument", {{"name", argument}, {"value", ""}}}};
}

}  // namespace

void register_server_utilities(Registry& registry) {
  registry.add({
      .id = "completion.capability-declared",
      .level = Level::kMust,
      .requirement = "\"Servers that support completions MUST declare the completions capability\".",
      .spec_ref = spec("2025-11-25", kCompletionDoc, "Capabilities"),
      .procedure = "Without a declared completions capability, asks completion/complete about the first prompt "
                   "argument or template variable; a CompleteResult means undeclared support.",
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (s.has_capability("completions")) return pass("completions declared");
        REQUIRE_OK(auto target, completion_target(s), "finding something to complete");
        if (!target) return skip("no prompt argument or template variable to ask about");
        REQUIRE_OK(json response, s.client.request("completion/complete", complete_params(target->first, target->second)),
                   "completion/complete");
        const json result = response.value("result", json());
        if (response.contains("result") && !(result.is_object() && result.contains("completion"))) {
          // Not a completion at all (tmcp answers `"result": null`): the server does not
          // support completions, so this MUST does not bind; schema.server-messages judges the reply.
          return skip("completion/complete got a result that is not a CompleteResult (" + compact(result).substr(0, 80) +
                      "); see schema.server-messages");
        }
        if (response.contains("result")) {
          return fail("the server completes arguments without declaring the completions capability",
                      "a declared completions capability, or an error (-32601)", compact(response));
        }
        return pass("undeclared, and completion/complete is refused");
      },
  });

  registry.add({
      .id = "completion.complete.result",
      .level = Level::kMust,
      .requirement = kSchemaIsTheSourceOfTruth + "completion/complete is answered with a CompleteResult: at "
                                                 "most 100 values, with optional total and hasMore.",
      .spec_ref = spec("2025-11-25", kCompletionDoc, "Requesting Completions"),
      .procedure = "Asks completion/complete about the first prompt argument or template variable with an empty "
                   "value and validates the result.",
      .min_version = "2025-03-26",
      .capability = "completions",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("completions")) return skip_without_capability("completions");
        REQUIRE_OK(auto target, completion_target(s), "finding something to complete");
        if (!target) return skip("no prompt argument or template variable to ask about");
        REQUIRE_OK(json response, s.client.request("completion/complete", complete_params(target->first, target->second)),
                   "completion/complete");
        REQUIRE(expect_result(response, "completion/complete"));
        REQUIRE(expect_schema(response["result"], s.client.protocol_version(), "CompleteResult", "the completion/complete result"));
        const json values = response["result"]["completion"].value("values", json::array());
        if (values.size() > 100) return fail("more than 100 completion values", "at most 100", std::to_string(values.size()));
        return pass(std::to_string(values.size()) + " value(s) for " + target->second);
      },
  });

  registry.add({
      .id = "completion.complete.unknown-ref",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD return standard JSON-RPC errors for common failure cases: ... Invalid "
                     "prompt name: -32602 (Invalid params)\": completion/complete naming a prompt that does not "
                     "exist.",
      .spec_ref = spec("2025-11-25", kCompletionDoc, "Error Handling"),
      .procedure = "Asks completion/complete about prompt \"mcp_harness_no_such_prompt\".",
      .min_version = "2025-03-26",
      .capability = "completions",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("completions")) return skip_without_capability("completions");
        REQUIRE_OK(json response,
                   s.client.request("completion/complete",
                                    complete_params({{"type", "ref/prompt"}, {"name", "mcp_harness_no_such_prompt"}}, "x")),
                   "completing an unknown prompt");
        REQUIRE(expect_error(response, jsonrpc::kInvalidParams, "completing an unknown prompt"));
        return pass();
      },
  });

  registry.add({
      .id = "logging.set-level.accepted",
      .level = Level::kShould,
      .requirement = "\"To configure the minimum log level, clients MAY send a logging/setLevel request\": a "
                     "server declaring logging accepts it with an empty result. (No sentence makes this a MUST.)",
      .spec_ref = spec("2025-11-25", kLoggingDoc, "Setting Log Level"),
      .procedure = "Sends logging/setLevel with level \"warning\".",
      .max_version = kLastLegacyVersion,
      .capability = "logging",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("logging")) return skip_without_capability("logging");
        REQUIRE_OK(json response, s.client.request("logging/setLevel", {{"level", "warning"}}), "logging/setLevel");
        REQUIRE(expect_result(response, "logging/setLevel warning"));
        return pass();
      },
  });

  registry.add({
      .id = "logging.set-level.invalid",
      .level = Level::kShould,
      .requirement = "\"Servers SHOULD return standard JSON-RPC errors for common failure cases: Invalid log "
                     "level: -32602 (Invalid params)\".",
      .spec_ref = spec("2025-11-25", kLoggingDoc, "Error Handling"),
      .procedure = "Sends logging/setLevel with level \"mcp-harness-loudest\".",
      .max_version = kLastLegacyVersion,
      .capability = "logging",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (!s.has_capability("logging")) return skip_without_capability("logging");
        REQUIRE_OK(json response, s.client.request("logging/setLevel", {{"level", "mcp-harness-loudest"}}),
                   "logging/setLevel with an invalid level");
        REQUIRE(expect_error(response, jsonrpc::kInvalidParams, "logging/setLevel with an invalid level"));
        return pass();
      },
  });

  registry.add({
      .id = "progress.notifications.valid",
      .level = Level::kMust,
      .requirement = "\"Progress notifications MUST only reference tokens that: Were provided in an active request\", "
                     "and \"The progress value MUST increase with each notification, even if the total is unknown.\"",
      .spec_ref = spec("2025-11-25", "basic/utilities/progress.mdx", "Behavior Requirements"),
      .procedure = "Calls read-only tools (arguments built from their schemas, up to 10) with a progressToken until "
                   "one reports progress, and inspects every notifications/progress it sends.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing tour = list_all_tools(ctx);
        if (tour.outcome) return *tour.outcome;
        McpClient& client = tour.session->client;
        int tried = 0;
        for (const auto& [tool, args] : callable_tools(call_policy(ctx), tour.tools, 10)) {
          ++tried;
          std::string name = tool["name"];
          std::string token = "mcp-harness-progress-" + std::to_string(tried);
          (void)client.take_others();
          auto response =
              client.request("tools/call", {{"name", name}, {"arguments", args}, {"_meta", {{"progressToken", token}}}});
          // A tool that outlives the timeout is judged on the progress it reported meanwhile.
          if (!response.ok() && response.status().code() != StatusCode::kDeadlineExceeded) {
            return fail_status(response.status(), "calling " + name + " with a progress token");
          }
          double last = -std::numeric_limits<double>::infinity();
          int seen = 0;
          for (const json& message : client.take_others()) {
            if (message.value("method", "") != "notifications/progress") continue;
            const json params = message.value("params", json::object());
            if (params.value("progressToken", json()) != token) {
              return fail(name + " sent progress for a token its request did not provide", "progressToken " + compact(token),
                          compact(message));
            }
            const json progress = params.value("progress", json());
            if (!progress.is_number() || progress.get<double>() <= last) {
              return fail(name + "'s progress did not increase", "progress > " + std::to_string(last), compact(message));
            }
            last = progress.get<double>();
            ++seen;
          }
          if (seen > 0) return pass(name + " sent " + std::to_string(seen) + " progress notification(s)");
        }
        return skip("no callable tool reported progress (" + std::to_string(tried) + " tried)");
      },
  });
}

}  // namespace mcp::harness::suites
