// The issuer's signing keys, fetched from its JWKS and cached. The JWKS location
// comes from configuration or from the issuer's authorization server metadata
// (RFC 8414). A token naming an unknown kid triggers a refetch (the issuer may
// have rotated), but no more often than the refresh floor, so forged kids cannot
// turn the server into a load generator against the issuer. The fetch runs outside
// the lock: requests with known kids are served from the cache meanwhile, so a
// forged kid cannot stall valid requests behind a slow issuer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "mcp/jose.h"
#include "mcp/status.h"

namespace mcp::server::auth {

class KeySet {
 public:
  virtual ~KeySet() = default;
  virtual StatusOr<jose::Key> key_for(const std::string& kid) = 0;
};

class RemoteJwks final : public KeySet {
 public:
  RemoteJwks(std::string issuer, std::string jwks_uri, std::chrono::seconds refresh_floor)
      : issuer_(std::move(issuer)), jwks_uri_(std::move(jwks_uri)), refresh_floor_(refresh_floor) {}

  StatusOr<jose::Key> key_for(const std::string& kid) override;

 private:
  // Fetches the key set without holding mutex_ (the JWKS location is discovered first when not configured).
  StatusOr<std::map<std::string, jose::Key>> fetch_keys(std::string& jwks_uri) const;
  StatusOr<std::string> discover_jwks_uri() const;

  std::string issuer_;
  std::string jwks_uri_;
  std::chrono::seconds refresh_floor_;
  std::mutex mutex_;
  std::condition_variable refreshed_;
  std::map<std::string, jose::Key> keys_;
  std::chrono::steady_clock::time_point last_refresh_{};
  bool fetched_ = false;     // a fetch has completed (keys_ may still be empty)
  bool refreshing_ = false;  // a fetch is under way on some thread
};

// GET url (http or https) and parse the body as a JSON object.
StatusOr<nlohmann::json> fetch_json(const std::string& url, std::chrono::seconds timeout = std::chrono::seconds(5));

}  // namespace mcp::server::auth
