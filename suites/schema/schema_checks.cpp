// Judgements over every message the server sent during the run: capabilities
// honoured, and the official schema of the negotiated protocol version (last).
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

void register_schema(Registry& registry) {
  registry.add({
      .id = "lifecycle.capabilities.honoured",
      .level = Level::kMust,
      .requirement = "\"Both parties MUST: Respect the negotiated protocol version; Only use capabilities that "
                     "were successfully negotiated\": the server sends no notification for a capability it did "
                     "not declare (list_changed, resources/updated, log messages) and no request needing a "
                     "client capability the harness did not declare.",
      .spec_ref = spec("2025-11-25", "basic/lifecycle.mdx", "Operation"),
      .procedure = "Sets the log level to debug (with logging declared) and pings, then reports every message seen in this "
                   "check and in all checks before it that needs an undeclared capability.",
      .concludes = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        if (s.has_capability("logging")) {
          REQUIRE_OK(json level, s.client.request("logging/setLevel", {{"level", "debug"}}), "logging/setLevel");
        }
        REQUIRE_OK(json ping, s.client.request("ping"), "ping");
        std::vector<CapabilityBreach> breaches = ctx.violations().breaches();
        if (breaches.empty()) return pass();
        return fail(std::to_string(breaches.size()) + " message(s) for undeclared capabilities; first: " + breaches.front().rule,
                    "only messages the negotiated capabilities allow", breaches.front().offending);
      },
  });

  registry.add({
      .id = "schema.server-messages",
      .level = Level::kMust,
      .requirement = "\"All messages between MCP clients and servers MUST follow the JSON-RPC 2.0 specification. The "
                     "protocol defines these types of messages\", and the schema \"is the source of truth for all "
                     "protocol messages and structures\": every message the server sends conforms to the official "
                     "JSON Schema of the negotiated version.",
      .spec_ref = spec("2025-11-25", "basic/index.mdx", "Schema") + " (schema.json)",
      .procedure = "Tours the server (initialize, ping, every list the capabilities allow) and reports every schema "
                   "violation seen in this check and in all checks that ran before it.",
      .concludes = true,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        REQUIRE_OK(json ping, s.client.request("ping"), "ping");
        const std::pair<const char*, const char*> lists[] = {
            {"tools", "tools/list"}, {"resources", "resources/list"}, {"prompts", "prompts/list"}};
        for (const auto& [capability, method] : lists) {
          if (!s.has_capability(capability)) continue;
          REQUIRE_OK(json response, s.client.request(method), method);
        }
        std::vector<SchemaViolation> violations = ctx.violations().all();
        if (violations.empty()) return pass();
        const SchemaViolation& first = violations.front();
        std::string summary;
        for (std::size_t i = 0; i < violations.size() && i < 5; ++i) {
          summary += "\n  at \"" + violations[i].pointer + "\": " + violations[i].message;
        }
        return fail(std::to_string(violations.size()) + " schema violation(s); first at \"" + first.pointer +
                        "\" (" + first.protocol_version + "): " + first.message + summary,
                    "messages valid against the " + first.protocol_version + " schema", first.offending);
      },
  });
}

}  // namespace mcp::harness::suites
