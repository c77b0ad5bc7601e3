#include "reference-server/auth/key_set.h"

#include <httplib.h>

#include "mcp/json_rpc.h"
#include "reference-server/core/event_log.h"

namespace mcp::server::auth {

using json = nlohmann::json;

StatusOr<json> fetch_json(const std::string& url, std::chrono::seconds timeout) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return invalid_argument("not an absolute URL: " + url);
  std::size_t path = url.find('/', scheme + 3);
  std::string origin = url.substr(0, path);
  httplib::Client client(origin);
  client.set_connection_timeout(timeout.count(), 0);
  client.set_read_timeout(timeout.count(), 0);
  client.set_follow_location(false);
  auto response = client.Get(path == std::string::npos ? "/" : url.substr(path));
  if (!response) return unavailable("cannot fetch " + url + ": " + httplib::to_string(response.error()));
  if (response->status != 200) return unavailable("fetching " + url + " answered HTTP " + std::to_string(response->status));
  std::optional<json> body = jsonrpc::parse_untrusted(response->body);
  if (!body || !body->is_object()) return unavailable(url + " did not return a JSON object");
  return std::move(*body);
}

StatusOr<std::string> RemoteJwks::discover_jwks_uri() const {
  // RFC 8414 §3.1: the well-known segment goes between the host and any issuer path.
  std::size_t scheme = issuer_.find("://");
  std::size_t path = scheme == std::string::npos ? std::string::npos : issuer_.find('/', scheme + 3);
  std::string origin = issuer_.substr(0, path);
  std::string issuer_path = path == std::string::npos ? "" : issuer_.substr(path);
  if (issuer_path == "/") issuer_path.clear();
  for (const char* suffix : {"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"}) {
    auto metadata = fetch_json(origin + suffix + issuer_path);
    if (!metadata.ok()) continue;
    if (metadata->value("issuer", "") != issuer_) {
      return failed_precondition("authorization server metadata names issuer '" + metadata->value("issuer", "") +
                                 "', not the configured '" + issuer_ + "'");
    }
    if (!(*metadata)["jwks_uri"].is_string()) return failed_precondition("authorization server metadata has no jwks_uri");
    return (*metadata)["jwks_uri"].get<std::string>();
  }
  return unavailable("no authorization server metadata found for issuer " + issuer_);
}

StatusOr<std::map<std::string, jose::Key>> RemoteJwks::fetch_keys(std::string& jwks_uri) const {
  if (jwks_uri.empty()) {
    ASSIGN_OR_RETURN(jwks_uri, discover_jwks_uri());
  }
  ASSIGN_OR_RETURN(json document, fetch_json(jwks_uri));
  if (!document["keys"].is_array()) return unavailable("JWKS at " + jwks_uri + " has no keys array");
  std::map<std::string, jose::Key> keys;
  for (const json& jwk : document["keys"]) {
    if (!jwk.is_object() || !jwk["kid"].is_string() || (jwk.contains("use") && jsonrpc::string_member(jwk, "use") != "sig")) continue;
    auto key = jose::Key::from_jwk(jwk);
    if (!key.ok()) {
      log_event("warn", "jwks_key_skipped", {{"kid", jwk["kid"]}, {"reason", key.status().message()}});
      continue;
    }
    keys.emplace(jwk["kid"].get<std::string>(), *key);
  }
  log_event("info", "jwks_refreshed", {{"jwks_uri", jwks_uri}, {"keys", keys.size()}});
  return keys;
}

StatusOr<jose::Key> RemoteJwks::key_for(const std::string& kid) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (auto it = keys_.find(kid); it != keys_.end()) return it->second;
  // Before the first key set arrives there is nothing to serve from: wait for it.
  refreshed_.wait(lock, [this] { return fetched_ || !refreshing_; });
  if (auto it = keys_.find(kid); it != keys_.end()) return it->second;
  bool may_refresh = !refreshing_ && (!fetched_ || std::chrono::steady_clock::now() - last_refresh_ >= refresh_floor_);
  if (!may_refresh) return not_found("token key id is unknown to the issuer");
  refreshing_ = true;
  last_refresh_ = std::chrono::steady_clock::now();
  std::string jwks_uri = jwks_uri_;
  lock.unlock();
  auto fetched = fetch_keys(jwks_uri);  // seconds, perhaps: no lock held
  lock.lock();
  refreshing_ = false;
  fetched_ = true;
  refreshed_.notify_all();
  if (!fetched.ok()) {
    log_event("error", "jwks_unavailable", {{"error", fetched.status().message()}});
    if (keys_.empty()) return unavailable("the issuer's keys are unavailable");
    return not_found("token key id is unknown to the issuer");
  }
  jwks_uri_ = jwks_uri;
  keys_ = std::move(fetched).value();
  if (auto it = keys_.find(kid); it != keys_.end()) return it->second;
  return not_found("token key id is unknown to the issuer");
}

}  // namespace mcp::server::auth
