// The auth filter: turns an HTTP request's credentials into a principal or a
// refusal with the right status and WWW-Authenticate challenge, and decides per
// tool whether the principal's scopes suffice. Three modes (docs/auth.md):
//   oauth         bearer JWTs from an OAuth authorization server, RFC 9728 metadata
//   signed-token  short-lived single-use platform JWTs, verified on every request
//   gateway       identity asserted by a gateway that signs it with a shared secret
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reference-server/auth/auth_config.h"
#include "reference-server/auth/jwt_verifier.h"

namespace mcp::server::auth {

// What the transport shows the authenticator of a request.
struct RequestView {
  std::function<std::string(const std::string&)> header;     // "" when absent
  std::function<std::string(const std::string&)> query_param;  // "" when absent
};

struct Refusal {
  int status = 401;
  std::string www_authenticate;  // empty: no challenge header
  std::string error;             // OAuth error code: invalid_request, invalid_token, insufficient_scope
  std::string reason;            // for error_description and the audit log; never a credential
  nlohmann::json body() const;
};

struct Decision {
  std::optional<Principal> principal;
  Refusal refusal;  // when principal is empty
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual AuthMode mode() const = 0;
  virtual Decision authenticate(const RequestView& request, long long now) = 0;
  // A 403 refusal when the principal lacks the scope `tool` needs.
  virtual std::optional<Refusal> authorize_tool(const Principal& principal, const std::string& tool) const = 0;
  // The RFC 9728 protected resource metadata document, when this mode publishes one.
  virtual std::optional<nlohmann::json> protected_resource_metadata() const { return std::nullopt; }
  // The transport reports its canonical URL once bound (used when no resource is configured).
  virtual void bind_resource(const std::string& url) { (void)url; }
  // stdio: credentials come from the environment (MCP_ACCESS_TOKEN).
  virtual StatusOr<Principal> authenticate_environment(long long now) = 0;
};

class BearerAuthenticator : public Authenticator {
 public:
  BearerAuthenticator(AuthConfig config, std::shared_ptr<JwtVerifier> verifier);
  AuthMode mode() const override { return config_.mode; }
  Decision authenticate(const RequestView& request, long long now) override;
  std::optional<Refusal> authorize_tool(const Principal& principal, const std::string& tool) const override;
  std::optional<nlohmann::json> protected_resource_metadata() const override;
  void bind_resource(const std::string& url) override;
  StatusOr<Principal> authenticate_environment(long long now) override;

  std::string resource() const;
  std::string resource_metadata_url() const;

 protected:
  // Policy points for fixtures: where the token is read from, and the challenge sent.
  virtual std::string token_from(const RequestView& request) const;
  virtual int refusal_status(const Status& failure) const;
  virtual std::string challenge(const std::string& error, const std::string& reason, const std::string& scope) const;
  virtual bool scope_enforced() const { return true; }
  // oauth: the challenge names the metadata document, which is published.
  virtual bool advertises_resource_metadata() const { return config_.mode == AuthMode::kOauth; }
  const AuthConfig& config() const { return config_; }

 private:
  AuthConfig config_;
  std::shared_ptr<JwtVerifier> verifier_;
  mutable std::mutex mutex_;
  std::string resource_;
};

class GatewayAuthenticator : public Authenticator {
 public:
  explicit GatewayAuthenticator(AuthConfig config) : config_(std::move(config)) {}
  AuthMode mode() const override { return AuthMode::kGateway; }
  Decision authenticate(const RequestView& request, long long now) override;
  std::optional<Refusal> authorize_tool(const Principal& principal, const std::string& tool) const override;
  StatusOr<Principal> authenticate_environment(long long now) override;

 protected:
  virtual bool signature_valid(const std::string& signed_text, const std::string& signature) const;
  virtual bool timestamp_fresh(long long timestamp, long long now) const;

 private:
  AuthConfig config_;
};

StatusOr<std::shared_ptr<Authenticator>> make_authenticator(const AuthConfig& config);

// One structured audit line per decision (principal, method, tool, decision,
// reason, correlation id); credentials never appear in it.
void audit(const std::string& principal, const std::string& method, const std::string& tool, bool allowed,
           const std::string& reason, const std::string& correlation_id);

long long unix_now();

// stdio: the principal the environment's credentials name, checked once at start
// ("" when auth is off); an error means the server must not serve.
StatusOr<std::string> stdio_principal(Authenticator* authenticator);

}  // namespace mcp::server::auth
