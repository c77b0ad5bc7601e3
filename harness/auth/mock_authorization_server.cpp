#include "harness/auth/mock_authorization_server.h"

#include <httplib.h>

#include <chrono>
#include <thread>

#include "mcp/base64.h"

namespace mcp::harness {

using json = nlohmann::json;

long long unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct MockAuthorizationServer::Impl {
  httplib::Server http;
  std::thread thread;
};

namespace {
std::string kid_prefix(const std::string& alg) { return alg == "RS256" ? "rs" : alg == "ES256" ? "es" : "ed"; }
}  // namespace

StatusOr<std::shared_ptr<MockAuthorizationServer>> MockAuthorizationServer::start(std::vector<std::string> algs) {
  std::shared_ptr<MockAuthorizationServer> as(new MockAuthorizationServer());
  if (algs.empty()) return invalid_argument("the mock authorization server needs at least one algorithm");
  as->algs_ = algs;
  for (const std::string& alg : algs) {
    if (alg != "RS256" && alg != "ES256" && alg != "EdDSA") return invalid_argument("unknown JWS algorithm " + alg);
    ASSIGN_OR_RETURN(jose::Key key, jose::Key::generate(alg));
    std::string kid = kid_prefix(alg) + "-1";
    as->published_.emplace(kid, key);
    as->current_kid_[alg] = kid;
  }
  as->impl_ = std::make_unique<Impl>();
  httplib::Server& http = as->impl_->http;
  http.set_tcp_nodelay(true);
  MockAuthorizationServer* self = as.get();
  http.Get("/.well-known/oauth-authorization-server", [self](const httplib::Request&, httplib::Response& res) {
    res.set_content(self->metadata().dump(), "application/json");
  });
  http.Get("/jwks", [self](const httplib::Request&, httplib::Response& res) {
    ++self->jwks_fetches_;
    res.set_content(self->jwks().dump(), "application/json");
  });
  // Present so that clients following the metadata find them; the harness never runs an authorization flow.
  http.Get("/authorize", [](const httplib::Request&, httplib::Response& res) { res.status = 400; });
  http.Post("/token", [](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content(R"({"error":"unsupported_grant_type"})", "application/json");
  });
  int port = http.bind_to_any_port("127.0.0.1");
  if (port <= 0) return unavailable("the mock authorization server cannot bind a loopback port");
  as->issuer_ = "http://127.0.0.1:" + std::to_string(port);
  as->impl_->thread = std::thread([self] { self->impl_->http.listen_after_bind(); });
  for (int i = 0; i < 200 && !http.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return as;
}

MockAuthorizationServer::~MockAuthorizationServer() {
  if (!impl_) return;
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

json MockAuthorizationServer::metadata() const {
  return {{"issuer", issuer_},
          {"authorization_endpoint", issuer_ + "/authorize"},
          {"token_endpoint", issuer_ + "/token"},
          {"jwks_uri", jwks_uri()},
          {"response_types_supported", {"code"}},
          {"grant_types_supported", {"authorization_code", "refresh_token"}},
          {"code_challenge_methods_supported", {"S256"}},
          {"token_endpoint_auth_methods_supported", {"none"}},
          {"id_token_signing_alg_values_supported", algs_}};
}

json MockAuthorizationServer::jwks() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json keys = json::array();
  for (const auto& [kid, key] : published_) {
    json jwk = key.public_jwk();
    jwk["kid"] = kid;
    keys.push_back(jwk);
  }
  return {{"keys", keys}};
}

json MockAuthorizationServer::claims(const std::string& subject, const std::string& audience, const std::string& scope,
                                     long long lifetime_seconds) const {
  long long now = unix_seconds();
  json claims = {{"iss", issuer_}, {"sub", subject}, {"aud", audience}, {"iat", now}, {"nbf", now},
                 {"exp", now + lifetime_seconds}, {"jti", base64url_encode(jose::random_bytes(12))},
                 {"client_id", "mcp-harness"}};
  if (!scope.empty()) claims["scope"] = scope;
  return claims;
}

StatusOr<std::string> MockAuthorizationServer::mint(const json& claims, std::string alg, std::string kid) {
  std::optional<jose::Key> key;
  if (alg.empty()) alg = default_alg();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (kid.empty()) kid = current_kid_[alg];
    auto it = published_.find(kid);
    if (it == published_.end()) return not_found("the mock authorization server has no key " + kid);
    key = it->second;
  }
  return jose::encode_jwt({{"kid", kid}, {"typ", "at+jwt"}}, claims, *key);
}

StatusOr<std::string> MockAuthorizationServer::mint_with_unpublished_key(const json& claims) {
  std::optional<jose::Key> key;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!unpublished_) {
      ASSIGN_OR_RETURN(jose::Key generated, jose::Key::generate(default_alg()));
      unpublished_ = generated;
    }
    key = unpublished_;
  }
  // The attacker also offers its key in the header (RFC 7515 "jwk"): a verifier must never trust it.
  json header = {{"kid", "not-published-" + base64url_encode(jose::random_bytes(6))}, {"typ", "at+jwt"}, {"jwk", key->public_jwk()}};
  return jose::encode_jwt(header, claims, *key);
}

StatusOr<std::string> MockAuthorizationServer::rotate() {
  ASSIGN_OR_RETURN(jose::Key key, jose::Key::generate(default_alg()));
  std::lock_guard<std::mutex> lock(mutex_);
  std::string kid = kid_prefix(default_alg()) + "-rotated-" + std::to_string(++rotations_);
  published_.emplace(kid, key);
  current_kid_[default_alg()] = kid;
  return kid;
}

StatusOr<std::pair<std::string, jose::Key>> MockAuthorizationServer::current_key(const std::string& alg) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto kid = current_kid_.find(alg);
  if (kid == current_kid_.end()) return not_found("no key for " + alg);
  return std::make_pair(kid->second, published_.at(kid->second));
}

}  // namespace mcp::harness
