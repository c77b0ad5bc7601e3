// Log messages only on request (2026-07-28 server/utilities/logging.mdx "Per-request
// log level").
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"
#include "suites/per_request_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;
using namespace per_request;

namespace {

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

void register_per_request_logging(Registry& registry) {
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
