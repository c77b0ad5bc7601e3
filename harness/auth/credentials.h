// How the harness authenticates to a server under test, per --auth mode:
//   oauth         a bearer JWT from the mock authorization server, one per client
//   signed-token  a fresh single-use platform JWT for every request
//   gateway       identity headers signed with the gateway secret, fresh per request
//   static        a token the user supplied (--auth-token) for a server trusting another issuer
// Each client gets its own principal, so checks do not share per-principal state.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/auth/mock_authorization_server.h"
#include "harness/client/http_connection.h"

namespace mcp::harness {

using EnvList = std::vector<std::pair<std::string, std::string>>;

class Credentials {
 public:
  virtual ~Credentials() = default;
  virtual std::string mode() const = 0;
  // Headers for every request of one client acting as `subject` with `scope`.
  virtual HeaderSource client(const std::string& subject, const std::string& scope) = 0;
  // A client with a fresh principal and every scope: what ordinary checks use.
  HeaderSource fresh_client();
  // Environment for a server the harness starts: where to find the issuer, its own
  // audience, the gateway secret, and (stdio) the credentials themselves.
  virtual EnvList server_environment(const std::string& audience) = 0;
  // The authorization server the harness controls; null when tokens come from elsewhere.
  virtual MockAuthorizationServer* authorization_server() { return nullptr; }
  // The gateway secret (gateway mode only).
  virtual std::string gateway_secret() const { return ""; }
  // Every scope the harness grants ordinary clients.
  std::string all_scopes;
  std::string audience;

 private:
  std::atomic<int> clients_{0};
};

// mode: oauth, signed-token, gateway. `scopes` is what ordinary clients are granted.
// `algorithm` (oauth, signed-token): what the harness's issuer signs with: RS256, ES256,
// EdDSA, or all (every token check then runs against each; valid tokens use RS256).
StatusOr<std::shared_ptr<Credentials>> make_credentials(const std::string& mode, const std::string& scopes,
                                                        const std::string& algorithm = "RS256");
std::shared_ptr<Credentials> static_token_credentials(const std::string& token);

// The gateway's headers for one request.
std::map<std::string, std::string> gateway_headers(const std::string& secret, const std::string& principal,
                                                   const std::string& scopes, long long timestamp);

}  // namespace mcp::harness
