// What a client without credentials is told (401 and its challenge), the protected
// resource metadata, scopes per tool, sessions bound to their principal, expiry
// enforced on every request, and the platform-token rules of signed-token mode.
#include <thread>

#include "mcp/json_rpc.h"
#include "suites/auth/auth_support.h"
#include "suites/auth/auth_suites.h"

namespace mcp::harness::suites::auth {

using json = nlohmann::json;

namespace {

const std::set<std::string> kAllModes = {"oauth", "signed-token", "gateway"};
const std::set<std::string> kBearerModes = {"oauth", "signed-token"};

// The value of auth-param `name` in a WWW-Authenticate header ("" when absent).
std::string auth_param(const std::string& header, const std::string& name) {
  std::size_t at = 0;
  while ((at = header.find(name + "=", at)) != std::string::npos) {
    bool boundary = at == 0 || header[at - 1] == ' ' || header[at - 1] == ',';
    at += name.size() + 1;
    if (!boundary) continue;
    if (at < header.size() && header[at] == '"') {
      std::size_t end = header.find('"', at + 1);
      return header.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
    }
    std::size_t end = header.find_first_of(", ", at);
    return header.substr(at, end == std::string::npos ? std::string::npos : end - at);
  }
  return "";
}

std::string canonical(std::string uri) {
  std::size_t scheme = uri.find("://");
  std::size_t path = scheme == std::string::npos ? std::string::npos : uri.find('/', scheme + 3);
  for (std::size_t i = 0; i < std::min(path, uri.size()); ++i) uri[i] = static_cast<char>(std::tolower(uri[i]));
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  return uri;
}

// GET a path on the server under test (no credentials: metadata is public).
HttpReply get_public(CheckContext& ctx, const std::string& path_or_url) {
  auto http = bare_connection(ctx);
  if (!http.ok()) {
    HttpReply reply;
    reply.error = http.status();
    return reply;
  }
  std::string path = path_or_url;
  if (auto scheme = path.find("://"); scheme != std::string::npos) {
    std::size_t slash = path.find('/', scheme + 3);
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  HttpRequestSpec spec = http_request("GET", ctx.timeout());
  spec.with_session = false;
  spec.headers = {{"Accept", "application/json"}};
  spec.path = path;
  return (*http)->exchange(spec);
}

// A request as the client sends it (per-request _meta and headers in the modern era).
HttpReply post_on(McpClient& client, const std::string& id, const std::string& method, json params = json::object()) {
  return as_http(client)->exchange(client_request(client, id, method, std::move(params)));
}

std::string well_known_path(CheckContext& ctx, bool suffixed) {
  auto url = parse_http_url(ctx.target().url);
  std::string path = url.ok() ? url->path : "/mcp";
  return "/.well-known/oauth-protected-resource" + (suffixed && path != "/" ? path : "");
}

}  // namespace

void register_session_checks(Registry& registry) {
  registry.add({
      .id = "auth.unauthenticated.401",
      .level = Level::kMust,
      .requirement = "\"Servers MUST return appropriate HTTP status codes for authorization errors\": 401 "
                     "Unauthorized for \"Authorization required or token invalid\". A request without "
                     "credentials (or, behind a gateway, without the gateway's assertion) is refused with 401.",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Error Handling"),
      .procedure = "POSTs initialize with no Authorization or gateway headers; expects HTTP 401.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        AuthTarget target = auth_target(ctx, kAllModes);
        if (target.skip) return *target.skip;
        return expect_unauthorized(post_initialize(ctx, {}), "a request without credentials");
      },
  });

  registry.add({
      .id = "auth.unauthenticated.challenge",
      .level = Level::kMust,
      .requirement = "\"The server generating a 401 response MUST send a WWW-Authenticate header field "
                     "containing at least one challenge applicable to the target resource\" (RFC 9110 § "
                     "15.5.2), with the Bearer scheme (RFC 6750 § 3).",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Protected Resource Metadata Discovery Requirements"),
      .procedure = "POSTs initialize without credentials and inspects the WWW-Authenticate header of the 401.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        AuthTarget target = auth_target(ctx, kBearerModes);
        if (target.skip) return *target.skip;
        HttpReply reply = post_initialize(ctx, {});
        if (reply.status != 401) return fail("no 401 to challenge with", "HTTP 401", describe_reply(reply));
        std::string challenge = reply.header("www-authenticate");
        if (challenge.empty()) return fail("the 401 has no WWW-Authenticate header", "WWW-Authenticate: Bearer ...", describe_reply(reply));
        std::string scheme = challenge.substr(0, challenge.find(' '));
        for (char& c : scheme) c = static_cast<char>(std::tolower(c));
        if (scheme != "bearer") return fail("the challenge does not use the Bearer scheme", "WWW-Authenticate: Bearer ...", challenge);
        return pass(challenge);
      },
  });

  registry.add({
      .id = "auth.metadata.discoverable",
      .level = Level::kMust,
      .requirement = "\"MCP servers MUST implement one of the following discovery mechanisms to provide "
                     "authorization server location information to MCP clients\": resource_metadata in the 401 "
                     "challenge, or the document at a well-known URI (path-suffixed or root).",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Protected Resource Metadata Discovery Requirements"),
      .procedure = "POSTs without credentials; follows resource_metadata if given, else GETs "
                   "/.well-known/oauth-protected-resource<path> and then the root variant; expects a JSON document.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        AuthTarget target = auth_target(ctx, {"oauth"});
        if (target.skip) return *target.skip;
        HttpReply challenge = post_initialize(ctx, {});
        std::vector<std::string> tried;
        if (std::string url = auth_param(challenge.header("www-authenticate"), "resource_metadata"); !url.empty()) tried.push_back(url);
        tried.push_back(well_known_path(ctx, true));
        tried.push_back(well_known_path(ctx, false));
        std::string seen;
        for (const std::string& where : tried) {
          HttpReply reply = get_public(ctx, where);
          json document = jsonrpc::parse_untrusted_value(reply.body);
          if (reply.status == 200 && document.is_object()) return pass("found at " + where);
          seen += where + " -> " + describe_reply(reply) + "; ";
        }
        return fail("no protected resource metadata found", "a JSON document at resource_metadata or a well-known URI", seen);
      },
  });

  registry.add({
      .id = "auth.metadata.document",
      .level = Level::kMust,
      .requirement = "\"The Protected Resource Metadata document returned by the MCP server MUST include the "
                     "authorization_servers field containing at least one authorization server\", among them "
                     "the issuer whose tokens it accepts, and names this server as resource (RFC 9728 § 2).",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Authorization Server Location"),
      .procedure = "GETs the path-suffixed well-known document (else the root one) and compares resource with the "
                   "endpoint URL and authorization_servers with the harness's issuer.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        AuthTarget target = auth_target(ctx, {"oauth"});
        if (target.skip) return *target.skip;
        HttpReply reply = get_public(ctx, well_known_path(ctx, true));
        if (reply.status != 200) reply = get_public(ctx, well_known_path(ctx, false));
        json document = jsonrpc::parse_untrusted_value(reply.body);
        if (reply.status != 200 || !document.is_object()) {
          return skip("no metadata document at the well-known URIs (auth.metadata.discoverable reports that)");
        }
        if (!document.contains("resource") || !document["resource"].is_string() ||
            canonical(document["resource"].get<std::string>()) != canonical(ctx.target().url)) {
          return fail("resource does not name this server", ctx.target().url, document.value("resource", json()).dump());
        }
        const json& servers = document.contains("authorization_servers") ? document["authorization_servers"] : json();
        if (!servers.is_array() || servers.empty()) {
          return fail("authorization_servers is missing or empty", "an array with at least one issuer", servers.dump());
        }
        MockAuthorizationServer* as = target.credentials->authorization_server();
        bool names_issuer = !as;
        for (const json& s : servers) names_issuer = names_issuer || (s.is_string() && canonical(s.get<std::string>()) == canonical(as->issuer()));
        if (!names_issuer) return fail("authorization_servers omits the issuer the server trusts", as->issuer(), servers.dump());
        return pass(document.dump().substr(0, 200));
      },
  });

  registry.add({
      .id = "auth.scope.insufficient",
      .level = Level::kShould,
      .requirement = "A call to a tool whose scope the token lacks SHOULD be refused with HTTP 403 and "
                     "WWW-Authenticate error=\"insufficient_scope\" naming the scope.",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Runtime Insufficient Scope Errors"),
      .procedure = "Opens a session as a principal with no scopes and calls the profile's scoped tool "
                   "(auth.scoped_tool, default create_invoice_v2); expects 403 before any argument validation.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        AuthTarget target = auth_target(ctx, kAllModes);
        if (target.skip) return *target.skip;
        const AuthProfile& profile = ctx.target().profile.auth;
        REQUIRE_OK(McpClient client, session_with(ctx, target.credentials->client("harness-no-scopes", "")),
                   "opening a session with a scopeless principal");
        REQUIRE_OK(ListWalk listed, walk_list(client, "tools/list", "tools"), "listing tools");
        std::optional<json> tool;
        for (const json& t : listed.items) {
          if (t.is_object() && t.value("name", "") == profile.scoped_tool) tool = t;
        }
        if (!tool) return skip("the server has no tool " + profile.scoped_tool + " (set auth.scoped_tool in the profile)");
        // Authorization comes before argument validation, so arguments the harness cannot build are sent empty.
        json arguments = example_arguments(tool->value("inputSchema", json::object())).value_or(json::object());
        HttpReply reply = post_on(client, "scope-1", "tools/call", {{"name", profile.scoped_tool}, {"arguments", arguments}});
        if (reply.status != 403) {
          return fail(accepted(reply) ? "a principal without " + profile.scoped_tool_scope + " reached " + profile.scoped_tool
                                      : "the refusal has the wrong status",
                      "HTTP 403 insufficient_scope", describe_reply(reply));
        }
        if (target.credentials->mode() != "gateway") {
          std::string challenge = reply.header("www-authenticate");
          if (auth_param(challenge, "error") != "insufficient_scope" || auth_param(challenge, "scope").find(profile.scoped_tool_scope) == std::string::npos) {
            return fail("the 403 does not say which scope is missing",
                        "WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"" + profile.scoped_tool_scope + "\"",
                        challenge.empty() ? "(no WWW-Authenticate)" : challenge);
          }
        }
        return pass();
      },
  });

  registry.add({
      .id = "auth.session.bound-to-principal",
      .level = Level::kShould,
      .requirement = "\"MCP servers SHOULD bind session IDs to user-specific information\": another principal "
                     "presenting a session id is refused.",
      .spec_ref = spec("2025-11-25", "basic/security_best_practices.mdx", "Session Hijacking"),
      .procedure = "Principal A opens a session; principal B, with valid credentials of its own, POSTs ping with A's "
                   "Mcp-Session-Id; expects 401, 403 or 404.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .max_version = kLastLegacyVersion,
      .run = [](CheckContext& ctx) -> Outcome {
        AuthTarget target = auth_target(ctx, kAllModes);
        if (target.skip) return *target.skip;
        REQUIRE_OK(McpClient victim, session_with(ctx, target.credentials->client("harness-victim", target.credentials->all_scopes)),
                   "opening the victim's session");
        auto id = as_http(victim)->session_id();
        if (!id) return skip("the server issues no session ids over HTTP");
        REQUIRE_OK(auto attacker, bare_connection(ctx), "connecting as the attacker");
        attacker->set_header_source(target.credentials->client("harness-attacker", target.credentials->all_scopes));
        attacker->set_session_id(*id);
        HttpReply reply = attacker->exchange(http_request("POST", ctx.timeout(), ping_body("hijack-1")));
        attacker->set_session_id(std::nullopt);  // do not DELETE the victim's session on the way out
        if (reply.status == 401 || reply.status == 403 || reply.status == 404) return pass("refused with " + std::to_string(reply.status));
        return fail("another principal used the session", "HTTP 401, 403 or 404", describe_reply(reply));
      },
  });

  registry.add({
      .id = "auth.token.expiry-mid-session",
      .level = Level::kMust,
      .requirement = "\"Invalid or expired tokens MUST receive a HTTP 401 response.\" Once the token that "
                     "opened a session expires, requests carrying it are refused with 401 (\"authorization MUST "
                     "be included in every HTTP request from client to server\").",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Token Handling"),
      .procedure = "Opens a session with a token valid for 2 s, sends ping (server/discover from 2026-07-28), waits until it "
                   "expired (plus the profile's leeway), sends it again with the same token; expects HTTP 401.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        MintingTarget target = minting_target(ctx, {"oauth"});
        if (target.skip) return *target.skip;
        MockAuthorizationServer* as = target.as;
        json claims = good_claims(ctx, *as);
        long long expires = unix_seconds() + 2;
        claims["exp"] = expires;
        REQUIRE_OK(std::string token, as->mint(claims), "minting");
        REQUIRE_OK(McpClient client, session_with(ctx, [token] { return bearer(token); }), "opening a session");
        HttpReply before = post_on(client, "exp-1", harmless_method(client));
        if (before.status != 200) return fail("the fresh token was not accepted", "HTTP 200", describe_reply(before));
        while (unix_seconds() <= expires + ctx.target().profile.auth.leeway_seconds) {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return expect_unauthorized(post_on(client, "exp-2", harmless_method(client)),
                                   "a request with the session's now-expired token");
      },
  });

  registry.add({
      .id = "auth.token.replay",
      .level = Level::kProfile,
      .requirement = "In signed-token mode a platform token is single-use: presenting the same jti again is refused with 401.",
      .spec_ref = "docs/auth.md § signed-token",
      .procedure = "POSTs initialize twice with one token; expects 200, then 401.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        MintingTarget target = minting_target(ctx, {"signed-token"});
        if (target.skip) return *target.skip;
        MockAuthorizationServer* as = target.as;
        REQUIRE_OK(std::string token, as->mint(good_claims(ctx, *as)), "minting");
        HttpReply first = post_initialize(ctx, bearer(token));
        if (first.status != 200) return fail("the token was refused the first time", "HTTP 200", describe_reply(first));
        return expect_unauthorized(post_initialize(ctx, bearer(token)), "a platform token used a second time");
      },
  });

  registry.add({
      .id = "auth.token.lifetime-cap",
      .level = Level::kProfile,
      .requirement = "In signed-token mode a platform token living longer than the configured cap (5 minutes by default) is refused with 401.",
      .spec_ref = "docs/auth.md § signed-token",
      .procedure = "POSTs initialize with an otherwise valid token whose exp is 24 hours after its iat; expects HTTP 401.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        MintingTarget target = minting_target(ctx, {"signed-token"});
        if (target.skip) return *target.skip;
        MockAuthorizationServer* as = target.as;
        json claims = good_claims(ctx, *as);
        claims["exp"] = claims["iat"].get<long long>() + 86400;
        REQUIRE_OK(std::string token, as->mint(claims), "minting");
        return expect_unauthorized(post_initialize(ctx, bearer(token)), "a platform token valid for 24 hours");
      },
  });

  registry.add({
      .id = "auth.jwks.rotation",
      .level = Level::kShould,
      .requirement = "After the issuer rotates its signing key, tokens signed with the new key SHOULD be accepted "
                     "(the server refetches the JWKS on an unknown kid).",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Token Handling"),
      .procedure = "Publishes a new RS256 key at the harness's JWKS, mints with it and POSTs initialize, retrying for "
                   "the profile's auth.jwks_refresh_seconds; expects HTTP 200.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        MintingTarget target = minting_target(ctx, kBearerModes);
        if (target.skip) return *target.skip;
        MockAuthorizationServer* as = target.as;
        REQUIRE_OK(std::string kid, as->rotate(), "rotating the key");
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(ctx.target().profile.auth.jwks_refresh_seconds);
        HttpReply reply;
        do {
          REQUIRE_OK(std::string token, as->mint(good_claims(ctx, *as), "RS256", kid), "minting with the new key");
          reply = post_initialize(ctx, bearer(token));
          if (reply.status == 200) return pass("new key " + kid + " accepted");
          std::this_thread::sleep_for(std::chrono::milliseconds(500));
        } while (std::chrono::steady_clock::now() < deadline);
        return fail("tokens signed with the rotated key were still refused after " +
                        std::to_string(ctx.target().profile.auth.jwks_refresh_seconds) + " s",
                    "HTTP 200", describe_reply(reply));
      },
  });
}

}  // namespace mcp::harness::suites::auth
