#include "harness/auth/credentials.h"

#include <cstdlib>

#include "mcp/base64.h"

namespace mcp::harness {

namespace {

std::map<std::string, std::string> bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

class TokenCredentials final : public Credentials {
 public:
  TokenCredentials(std::string mode, std::shared_ptr<MockAuthorizationServer> as) : mode_(std::move(mode)), as_(std::move(as)) {}
  std::string mode() const override { return mode_; }
  MockAuthorizationServer* authorization_server() override { return as_.get(); }

  HeaderSource client(const std::string& subject, const std::string& scope) override {
    auto as = as_;
    std::string aud = audience;
    if (mode_ == "signed-token") {
      // Platform tokens are single-use and short-lived: a new one per request.
      return [as, subject, scope, aud] {
        auto token = as->mint(as->claims(subject, aud, scope, 60));
        return token.ok() ? bearer(*token) : std::map<std::string, std::string>{};
      };
    }
    auto token = as->mint(as->claims(subject, aud, scope, 3600));
    std::string value = token.ok() ? *token : "";
    return [value] { return bearer(value); };
  }

  EnvList server_environment(const std::string& server_audience) override {
    audience = server_audience;
    EnvList env = {{"MCP_AUTH_MODE", mode_}, {"MCP_AUTH_ISSUER", as_->issuer()}, {"MCP_AUTH_RESOURCE", server_audience}};
    // oauth servers discover the JWKS from the issuer's metadata; platform tokens come with a key URL.
    if (mode_ == "signed-token") env.emplace_back("MCP_AUTH_JWKS_URI", as_->jwks_uri());
    auto token = as_->mint(as_->claims("harness-stdio-client", server_audience, all_scopes, 3600));
    if (token.ok()) env.emplace_back("MCP_ACCESS_TOKEN", *token);
    return env;
  }

 private:
  std::string mode_;
  std::shared_ptr<MockAuthorizationServer> as_;
};

class GatewayCredentials final : public Credentials {
 public:
  // A secret from the harness's own environment drives a gateway-mode server someone else started.
  GatewayCredentials() : secret_(std::getenv("MCP_GATEWAY_SECRET") ? std::getenv("MCP_GATEWAY_SECRET")
                                                                   : base64url_encode(jose::random_bytes(24))) {}
  std::string mode() const override { return "gateway"; }
  std::string gateway_secret() const override { return secret_; }
  HeaderSource client(const std::string& subject, const std::string& scope) override {
    return [secret = secret_, subject, scope] { return gateway_headers(secret, subject, scope, unix_seconds()); };
  }
  EnvList server_environment(const std::string& server_audience) override {
    audience = server_audience;
    return {{"MCP_AUTH_MODE", "gateway"}, {"MCP_GATEWAY_SECRET", secret_}};
  }

 private:
  std::string secret_;
};

class StaticTokenCredentials final : public Credentials {
 public:
  explicit StaticTokenCredentials(std::string token) : token_(std::move(token)) {}
  std::string mode() const override { return "static"; }
  HeaderSource client(const std::string&, const std::string&) override {
    return [token = token_] { return bearer(token); };
  }
  EnvList server_environment(const std::string&) override { return {{"MCP_ACCESS_TOKEN", token_}}; }

 private:
  std::string token_;
};

}  // namespace

HeaderSource Credentials::fresh_client() { return client("harness-client-" + std::to_string(++clients_), all_scopes); }

StatusOr<std::shared_ptr<Credentials>> make_credentials(const std::string& mode, const std::string& scopes,
                                                        const std::string& algorithm) {
  std::shared_ptr<Credentials> out;
  if (mode == "gateway") {
    out = std::make_shared<GatewayCredentials>();
  } else if (mode == "oauth" || mode == "signed-token") {
    std::vector<std::string> algs = {algorithm};
    if (algorithm == "all") algs = {"RS256", "ES256", "EdDSA"};
    else if (algorithm != "RS256" && algorithm != "ES256" && algorithm != "EdDSA") {
      return invalid_argument("unknown --auth-alg '" + algorithm + "' (use RS256, ES256, EdDSA or all)");
    }
    ASSIGN_OR_RETURN(auto as, MockAuthorizationServer::start(algs));
    out = std::make_shared<TokenCredentials>(mode, as);
  } else {
    return invalid_argument("unknown --auth mode '" + mode + "' (use oauth, signed-token or gateway)");
  }
  out->all_scopes = scopes;
  return out;
}

std::shared_ptr<Credentials> static_token_credentials(const std::string& token) {
  return std::make_shared<StaticTokenCredentials>(token);
}

std::map<std::string, std::string> gateway_headers(const std::string& secret, const std::string& principal,
                                                   const std::string& scopes, long long timestamp) {
  std::string when = std::to_string(timestamp);
  return {{"X-Gateway-Principal", principal},
          {"X-Gateway-Scopes", scopes},
          {"X-Gateway-Timestamp", when},
          {"X-Gateway-Signature", jose::gateway_signature(secret, jose::gateway_signed_text(principal, scopes, when))}};
}

}  // namespace mcp::harness
