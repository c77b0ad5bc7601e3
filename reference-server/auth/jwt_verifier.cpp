#include "reference-server/auth/jwt_verifier.h"

#include <sstream>

#include "mcp/json_rpc.h"

namespace mcp::server::auth {

using json = nlohmann::json;

namespace {

Status refused(std::string reason) { return {StatusCode::kUnauthenticated, std::move(reason)}; }

// Times past this (year 33658) are not times a real issuer writes; the bound also
// keeps every conversion and subtraction below well defined (1e20 overflowed).
constexpr double kLatestTime = 1e12;

bool is_time(const json& value) {
  return value.is_number() && value.get<double>() >= 0 && value.get<double>() <= kLatestTime;
}

// Absent, or out of range (which check_time_claims refuses first): nullopt, never an overflow.
std::optional<long long> numeric_claim(const json& claims, const char* name) {
  if (!claims.contains(name) || !is_time(claims[name])) return std::nullopt;
  return static_cast<long long>(claims[name].get<double>());
}

// exp, nbf and iat, when present, are numbers of seconds in [0, kLatestTime] (RFC 7519 §2 NumericDate).
Status check_time_claims(const json& claims) {
  for (const char* name : {"exp", "nbf", "iat"}) {
    if (claims.contains(name) && !is_time(claims[name])) {
      return refused(std::string("token claim ") + name + " is not a valid time");
    }
  }
  return ok_status();
}

std::set<std::string> scopes_of(const json& claims) {
  std::set<std::string> scopes;
  if (claims.contains("scope") && claims["scope"].is_string()) {
    std::istringstream words(claims["scope"].get<std::string>());
    for (std::string word; words >> word;) scopes.insert(word);
  }
  return scopes;
}

}  // namespace

JwtVerifier::JwtVerifier(const AuthConfig& config, std::shared_ptr<KeySet> keys)
    : config_(config), keys_(std::move(keys)), audience_(config.resource) {}

void JwtVerifier::set_audience(std::string audience) {
  std::lock_guard<std::mutex> lock(mutex_);
  audience_ = std::move(audience);
}

std::string JwtVerifier::audience() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return audience_;
}

StatusOr<Principal> JwtVerifier::verify(std::string_view token, long long now) {
  if (token.size() > max_token_bytes()) return refused("token too large");
  auto decoded = jose::decode_jwt(token, max_token_bytes());
  if (!decoded.ok()) return refused("malformed token: " + decoded.status().message());
  const jose::DecodedJwt& jwt = *decoded;
  std::string alg = jsonrpc::string_member(jwt.header, "alg");
  if (!algorithm_allowed(alg)) return refused("token algorithm is not accepted");
  // RFC 7515 §4.1.11: a recipient that does not understand a critical extension MUST
  // reject the JWS; this server understands none.
  if (jwt.header.contains("crit")) return refused("token has critical header parameters this server does not process");
  auto key = key_for(jwt);
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kUnavailable) return key.status();
    return refused(key.status().message());
  }
  if (!signature_valid(jwt, *key)) return refused("signature does not verify");
  const json& claims = jwt.payload;
  RETURN_IF_ERROR(check_issuer(claims));
  RETURN_IF_ERROR(check_audience(claims));
  RETURN_IF_ERROR(check_time_claims(claims));
  RETURN_IF_ERROR(check_expiry(claims, now));
  RETURN_IF_ERROR(check_not_before(claims, now));
  RETURN_IF_ERROR(check_lifetime(claims));
  if (!claims.contains("sub") || !claims["sub"].is_string() || claims["sub"].get<std::string>().empty()) {
    return refused("token has no subject");
  }
  RETURN_IF_ERROR(check_replay(claims, now));
  return Principal{claims["sub"].get<std::string>(), scopes_of(claims), numeric_claim(claims, "exp").value_or(0)};
}

bool JwtVerifier::algorithm_allowed(const std::string& alg) const {
  return alg == "RS256" || alg == "ES256" || alg == "EdDSA";
}

StatusOr<jose::Key> JwtVerifier::key_for(const jose::DecodedJwt& jwt) {
  if (!jwt.header.contains("kid") || !jwt.header["kid"].is_string()) return refused("token header has no kid");
  return keys_->key_for(jwt.header["kid"].get<std::string>());
}

bool JwtVerifier::signature_valid(const jose::DecodedJwt& jwt, const jose::Key& key) const {
  return jose::verify(key, jsonrpc::string_member(jwt.header, "alg"), jwt.signing_input, jwt.signature);
}

Status JwtVerifier::check_issuer(const json& claims) const {
  if (claims.value("iss", json()) != json(config_.issuer)) return refused("token issuer is not trusted");
  return ok_status();
}

Status JwtVerifier::check_audience(const json& claims) const {
  // RFC 8707: the token must have been issued for this resource; aud may be a string or an array.
  std::string expected = audience();
  const json& aud = claims.contains("aud") ? claims["aud"] : json();
  bool match = aud.is_string() ? aud.get<std::string>() == expected : false;
  if (aud.is_array()) {
    for (const json& a : aud) match = match || (a.is_string() && a.get<std::string>() == expected);
  }
  if (!match) return refused("token audience is not this resource");
  return ok_status();
}

Status JwtVerifier::check_expiry(const json& claims, long long now) const {
  auto exp = numeric_claim(claims, "exp");
  if (!exp) return refused("token has no expiry");
  if (now > *exp + config_.leeway_seconds) return refused("token expired");
  return ok_status();
}

Status JwtVerifier::check_not_before(const json& claims, long long now) const {
  auto nbf = numeric_claim(claims, "nbf");
  if (nbf && now + config_.leeway_seconds < *nbf) return refused("token not valid yet");
  auto iat = numeric_claim(claims, "iat");
  if (iat && now + config_.leeway_seconds < *iat) return refused("token issued in the future");
  return ok_status();
}

Status JwtVerifier::check_lifetime(const json& claims) const {
  if (config_.max_lifetime_seconds <= 0) return ok_status();
  auto iat = numeric_claim(claims, "iat");
  auto exp = numeric_claim(claims, "exp");
  if (!iat) return refused("platform token has no iat");
  if (*exp - *iat > config_.max_lifetime_seconds) {
    return refused("token lifetime exceeds " + std::to_string(config_.max_lifetime_seconds) + " s");
  }
  return ok_status();
}

Status JwtVerifier::check_replay(const json& claims, long long now) {
  if (!config_.require_jti) return ok_status();
  if (!claims.contains("jti") || !claims["jti"].is_string()) return refused("platform token has no jti");
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = seen_jti_.begin(); it != seen_jti_.end();) {
    it = it->second + config_.leeway_seconds < now ? seen_jti_.erase(it) : std::next(it);
  }
  // Expired tokens never get here, so the cache holds at most one lifetime's worth.
  if (!seen_jti_.emplace(claims["jti"].get<std::string>(), numeric_claim(claims, "exp").value_or(now)).second) {
    return refused("token already used (jti replay)");
  }
  return ok_status();
}

}  // namespace mcp::server::auth
