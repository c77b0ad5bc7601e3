// The reference server's token rules one by one, with real keys and an in-memory
// key set (the HTTP paths are covered by tests/integration/auth_test.cpp).
#include <gtest/gtest.h>

#include "mcp/base64.h"
#include "reference-server/auth/authenticator.h"

namespace mcp::server::auth {
namespace {

using json = nlohmann::json;

class StaticKeys final : public KeySet {
 public:
  explicit StaticKeys(std::map<std::string, jose::Key> keys) : keys_(std::move(keys)) {}
  StatusOr<jose::Key> key_for(const std::string& kid) override {
    auto it = keys_.find(kid);
    if (it == keys_.end()) return not_found("token key id is unknown to the issuer");
    return it->second;
  }

 private:
  std::map<std::string, jose::Key> keys_;
};

constexpr long long kNow = 1'800'000'000;

class Verifier : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = jose::Key::generate("ES256");
    ASSERT_TRUE(key.ok());
    key_ = std::make_unique<jose::Key>(*key);
    config_.mode = AuthMode::kOauth;
    config_.issuer = "https://issuer.example";
    config_.resource = "https://mcp.example/mcp";
  }
  JwtVerifier verifier() { return JwtVerifier(config_, std::make_shared<StaticKeys>(std::map<std::string, jose::Key>{{"k1", *key_}})); }
  json claims() const {
    return {{"iss", config_.issuer}, {"aud", config_.resource}, {"sub", "alice"}, {"iat", kNow}, {"exp", kNow + 300},
            {"scope", "invoices:write read"}, {"jti", "j1"}};
  }
  std::string token(const json& c) const { return *jose::encode_jwt({{"kid", "k1"}}, c, *key_); }
  std::string refusal(const json& c, long long now = kNow) {
    auto v = verifier();
    auto result = v.verify(token(c), now);
    return result.ok() ? "accepted" : result.status().message();
  }

  AuthConfig config_;
  std::unique_ptr<jose::Key> key_;
};

TEST_F(Verifier, AcceptsAValidTokenAndReadsItsScopes) {
  auto v = verifier();
  auto principal = v.verify(token(claims()), kNow);
  ASSERT_TRUE(principal.ok()) << principal.status().message();
  EXPECT_EQ(principal->subject, "alice");
  EXPECT_EQ(principal->scopes, (std::set<std::string>{"invoices:write", "read"}));
  EXPECT_EQ(principal->expires_at, kNow + 300);
}

TEST_F(Verifier, RefusesEachBrokenClaimWithItsReason) {
  json c = claims();
  c["exp"] = kNow - 10;
  EXPECT_EQ(refusal(c), "token expired");
  c = claims();
  c.erase("exp");
  EXPECT_EQ(refusal(c), "token has no expiry");
  c = claims();
  c["nbf"] = kNow + 60;
  EXPECT_EQ(refusal(c), "token not valid yet");
  c = claims();
  c["iat"] = kNow + 60;
  EXPECT_EQ(refusal(c), "token issued in the future");
  c = claims();
  c["iss"] = "https://evil.example";
  EXPECT_EQ(refusal(c), "token issuer is not trusted");
  c = claims();
  c["aud"] = "https://other.example/mcp";
  EXPECT_EQ(refusal(c), "token audience is not this resource");
  c = claims();
  c.erase("sub");
  EXPECT_EQ(refusal(c), "token has no subject");
}

TEST_F(Verifier, AudienceMayBeAnArrayAndLeewayIsBounded) {
  json c = claims();
  c["aud"] = {"https://other.example", config_.resource};
  EXPECT_EQ(refusal(c), "accepted");
  c = claims();
  c["exp"] = kNow - config_.leeway_seconds;  // inside the leeway
  EXPECT_EQ(refusal(c), "accepted");
  c["exp"] = kNow - config_.leeway_seconds - 1;
  EXPECT_EQ(refusal(c), "token expired");
}

TEST_F(Verifier, RefusesForeignAlgorithmsKeysAndShapes) {
  auto v = verifier();
  EXPECT_EQ(v.verify(jose::assemble_jwt({{"alg", "none"}, {"kid", "k1"}}, claims(), ""), kNow).status().message(),
            "token algorithm is not accepted");
  auto other = jose::Key::generate("ES256");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(v.verify(*jose::encode_jwt({{"kid", "k2"}}, claims(), *other), kNow).status().message(),
            "token key id is unknown to the issuer");
  EXPECT_EQ(v.verify(*jose::encode_jwt({{"kid", "k1"}}, claims(), *other), kNow).status().message(),
            "signature does not verify");
  EXPECT_EQ(v.verify(std::string(5000, 'a'), kNow).status().message(), "token too large");
  EXPECT_EQ(v.verify("a.b", kNow).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(Verifier, PlatformTokensHaveCappedLifetimesAndSingleUseJtis) {
  config_.mode = AuthMode::kSignedToken;
  config_.max_lifetime_seconds = 300;
  config_.require_jti = true;
  auto v = verifier();
  EXPECT_TRUE(v.verify(token(claims()), kNow).ok());
  EXPECT_EQ(v.verify(token(claims()), kNow).status().message(), "token already used (jti replay)");
  json c = claims();
  c["jti"] = "j2";
  c["exp"] = kNow + 301;
  EXPECT_EQ(v.verify(token(c), kNow).status().message(), "token lifetime exceeds 300 s");
  c = claims();
  c.erase("jti");
  EXPECT_EQ(v.verify(token(c), kNow).status().message(), "platform token has no jti");
}

TEST_F(Verifier, RefusesCriticalHeadersAndImpossibleTimes) {
  auto v = verifier();
  // RFC 7515 §4.1.11: crit names extensions the recipient must understand; this server understands none.
  EXPECT_EQ(v.verify(*jose::encode_jwt({{"kid", "k1"}, {"crit", {"exp"}}}, claims(), *key_), kNow).status().message(),
            "token has critical header parameters this server does not process");
  // Values that overflowed a conversion to long long (undefined behaviour) or went negative.
  for (const auto& [name, value] : std::vector<std::pair<std::string, json>>{
           {"nbf", 1e20}, {"iat", 1e20}, {"exp", 1e300}, {"iat", -1e19}, {"nbf", -5}, {"exp", "soon"}}) {
    json c = claims();
    c[name] = value;
    EXPECT_EQ(refusal(c), "token claim " + name + " is not a valid time") << name << " = " << value;
  }
}

TEST_F(Verifier, ANegativeIssuedAtCannotDefeatThePlatformLifetimeCap) {
  config_.mode = AuthMode::kSignedToken;
  config_.max_lifetime_seconds = 300;
  json c = claims();
  c["iat"] = -1e19;  // exp - iat would overflow to a "short" lifetime
  EXPECT_NE(refusal(c), "accepted");
}

TEST_F(Verifier, TheBearerSchemeIsCaseInsensitive) {
  BearerAuthenticator authenticator(
      config_, std::make_shared<JwtVerifier>(config_, std::make_shared<StaticKeys>(std::map<std::string, jose::Key>{{"k1", *key_}})));
  int jti = 0;
  for (std::string scheme : {"Bearer ", "bearer ", "BEARER ", "bEaReR "}) {
    json c = claims();
    c["jti"] = "scheme-" + std::to_string(++jti);
    std::string credential = scheme + token(c);
    RequestView view{[&](const std::string& name) { return name == "Authorization" ? credential : std::string(); },
                     [](const std::string&) { return std::string(); }};
    Decision decision = authenticator.authenticate(view, kNow);
    ASSERT_TRUE(decision.principal.has_value()) << scheme << ": " << decision.refusal.reason;
    EXPECT_EQ(decision.principal->subject, "alice");
  }
}

TEST(Gateway, VerifiesSignatureAndFreshness) {
  AuthConfig config;
  config.mode = AuthMode::kGateway;
  config.gateway_secret = "0123456789abcdef0123";
  GatewayAuthenticator gateway(config);
  long long now = unix_now();
  auto request = [](std::map<std::string, std::string> headers) {
    return RequestView{[headers](const std::string& name) {
                         auto it = headers.find(name);
                         return it == headers.end() ? std::string() : it->second;
                       },
                       [](const std::string&) { return std::string(); }};
  };
  auto signed_headers = [&](const std::string& secret, long long when) {
    std::string ts = std::to_string(when);
    return std::map<std::string, std::string>{
        {"X-Gateway-Principal", "alice"}, {"X-Gateway-Scopes", "tickets:write"}, {"X-Gateway-Timestamp", ts},
        {"X-Gateway-Signature", jose::gateway_signature(secret, jose::gateway_signed_text("alice", "tickets:write", ts))}};
  };
  Decision ok = gateway.authenticate(request(signed_headers(config.gateway_secret, now)), now);
  ASSERT_TRUE(ok.principal);
  EXPECT_EQ(ok.principal->subject, "alice");
  EXPECT_EQ(ok.principal->scopes, std::set<std::string>{"tickets:write"});
  EXPECT_FALSE(gateway.authorize_tool(*ok.principal, "create_ticket_v1"));
  EXPECT_EQ(gateway.authorize_tool(*ok.principal, "create_invoice_v2")->status, 403);

  EXPECT_FALSE(gateway.authenticate(request({}), now).principal);
  EXPECT_FALSE(gateway.authenticate(request(signed_headers("another-secret-entirely", now)), now).principal);
  Decision stale = gateway.authenticate(request(signed_headers(config.gateway_secret, now - 61)), now);
  EXPECT_FALSE(stale.principal);
  EXPECT_EQ(stale.refusal.reason, "gateway assertion is stale");
}

TEST(AuthConfigFile, ParsesValidatesAndRefusesSecretsInFiles) {
  auto config = AuthConfig::from_json({{"mode", "signed-token"}, {"issuer", "https://i"}, {"tool_scopes", {{"admin_*", "admin"}}}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->max_lifetime_seconds, 300);
  EXPECT_TRUE(config->require_jti);
  EXPECT_EQ(config->scope_for_tool("admin_reset_v1"), "admin");
  EXPECT_EQ(config->scope_for_tool("create_invoice_v2"), "");
  EXPECT_FALSE(AuthConfig::from_json({{"mode", "kerberos"}}).ok());
  EXPECT_FALSE(AuthConfig::from_json({{"leeway_seconds", 3600}}).ok());
  EXPECT_FALSE(AuthConfig::from_json({{"mode", "gateway"}, {"gateway_secret", "in-a-file"}}).ok());
  EXPECT_FALSE(resolve_auth_config({{"mode", "oauth"}}, "").ok());  // no issuer
  EXPECT_FALSE(resolve_auth_config(json(), "gateway").ok());         // no secret
}

}  // namespace
}  // namespace mcp::server::auth
