// Verifies a bearer JWT the way the MCP authorization spec requires (OAuth 2.1
// §5.2, RFC 8707 audience binding) plus the platform-token rules of signed-token
// mode (capped lifetime, single-use jti). Each rule is one protected policy point:
// the reference behaviour is the strict one, and the fixtures in fixtures/
// override a single point to show the harness catches that exact weakness.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "mcp/jose.h"
#include "reference-server/auth/auth_config.h"
#include "reference-server/auth/key_set.h"

namespace mcp::server::auth {

struct Principal {
  std::string subject;
  std::set<std::string> scopes;
  long long expires_at = 0;  // unix seconds; 0 = not bounded by a token
};

class JwtVerifier {
 public:
  JwtVerifier(const AuthConfig& config, std::shared_ptr<KeySet> keys);
  virtual ~JwtVerifier() = default;

  // The principal, or a reason fit for error_description and the audit log (never the token).
  StatusOr<Principal> verify(std::string_view token, long long now);
  void set_audience(std::string audience);

 protected:
  virtual std::size_t max_token_bytes() const { return config_.max_token_bytes; }
  virtual bool algorithm_allowed(const std::string& alg) const;
  virtual StatusOr<jose::Key> key_for(const jose::DecodedJwt& jwt);
  virtual bool signature_valid(const jose::DecodedJwt& jwt, const jose::Key& key) const;
  virtual Status check_expiry(const nlohmann::json& claims, long long now) const;
  virtual Status check_not_before(const nlohmann::json& claims, long long now) const;
  virtual Status check_issuer(const nlohmann::json& claims) const;
  virtual Status check_audience(const nlohmann::json& claims) const;
  virtual Status check_lifetime(const nlohmann::json& claims) const;
  virtual Status check_replay(const nlohmann::json& claims, long long now);

  const AuthConfig& config() const { return config_; }
  std::string audience() const;

 private:
  AuthConfig config_;
  std::shared_ptr<KeySet> keys_;
  mutable std::mutex mutex_;
  std::string audience_;
  std::map<std::string, long long> seen_jti_;  // jti -> exp, pruned as tokens expire
};

}  // namespace mcp::server::auth
