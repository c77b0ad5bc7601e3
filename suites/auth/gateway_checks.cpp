// Identity asserted by a gateway must be proven, and no credential the harness
// sent may come back out of the server (stderr, logs, error messages). stdio
// servers take their credentials from the environment and must check them.
#include <thread>

#include "harness/client/stdio_connection.h"
#include "mcp/base64.h"
#include "suites/auth/auth_support.h"
#include "suites/auth/auth_suites.h"

namespace mcp::harness::suites::auth {

using json = nlohmann::json;

namespace {

Outcome refuses_gateway_headers(CheckContext& ctx, const std::string& what,
                                const std::function<std::map<std::string, std::string>(const std::string& secret)>& headers) {
  AuthTarget target = auth_target(ctx, {"gateway"});
  if (target.skip) return *target.skip;
  return expect_unauthorized(post_initialize(ctx, headers(target.credentials->gateway_secret())), what);
}

// The parts of a credential that must never be echoed: a JWT's signature, or the whole value.
std::vector<std::string> secret_fragments(const std::string& credential) {
  std::size_t dot = credential.rfind('.');
  if (dot != std::string::npos && credential.size() - dot > 16) return {credential.substr(dot + 1)};
  return {credential};
}

}  // namespace

void register_gateway_checks(Registry& registry) {
  registry.add({
      .id = "auth.gateway.forged-signature",
      .level = Level::kProfile,
      .requirement = "Behind a gateway, identity headers not signed with the gateway's secret are refused with "
                     "401 (the production profile's gateway mode; the spec does not define gateway assertions).",
      .spec_ref = "docs/auth.md § gateway",
      .procedure = "POSTs initialize with gateway headers for principal 'admin' signed with a different secret; expects HTTP 401.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) {
        return refuses_gateway_headers(ctx, "identity headers signed with the wrong secret", [](const std::string&) {
          return gateway_headers(base64url_encode(jose::random_bytes(24)), "admin", "invoices:write tickets:write", unix_seconds());
        });
      },
  });

  registry.add({
      .id = "auth.gateway.stale-assertion",
      .level = Level::kProfile,
      .requirement = "Behind a gateway, a correctly signed identity assertion older than the allowed skew is "
                     "refused with 401, so captured headers cannot be replayed later (the production profile's "
                     "gateway mode).",
      .spec_ref = "docs/auth.md § gateway",
      .procedure = "POSTs initialize with gateway headers correctly signed but timestamped one hour ago; expects HTTP 401.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) {
        return refuses_gateway_headers(ctx, "a gateway assertion from an hour ago", [](const std::string& secret) {
          return gateway_headers(secret, "harness-replayed", "", unix_seconds() - 3600);
        });
      },
  });

  registry.add({
      .id = "auth.no-secrets-in-output",
      .level = Level::kMust,
      .requirement = "\"Log messages MUST NOT contain: Credentials or secrets\". Nor may anything else the "
                     "server emits: stderr logs, error messages, response bodies.",
      .spec_ref = spec("2025-11-25", "server/utilities/logging.mdx", "Security"),
      .procedure = "Sends a valid and an invalid credential, then searches the server's stderr and replies for the "
                   "tokens' signatures and the gateway secret (needs a server the harness started).",
      .transports = kAnyTransport,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        AuthTarget target = auth_target(ctx, {"oauth", "signed-token", "gateway"});
        if (target.skip) return *target.skip;
        std::vector<std::string> secrets;
        std::string output;
        if (ctx.transport() == kStdio) {
          // The stdio server got its token from the environment; use it, then read everything it wrote.
          for (const auto& [name, value] : ctx.target().env) {
            if (name == "MCP_ACCESS_TOKEN" || name == "MCP_GATEWAY_SECRET") secrets.push_back(value);
          }
          REQUIRE_OK(McpClient client, ctx.session(), "opening a session");
          (void)client.request("tools/list");
          StdioConnection* stdio = as_stdio(client);
          stdio->process().close_stdin();
          (void)stdio->process().wait_for(ctx.timeout());
          output = stdio->process().stderr_complete();
        } else {
          if (!ctx.target().launched_stderr) return skip("the harness cannot see the output of a server it did not start (use --launch)");
          HeaderSource good = target.credentials->client("harness-secret-probe", target.credentials->all_scopes);
          std::map<std::string, std::string> headers = good();
          if (target.credentials->mode() == "gateway") {
            secrets.push_back(target.credentials->gateway_secret());
            secrets.push_back(headers["X-Gateway-Signature"]);
          } else {
            secrets.push_back(headers["Authorization"].substr(7));
          }
          HttpReply ok = post_initialize(ctx, headers);
          std::map<std::string, std::string> tampered = headers;
          for (auto& [name, value] : tampered) {
            if (name == "Authorization") value += "x";
            if (name == "X-Gateway-Principal") value = "harness-tampered";
          }
          HttpReply refused = post_initialize(ctx, tampered);
          output = ok.body + "\n" + refused.body + "\n";
          for (const auto& [name, value] : refused.headers) output += name + ": " + value + "\n";
          std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let log lines reach the pipe
          output += ctx.target().launched_stderr();
        }
        for (const std::string& secret : secrets) {
          for (const std::string& fragment : secret_fragments(secret)) {
            if (fragment.size() < 12) continue;
            if (std::size_t at = output.find(fragment); at != std::string::npos) {
              std::size_t from = at > 120 ? at - 120 : 0;
              return fail("a credential the harness sent appears in the server's output", "no credentials in output",
                          "..." + output.substr(from, 240) + "...");
            }
          }
        }
        return pass("searched " + std::to_string(output.size()) + " bytes of output for " + std::to_string(secrets.size()) + " credentials");
      },
  });

  registry.add({
      .id = "auth.stdio.env-credentials",
      .level = Level::kProfile,
      .requirement = "A stdio server configured for auth takes its credentials from the environment (MCP_ACCESS_TOKEN) "
                     "and refuses to serve when they are invalid.",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Protocol Requirements"),
      .procedure = "Starts the server with an expired MCP_ACCESS_TOKEN from the harness's issuer and sends initialize; "
                   "expects an error response or the server exiting, not a session.",
      .transports = kStdio,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        MintingTarget target = minting_target(ctx, {"oauth", "signed-token"});
        if (target.skip) return *target.skip;
        MockAuthorizationServer* as = target.as;
        json claims = good_claims(ctx, *as);
        claims["exp"] = unix_seconds() - 600;
        claims["iat"] = unix_seconds() - 3600;
        REQUIRE_OK(std::string expired, as->mint(claims), "minting");
        SpawnOptions options;
        options.argv = ctx.target().command;
        for (const auto& [name, value] : ctx.target().env) {
          options.extra_env.emplace_back(name, name == "MCP_ACCESS_TOKEN" ? expired : value);
        }
        REQUIRE_OK(auto connection, StdioConnection::start(options, ctx.transcript()), "starting the server");
        McpClient client(std::move(connection), &ctx.violations(), ctx.timeout());
        auto init = client.handshake(ctx.protocol_version());
        if (init.ok()) return fail("the server served a session with an expired MCP_ACCESS_TOKEN", "no session", init->dump().substr(0, 300));
        return pass(init.status().message().substr(0, 200));
      },
  });
}

}  // namespace mcp::harness::suites::auth
