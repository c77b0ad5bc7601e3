#include "suites/auth/auth_support.h"

#include "mcp/json_rpc.h"

namespace mcp::harness::suites::auth {

using json = nlohmann::json;

AuthTarget auth_target(CheckContext& ctx, const std::set<std::string>& modes) {
  Credentials* credentials = ctx.target().credentials.get();
  if (!credentials) {
    return {nullptr, skip("the run has no --auth: pass --auth oauth|signed-token|gateway (or --auth-token) to check authentication")};
  }
  if (!modes.count(credentials->mode())) {
    std::string list;
    for (const std::string& m : modes) list += (list.empty() ? "" : ", ") + m;
    return {nullptr, skip("applies to auth modes " + list + "; this run uses " + credentials->mode())};
  }
  return {credentials, std::nullopt};
}

MintingTarget minting_target(CheckContext& ctx, const std::set<std::string>& modes) {
  AuthTarget target = auth_target(ctx, modes);
  if (target.skip) return {nullptr, target.skip};
  MockAuthorizationServer* as = target.credentials->authorization_server();
  if (!as) return {nullptr, skip("needs tokens from the harness's authorization server (--auth oauth or signed-token)")};
  return {as, std::nullopt};
}

StatusOr<std::unique_ptr<HttpConnection>> bare_connection(CheckContext& ctx) {
  ASSIGN_OR_RETURN(auto connection, ctx.connect());
  auto* http = dynamic_cast<HttpConnection*>(connection.get());
  if (!http) return failed_precondition("auth checks need the HTTP transport");
  http->set_header_source(nullptr);
  (void)connection.release();
  return std::unique_ptr<HttpConnection>(http);
}

StatusOr<McpClient> session_with(CheckContext& ctx, HeaderSource headers) {
  ASSIGN_OR_RETURN(auto http, bare_connection(ctx));
  http->set_header_source(std::move(headers));
  McpClient client(std::move(http), &ctx.violations(), ctx.timeout());
  auto init = client.handshake(ctx.protocol_version());
  if (!init.ok()) return init.status();
  return client;
}

std::string initialize_body(const CheckContext& ctx) {
  return jsonrpc::serialize(jsonrpc::make_request("auth-init", "initialize", initialize_params(ctx.protocol_version())));
}

std::string ping_body(const std::string& id) { return jsonrpc::serialize(jsonrpc::make_request(id, "ping")); }

std::map<std::string, std::string> bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

HttpReply post_initialize(CheckContext& ctx, const std::map<std::string, std::string>& headers, const std::string& path) {
  auto http = bare_connection(ctx);
  if (!http.ok()) {
    HttpReply reply;
    reply.error = http.status();
    return reply;
  }
  HttpRequestSpec spec = http_request("POST", ctx.timeout(), initialize_body(ctx));
  spec.headers = headers;
  spec.path = path;
  return (*http)->exchange(spec);
}

json good_claims(CheckContext& ctx, MockAuthorizationServer& as) {
  Credentials& credentials = *ctx.target().credentials;
  return as.claims("harness-auth-check", credentials.audience, credentials.all_scopes, 300);
}

bool accepted(const HttpReply& reply) { return reply.status >= 200 && reply.status < 300; }

Outcome expect_unauthorized(const HttpReply& reply, const std::string& what) {
  if (reply.status == 401) return pass("refused with 401");
  if (accepted(reply)) return fail("the server accepted " + what, "HTTP 401", describe_reply(reply));
  if (reply.status == 0) return fail("no HTTP answer to a request with " + what, "HTTP 401", describe_reply(reply));
  return fail("the server refused " + what + " with the wrong status", "HTTP 401", describe_reply(reply));
}

}  // namespace mcp::harness::suites::auth
