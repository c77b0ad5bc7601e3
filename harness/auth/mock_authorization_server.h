// A real OAuth authorization server on loopback, as far as a resource server can
// see one: RFC 8414 metadata and a JWKS, with keys generated per run for the
// algorithms asked for (--auth-alg: RS256 by default, which every JOSE library
// supports; or ES256, EdDSA, or all three) and rotation on demand. The harness mints tokens with it, valid
// and forged, and points the server under test at it (docs/auth.md).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcp/jose.h"
#include "mcp/status.h"

namespace mcp::harness {

class MockAuthorizationServer {
 public:
  // `algs`: RS256, ES256, EdDSA; the first is the default for minting and rotation.
  static StatusOr<std::shared_ptr<MockAuthorizationServer>> start(std::vector<std::string> algs = {"RS256"});
  // The published algorithms, the default first.
  const std::vector<std::string>& algorithms() const { return algs_; }
  const std::string& default_alg() const { return algs_.front(); }
  ~MockAuthorizationServer();

  std::string issuer() const { return issuer_; }
  std::string jwks_uri() const { return issuer_ + "/jwks"; }
  int jwks_fetches() const { return jwks_fetches_.load(); }

  // Claims for a token the server under test should accept: iss, sub, aud, scope,
  // iat/nbf now, exp now + lifetime, a random jti.
  nlohmann::json claims(const std::string& subject, const std::string& audience, const std::string& scope,
                        long long lifetime_seconds = 600) const;
  // Signs with the published key `kid` (default: the current key for alg; alg default: default_alg()).
  StatusOr<std::string> mint(const nlohmann::json& claims, std::string alg = "", std::string kid = "");
  // Signs with a key that is not in the JWKS, under a kid the JWKS does not list,
  // embedding that key in the header as an attacker would.
  StatusOr<std::string> mint_with_unpublished_key(const nlohmann::json& claims);
  // Publishes a new key of the default algorithm and makes it the current one; returns its kid.
  StatusOr<std::string> rotate();
  // The current key for alg and its kid (for algorithm-confusion forgeries).
  StatusOr<std::pair<std::string, jose::Key>> current_key(const std::string& alg) const;

 private:
  MockAuthorizationServer() = default;
  nlohmann::json metadata() const;
  nlohmann::json jwks() const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string issuer_;
  mutable std::mutex mutex_;
  std::map<std::string, jose::Key> published_;      // kid -> key
  std::map<std::string, std::string> current_kid_;  // alg -> kid
  std::optional<jose::Key> unpublished_;
  int rotations_ = 0;
  std::vector<std::string> algs_;
  std::atomic<int> jwks_fetches_{0};
};

long long unix_seconds();

}  // namespace mcp::harness
