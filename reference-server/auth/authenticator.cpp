#include "reference-server/auth/authenticator.h"

#include <strings.h>

#include <chrono>
#include <cstdlib>

#include "reference-server/core/event_log.h"

namespace mcp::server::auth {

using json = nlohmann::json;

StatusOr<std::string> stdio_principal(Authenticator* authenticator) {
  if (!authenticator) return std::string();
  ASSIGN_OR_RETURN(Principal principal, authenticator->authenticate_environment(unix_now()));
  return principal.subject;
}

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

json Refusal::body() const {
  json out = {{"error", error.empty() ? "invalid_token" : error}};
  if (!reason.empty()) out["error_description"] = reason;
  return out;
}

void audit(const std::string& principal, const std::string& method, const std::string& tool, bool allowed,
           const std::string& reason, const std::string& correlation_id) {
  LogLine line(allowed ? "info" : "warn", "auth_decision");
  if (!line.enabled()) return;
  line.text("principal", principal.empty() ? "unauthenticated" : principal).text("method", method);
  line.text("decision", allowed ? "allow" : "deny");
  if (!tool.empty()) line.text("tool", tool);
  if (!reason.empty()) line.text("reason", reason);
  if (!correlation_id.empty()) line.text("correlation_id", correlation_id);
  line.write();
}

namespace {

std::string origin_and_path(const std::string& url, std::string* path) {
  std::size_t scheme = url.find("://");
  std::size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  *path = slash == std::string::npos ? "" : url.substr(slash);
  return url.substr(0, slash);
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

// ---- bearer tokens (oauth, signed-token) ----

BearerAuthenticator::BearerAuthenticator(AuthConfig config, std::shared_ptr<JwtVerifier> verifier)
    : config_(std::move(config)), verifier_(std::move(verifier)), resource_(config_.resource) {}

void BearerAuthenticator::bind_resource(const std::string& url) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!resource_.empty()) return;
  resource_ = url;
  verifier_->set_audience(url);
}

std::string BearerAuthenticator::resource() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return resource_;
}

std::string BearerAuthenticator::resource_metadata_url() const {
  std::string path;
  std::string origin = origin_and_path(resource(), &path);
  return origin + "/.well-known/oauth-protected-resource" + path;
}

std::optional<json> BearerAuthenticator::protected_resource_metadata() const {
  if (!advertises_resource_metadata()) return std::nullopt;
  return json{{"resource", resource()},
              {"authorization_servers", {config_.issuer}},
              {"scopes_supported", config_.scopes_supported()},
              {"bearer_methods_supported", {"header"}},
              {"resource_name", "MCP reference server"}};
}

std::string BearerAuthenticator::token_from(const RequestView& request) const {
  // Only the Authorization header: a token in the query string ends up in access logs (RFC 6750 §2.3, MCP spec).
  std::string header = request.header("Authorization");
  // The scheme is case-insensitive (RFC 9110 §11.1): "BEARER x" is a bearer token too.
  if (header.size() > 7 && strncasecmp(header.c_str(), "Bearer ", 7) == 0) return header.substr(7);
  return "";
}

int BearerAuthenticator::refusal_status(const Status& failure) const {
  // The issuer being unreachable is our problem, not the caller's: 503, never "your token is bad".
  return failure.code() == StatusCode::kUnavailable ? 503 : 401;
}

std::string BearerAuthenticator::challenge(const std::string& error, const std::string& reason, const std::string& scope) const {
  std::string value = "Bearer";
  auto add = [&value](const std::string& name, const std::string& v) {
    value += (value == "Bearer" ? " " : ", ") + name + "=\"" + v + "\"";
  };
  if (!error.empty()) add("error", error);
  if (!reason.empty()) add("error_description", reason);
  if (!scope.empty()) add("scope", scope);
  if (advertises_resource_metadata()) add("resource_metadata", resource_metadata_url());
  return value;
}

Decision BearerAuthenticator::authenticate(const RequestView& request, long long now) {
  std::string token = token_from(request);
  std::string all_scopes = join_scopes(config_.scopes_supported());
  if (token.empty()) {
    // RFC 6750 §3.1: no error code when the request carried no credentials at all.
    return {std::nullopt, {401, challenge("", "", all_scopes), "invalid_request", "no bearer token"}};
  }
  auto principal = verifier_->verify(token, now);
  if (principal.ok()) return {*principal, {}};
  int status = refusal_status(principal.status());
  std::string reason = principal.status().message();
  return {std::nullopt, {status, status == 401 ? challenge("invalid_token", reason, "") : "", "invalid_token", reason}};
}

std::optional<Refusal> BearerAuthenticator::authorize_tool(const Principal& principal, const std::string& tool) const {
  std::string scope = config_.scope_for_tool(tool);
  if (!scope_enforced() || scope.empty() || principal.scopes.count(scope)) return std::nullopt;
  std::string reason = "calling " + tool + " needs scope " + scope;
  return Refusal{403, challenge("insufficient_scope", reason, scope), "insufficient_scope", reason};
}

StatusOr<Principal> BearerAuthenticator::authenticate_environment(long long now) {
  const char* token = std::getenv("MCP_ACCESS_TOKEN");
  if (!token || !*token) return Status(StatusCode::kUnauthenticated, "MCP_ACCESS_TOKEN is not set");
  return verifier_->verify(token, now);
}

// ---- gateway ----

bool GatewayAuthenticator::signature_valid(const std::string& signed_text, const std::string& signature) const {
  return jose::constant_time_equal(jose::gateway_signature(config_.gateway_secret, signed_text), signature);
}

bool GatewayAuthenticator::timestamp_fresh(long long timestamp, long long now) const {
  return std::llabs(now - timestamp) <= config_.gateway_max_skew_seconds;
}

Decision GatewayAuthenticator::authenticate(const RequestView& request, long long now) {
  std::string principal = request.header("X-Gateway-Principal");
  std::string scopes = request.header("X-Gateway-Scopes");
  std::string timestamp = request.header("X-Gateway-Timestamp");
  std::string signature = request.header("X-Gateway-Signature");
  auto refuse = [](std::string reason) { return Decision{std::nullopt, {401, "", "invalid_request", std::move(reason)}}; };
  if (principal.empty() || timestamp.empty() || signature.empty()) {
    return refuse("request did not come through the gateway (identity headers missing)");
  }
  char* end = nullptr;
  long long when = std::strtoll(timestamp.c_str(), &end, 10);
  if (end == timestamp.c_str() || *end != '\0') return refuse("gateway timestamp is not a number");
  if (!signature_valid(jose::gateway_signed_text(principal, scopes, timestamp), signature)) {
    return refuse("gateway signature does not verify");
  }
  if (!timestamp_fresh(when, now)) return refuse("gateway assertion is stale");
  Principal out{principal, {}, 0};
  for (std::size_t start = 0; start < scopes.size();) {
    std::size_t space = scopes.find(' ', start);
    if (space == std::string::npos) space = scopes.size();
    if (space > start) out.scopes.insert(scopes.substr(start, space - start));
    start = space + 1;
  }
  return {out, {}};
}

std::optional<Refusal> GatewayAuthenticator::authorize_tool(const Principal& principal, const std::string& tool) const {
  std::string scope = config_.scope_for_tool(tool);
  if (scope.empty() || principal.scopes.count(scope)) return std::nullopt;
  return Refusal{403, "", "insufficient_scope", "calling " + tool + " needs scope " + scope};
}

StatusOr<Principal> GatewayAuthenticator::authenticate_environment(long long) {
  return failed_precondition("gateway auth applies to HTTP only; a stdio server has no gateway in front of it");
}

StatusOr<std::shared_ptr<Authenticator>> make_authenticator(const AuthConfig& config) {
  RETURN_IF_ERROR(config.validate());
  switch (config.mode) {
    case AuthMode::kNone: return std::shared_ptr<Authenticator>();
    case AuthMode::kGateway: return std::shared_ptr<Authenticator>(std::make_shared<GatewayAuthenticator>(config));
    case AuthMode::kOauth:
    case AuthMode::kSignedToken: {
      auto keys = std::make_shared<RemoteJwks>(config.issuer, config.jwks_uri,
                                               std::chrono::seconds(config.jwks_refresh_floor_seconds));
      return std::shared_ptr<Authenticator>(
          std::make_shared<BearerAuthenticator>(config, std::make_shared<JwtVerifier>(config, keys)));
    }
  }
  return std::shared_ptr<Authenticator>();
}

}  // namespace mcp::server::auth
