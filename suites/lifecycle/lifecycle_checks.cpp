// Lifecycle: initialization, version negotiation, the initialized notification.
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kDoc = "basic/lifecycle.mdx";

// Initializes a fresh connection with `version`; returns the version the server chose.
StatusOr<std::string> negotiated_version(CheckContext& ctx, const std::string& version, json& response) {
  ASSIGN_OR_RETURN(McpClient client, ctx.client());
  ASSIGN_OR_RETURN(response, client.request("initialize", initialize_params(version)));
  if (!response.contains("result")) return std::string();
  const json& result = response["result"];
  if (!result.is_object() || !result.contains("protocolVersion") || !result["protocolVersion"].is_string()) {
    return failed_precondition("initialize result has no protocolVersion string: " + compact(response));
  }
  return result["protocolVersion"].get<std::string>();
}

}  // namespace

void register_lifecycle(Registry& registry) {
  registry.add({
      .id = "lifecycle.initialize.result-shape",
      .level = Level::kMust,
      .requirement = "\"The server MUST respond with its own capabilities and information\": an "
                     "InitializeResult with its protocol version, capabilities and server info.",
      .spec_ref = spec("2025-11-25", kDoc, "Initialization"),
      .procedure = "Sends initialize with the target protocol version; validates the result against InitializeResult.",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.client(), "connecting");
        REQUIRE_OK(json response, client.request("initialize", initialize_params(ctx.protocol_version())), "initialize");
        REQUIRE(expect_result(response, "initialize"));
        const json& result = response["result"];
        std::string version = result.value("protocolVersion", ctx.protocol_version());
        if (!protocol::find_revision(version)) version = ctx.protocol_version();
        REQUIRE(expect_schema(result, version, "InitializeResult", "the initialize result"));
        return pass("protocol " + version + ", server " + compact(result.value("serverInfo", json())));
      },
  });

  registry.add({
      .id = "lifecycle.initialize.version-negotiation",
      .level = Level::kMust,
      .requirement = "\"Otherwise, the server MUST respond with another protocol version it supports.\" (Never echo "
                     "an unknown version.)",
      .spec_ref = spec("2025-11-25", kDoc, "Version Negotiation"),
      .procedure = "Sends initialize with protocolVersion \"1999-01-01\"; expects an error, or a result naming a "
                   "different version that the server then accepts when asked for it.",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        const std::string bogus = "1999-01-01";
        json response;
        REQUIRE_OK(std::string chosen, negotiated_version(ctx, bogus, response), "initialize with an unknown version");
        if (chosen.empty()) {
          REQUIRE(expect_error(response, 0, "initialize with an unsupported version"));
          return pass("rejected the unsupported version with an error");
        }
        if (chosen == bogus) {
          return fail("the server claims to support protocol version " + bogus, "a version the server supports",
                      compact(response));
        }
        json confirm;
        REQUIRE_OK(std::string again, negotiated_version(ctx, chosen, confirm), "initialize with " + chosen);
        if (again != chosen) {
          return fail("the server offered " + chosen + " but answered " + (again.empty() ? "an error" : again) +
                          " when asked for it",
                      "initialize(" + chosen + ") -> " + chosen, compact(confirm));
        }
        return pass("offered " + chosen + " instead");
      },
  });

  registry.add({
      .id = "lifecycle.initialize.supported-version-echo",
      .level = Level::kMust,
      .requirement = "\"If the server supports the requested protocol version, it MUST respond with the same "
                     "version.\"",
      .spec_ref = spec("2025-11-25", kDoc, "Version Negotiation"),
      .procedure = "Initializes once per known revision (2024-11-05 .. 2025-11-25). Each answer W must be either the "
                   "requested version or one the server echoes when asked for W.",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        std::string summary;
        for (const std::string& version : protocol::legacy_version_names()) {
          json response;
          REQUIRE_OK(std::string chosen, negotiated_version(ctx, version, response), "initialize " + version);
          if (chosen.empty()) {
            return fail("initialize " + version + " failed", "a result", compact(response));
          }
          if (chosen != version) {
            json confirm;
            REQUIRE_OK(std::string again, negotiated_version(ctx, chosen, confirm), "initialize " + chosen);
            if (again != chosen) {
              return fail("asked for " + version + " the server chose " + chosen + ", but asked for " + chosen +
                              " it answered " + (again.empty() ? "an error" : again),
                          "a supported version is echoed", compact(confirm));
            }
          }
          summary += (summary.empty() ? "" : ", ") + version + "->" + chosen;
        }
        return pass(summary);
      },
  });

  registry.add({
      .id = "lifecycle.initialized.no-response",
      .level = Level::kMust,
      .requirement = "Of a notification: \"The receiver MUST NOT send a response.\" notifications/initialized is one.",
      .spec_ref = spec("2025-11-25", "basic/index.mdx", "Notifications"),
      .procedure = "Initializes (which sends notifications/initialized), then pings; the first message back must be "
                   "the ping response.",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.session(), "initializing");
        REQUIRE(expect_ping_answered_first(client, "notifications/initialized"));
        return pass();
      },
  });

  registry.add({
      .id = "lifecycle.pre-initialize.rejected",
      // lifecycle.mdx binds the client here ("The client SHOULD NOT send requests other than
      // pings before the server has responded to the initialize request"); no sentence binds
      // the server, so refusing such requests is the production profile's expectation.
      .level = Level::kProfile,
      .requirement = "Profile: the server refuses requests other than ping before initialization, with an error. "
                     "(lifecycle.mdx: \"The client SHOULD NOT send requests other than pings before the server has "
                     "responded to the initialize request\" binds the client; nothing binds the server.)",
      .spec_ref = spec("2025-11-25", kDoc, "Initialization"),
      .procedure = "Sends tools/list as the very first message; expects a JSON-RPC error (over HTTP, a 4xx status "
                   "also refuses it).",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.client(), "connecting");
        if (HttpConnection* http = as_http(client)) {
          HttpReply reply =
              http->exchange(http_request("POST", ctx.timeout(), jsonrpc::serialize(jsonrpc::make_request(1, "tools/list"))));
          if (reply.status >= 400 && reply.status < 500) return pass("HTTP " + std::to_string(reply.status));
          if (!reply.messages.empty() && reply.messages.front().contains("error")) return pass("JSON-RPC error");
          return fail("tools/list was served before initialize", "HTTP 4xx or a JSON-RPC error",
                      "HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 300));
        }
        REQUIRE_OK(json response, client.request("tools/list"), "tools/list before initialize");
        REQUIRE(expect_error(response, 0, "tools/list before initialize"));
        return pass("error " + compact(response["error"].value("code", json())));
      },
  });

  registry.add({
      .id = "lifecycle.pre-initialize.ping",
      .level = Level::kShould,
      .requirement = "The client \"SHOULD NOT send requests other than pings before the server has responded to "
                     "the initialize request\": pings are the one request allowed then, so the server answers "
                     "them.",
      .spec_ref = spec("2025-11-25", kDoc, "Initialization"),
      .procedure = "Sends ping as the very first message; expects an empty result. (stdio only: over HTTP a ping "
                   "before initialize has no session to belong to.)",
      .transports = kStdio,
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.client(), "connecting");
        REQUIRE_OK(json response, client.request("ping"), "ping before initialize");
        REQUIRE(expect_result(response, "ping before initialize"));
        return pass();
      },
  });
  registry.add({
      .id = "lifecycle.initialize.invalid-params",
      .level = Level::kShould,
      .requirement = "\"Implementations SHOULD be prepared to handle these error cases: Protocol version "
                     "mismatch\": an initialize without a protocolVersion is refused with -32602 (Invalid "
                     "params), not answered as if one were given.",
      .spec_ref = spec("2025-11-25", kDoc, "Error Handling"),
      .procedure = "Sends initialize with capabilities and clientInfo but no protocolVersion.",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.client(), "connecting");
        json params = initialize_params(ctx.protocol_version());
        params.erase("protocolVersion");
        REQUIRE_OK(json response, client.request("initialize", params), "initialize without protocolVersion");
        REQUIRE(expect_error(response, jsonrpc::kInvalidParams, "initialize without protocolVersion"));
        return pass();
      },
  });
}

}  // namespace mcp::harness::suites
