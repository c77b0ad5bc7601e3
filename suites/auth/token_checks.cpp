// Bearer tokens an attacker can produce: each must be refused with 401, never
// accepted and never answered with a 5xx. A valid token minted the same way must
// pass, so that a server refusing everything cannot pass these checks.
#include "mcp/base64.h"
#include "suites/auth/auth_support.h"
#include "suites/auth/auth_suites.h"

namespace mcp::harness::suites::auth {

using json = nlohmann::json;

namespace {

const std::set<std::string> kBearerModes = {"oauth", "signed-token"};

// A forged token for one check, or the outcome to report when it cannot be made.
using Forge = std::function<StatusOr<std::string>(MockAuthorizationServer& as, json claims)>;

Outcome refuses_forged(CheckContext& ctx, const std::string& what, const Forge& forge) {
  MintingTarget target = minting_target(ctx, kBearerModes);
  if (target.skip) return *target.skip;
  MockAuthorizationServer* as = target.as;
  auto token = forge(*as, good_claims(ctx, *as));
  if (!token.ok()) return fail("the harness could not forge " + what + ": " + token.status().message());
  return expect_unauthorized(post_initialize(ctx, bearer(*token)), what);
}

void add_forgery(Registry& registry, std::string id, Level level, std::string requirement, std::string section,
                 std::string what, Forge forge) {
  registry.add({
      .id = std::move(id),
      .level = level,
      // The spec's sentence, verbatim, then what it means for this token.
      .requirement = "\"Invalid or expired tokens MUST receive a HTTP 401 response.\" " + requirement,
      .spec_ref = spec("2025-11-25", kAuthDoc, section),
      .procedure = "POSTs initialize with " + what + " from the harness's authorization server; expects HTTP 401.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [what, forge](CheckContext& ctx) { return refuses_forged(ctx, what, forge); },
  });
}

StatusOr<std::string> mint(MockAuthorizationServer& as, const json& claims) { return as.mint(claims); }

std::string header_with(const json& header) { return base64url_encode(header.dump()); }

}  // namespace

void register_token_checks(Registry& registry) {
  registry.add({
      .id = "auth.token.valid-accepted",
      .level = Level::kMust,
      .requirement = "\"MCP servers, acting in their role as an OAuth 2.1 resource server, MUST validate access "
                     "tokens as described in OAuth 2.1 Section 5.2\": a valid token from the trusted issuer, "
                     "for this resource, is accepted (the control for every refusal check).",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Token Handling"),
.procedure = "Mints a token with each algorithm the harness's issuer publishes (--auth-alg; aud = the server's URL, "
                   "every scope) and POSTs initialize with it; expects HTTP 200.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        MintingTarget target = minting_target(ctx, kBearerModes);
        if (target.skip) return *target.skip;
        MockAuthorizationServer* as = target.as;
        std::string accepted;
        for (const std::string& alg : as->algorithms()) {
          auto token = as->mint(good_claims(ctx, *as), alg);
          if (!token.ok()) return fail(token.status().message());
          HttpReply reply = post_initialize(ctx, bearer(*token));
          if (reply.status != 200) {
            return fail("a valid " + alg + " token was refused", "HTTP 200", describe_reply(reply));
          }
          accepted += (accepted.empty() ? "" : ", ") + alg;
        }
        return pass(accepted + " tokens accepted");
      },
  });

  add_forgery(registry, "auth.token.expired", Level::kMust, "An expired token MUST be refused with HTTP 401.", "Token Handling",
              "a token that expired 10 minutes ago", [](MockAuthorizationServer& as, json claims) {
                long long now = unix_seconds();
                claims["iat"] = now - 3600;
                claims["nbf"] = now - 3600;
                claims["exp"] = now - 600;
                return mint(as, claims);
              });
  add_forgery(registry, "auth.token.not-yet-valid", Level::kMust,
              "A token whose nbf lies in the future MUST be refused with HTTP 401.", "Token Handling",
              "a token not valid for another 10 minutes (nbf)", [](MockAuthorizationServer& as, json claims) {
                long long now = unix_seconds();
                claims["nbf"] = now + 600;
                claims["exp"] = now + 1200;
                return mint(as, claims);
              });
  add_forgery(registry, "auth.token.wrong-audience", Level::kMust,
              "\"MCP servers MUST validate that access tokens were issued specifically for them as the intended audience\": "
              "a token issued for another resource is invalid here.",
              "Token Audience Binding and Validation", "a token whose aud is another server",
              [](MockAuthorizationServer& as, json claims) {
                claims["aud"] = "https://other-resource.example/mcp";
                return mint(as, claims);
              });
  add_forgery(registry, "auth.token.wrong-issuer", Level::kMust,
              "A token naming an issuer the server does not trust MUST be refused with HTTP 401.", "Token Handling",
              "a token whose iss is another authorization server", [](MockAuthorizationServer& as, json claims) {
                claims["iss"] = "https://attacker-issuer.example";
                return mint(as, claims);
              });
  add_forgery(registry, "auth.token.bad-signature", Level::kMust,
              "A token whose signature does not verify MUST be refused with HTTP 401.", "Token Handling",
              "a token with a tampered payload (the signature no longer matches)",
              [](MockAuthorizationServer& as, json claims) -> StatusOr<std::string> {
                ASSIGN_OR_RETURN(std::string token, mint(as, claims));
                claims["sub"] = "harness-admin";  // the classic edit: change who you are, keep the signature
                std::size_t first = token.find('.'), second = token.rfind('.');
                return token.substr(0, first) + "." + base64url_encode(claims.dump()) + token.substr(second);
              });
  add_forgery(registry, "auth.token.alg-none", Level::kMust,
              "An unsigned token (alg \"none\") MUST be refused with HTTP 401.", "Token Handling",
              "an unsigned token (alg: none)", [](MockAuthorizationServer& as, json claims) -> StatusOr<std::string> {
                ASSIGN_OR_RETURN(auto current, as.current_key(as.default_alg()));
                return jose::assemble_jwt({{"alg", "none"}, {"typ", "JWT"}, {"kid", current.first}}, claims, "");
              });
  add_forgery(registry, "auth.token.alg-confusion", Level::kMust,
              "A token signed with HS256 using the issuer's public key as the HMAC secret MUST be refused with HTTP 401.",
              "Token Handling", "an HS256 token keyed with the issuer's public key (algorithm confusion)",
              [](MockAuthorizationServer& as, json claims) -> StatusOr<std::string> {
                auto rsa = as.current_key(as.default_alg());
                if (!rsa.ok()) return rsa.status();
                json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", rsa->first}};
                std::string input = header_with(header) + "." + base64url_encode(claims.dump());
                return jose::assemble_jwt(header, claims, jose::hmac_sha256(rsa->second.public_pem(), input));
              });
  add_forgery(registry, "auth.token.unknown-kid", Level::kMust,
              "A token signed by a key the issuer never published MUST be refused with HTTP 401.", "Token Handling",
              "a token signed by an unpublished key (unknown kid)",
              [](MockAuthorizationServer& as, json claims) { return as.mint_with_unpublished_key(claims); });

  registry.add({
      .id = "auth.token.malformed",
      .level = Level::kMust,
      .requirement = "\"Invalid or expired tokens MUST receive a HTTP 401 response.\" A malformed bearer token "
                     "is invalid: 401, never a 5xx.",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Error Handling"),
      .procedure = "POSTs initialize with eight malformed tokens (not a JWT, bad base64url, JSON arrays, truncated, "
                   "empty parts, binary); expects 401 for each.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        MintingTarget target = minting_target(ctx, kBearerModes);
        if (target.skip) return *target.skip;
        MockAuthorizationServer* as = target.as;
        auto valid = as->mint(good_claims(ctx, *as));
        if (!valid.ok()) return fail(valid.status().message());
        const std::vector<std::pair<std::string, std::string>> tokens = {
            {"a word", "not-a-jwt"},
            {"bad base64url", "eyJ!!!.eyJ***.c2ln"},
            {"JSON arrays", base64url_encode("[]") + "." + base64url_encode("[]") + ".c2ln"},
            {"a truncated token", valid->substr(0, valid->size() / 2)},
            {"empty parts", ".."},
            {"four parts", *valid + ".extra"},
            {"binary bytes", base64url_encode(std::string("\xff\xfe\x00\x01", 4)) + ".e30.c2ln"},
            {"a non-object header", base64url_encode("\"x\"") + ".e30.c2ln"}};
        for (const auto& [what, token] : tokens) {
          Outcome outcome = expect_unauthorized(post_initialize(ctx, bearer(token)), "a malformed token (" + what + ")");
          if (outcome.verdict == Verdict::kFail) return outcome;
        }
        return pass("8 malformed tokens refused with 401");
      },
  });

  registry.add({
      .id = "auth.token.oversized",
      .level = Level::kProfile,
      .requirement = "A bearer token over the server's size cap (6 KiB sent; the profile expects a cap of 4 KiB) is "
                     "refused with a 4xx status, never accepted and never a 5xx.",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Token Handling"),
      .procedure = "Mints a correctly signed token padded to 6 KiB and POSTs initialize with it; expects 400, 401, 413 or 431.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        MintingTarget target = minting_target(ctx, kBearerModes);
        if (target.skip) return *target.skip;
        MockAuthorizationServer* as = target.as;
        json claims = good_claims(ctx, *as);
        claims["padding"] = std::string(4500, 'p');
        auto token = as->mint(claims);
        if (!token.ok()) return fail(token.status().message());
        HttpReply reply = post_initialize(ctx, bearer(*token));
        if (reply.status == 400 || reply.status == 401 || reply.status == 413 || reply.status == 431) {
          return pass("refused with " + std::to_string(reply.status));
        }
        return fail(accepted(reply) ? "a 6 KiB token was accepted: the server caps no token size"
                                    : "a 6 KiB token was not refused with a 4xx",
                    "HTTP 400, 401, 413 or 431", describe_reply(reply));
      },
  });

  registry.add({
      .id = "auth.token.query-string",
      .level = Level::kShould,
      .requirement = "\"Access tokens MUST NOT be included in the URI query string.\" The sentence binds "
                     "clients; a server that accepts a token from the query string invites the leaks it guards "
                     "against, so it should refuse one.",
      .spec_ref = spec("2025-11-25", kAuthDoc, "Access Token Usage"),
      .procedure = "POSTs initialize with a valid token in ?access_token= and no Authorization header; expects HTTP 401.",
      .transports = kHttp,
      .min_version = "2025-03-26",
      .run = [](CheckContext& ctx) -> Outcome {
        MintingTarget target = minting_target(ctx, kBearerModes);
        if (target.skip) return *target.skip;
        MockAuthorizationServer* as = target.as;
        auto token = as->mint(good_claims(ctx, *as));
        if (!token.ok()) return fail(token.status().message());
        auto url = parse_http_url(ctx.target().url);
        if (!url.ok()) return fail(url.status().message());
        return expect_unauthorized(post_initialize(ctx, {}, url->path + "?access_token=" + *token),
                                   "a valid token in the query string");
      },
  });
}

}  // namespace mcp::harness::suites::auth
