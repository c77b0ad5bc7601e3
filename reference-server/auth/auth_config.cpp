#include "reference-server/auth/auth_config.h"

#include <cstdlib>
#include <set>

#include "mcp/glob.h"

namespace mcp::server::auth {

using json = nlohmann::json;

const char* mode_name(AuthMode mode) {
  switch (mode) {
    case AuthMode::kOauth: return "oauth";
    case AuthMode::kSignedToken: return "signed-token";
    case AuthMode::kGateway: return "gateway";
    case AuthMode::kNone: break;
  }
  return "none";
}

StatusOr<AuthMode> parse_mode(const std::string& name) {
  for (AuthMode mode : {AuthMode::kNone, AuthMode::kOauth, AuthMode::kSignedToken, AuthMode::kGateway}) {
    if (name == mode_name(mode)) return mode;
  }
  return invalid_argument("unknown auth mode '" + name + "' (use none, oauth, signed-token or gateway)");
}

namespace {

Status read_int(const json& object, const char* key, int& out, int min, int max) {
  if (!object.contains(key)) return ok_status();
  if (!object[key].is_number_integer() || object[key].get<long long>() < min || object[key].get<long long>() > max) {
    return invalid_argument(std::string("auth.") + key + " must be an integer from " + std::to_string(min) + " to " +
                            std::to_string(max));
  }
  out = object[key].get<int>();
  return ok_status();
}

Status read_string(const json& object, const char* key, std::string& out) {
  if (!object.contains(key)) return ok_status();
  if (!object[key].is_string()) return invalid_argument(std::string("auth.") + key + " must be a string");
  out = object[key].get<std::string>();
  return ok_status();
}

void apply_mode_defaults(AuthConfig& config) {
  if (config.mode == AuthMode::kSignedToken) {
    if (config.max_lifetime_seconds == 0) config.max_lifetime_seconds = 300;
    config.require_jti = true;
  }
}

}  // namespace

StatusOr<AuthConfig> AuthConfig::from_json(const json& object) {
  AuthConfig config;
  if (object.is_null()) return config;
  if (!object.is_object()) return invalid_argument("auth must be an object");
  std::string mode = "none";
  RETURN_IF_ERROR(read_string(object, "mode", mode));
  ASSIGN_OR_RETURN(config.mode, parse_mode(mode));
  RETURN_IF_ERROR(read_string(object, "issuer", config.issuer));
  RETURN_IF_ERROR(read_string(object, "jwks_uri", config.jwks_uri));
  RETURN_IF_ERROR(read_string(object, "resource", config.resource));
  RETURN_IF_ERROR(read_int(object, "leeway_seconds", config.leeway_seconds, 0, 60));
  RETURN_IF_ERROR(read_int(object, "max_lifetime_seconds", config.max_lifetime_seconds, 0, 86400));
  RETURN_IF_ERROR(read_int(object, "jwks_refresh_floor_seconds", config.jwks_refresh_floor_seconds, 0, 3600));
  RETURN_IF_ERROR(read_int(object, "gateway_max_skew_seconds", config.gateway_max_skew_seconds, 1, 600));
  if (object.contains("require_jti")) {
    if (!object["require_jti"].is_boolean()) return invalid_argument("auth.require_jti must be true or false");
    config.require_jti = object["require_jti"].get<bool>();
  }
  if (object.contains("tool_scopes")) {
    const json& scopes = object["tool_scopes"];
    if (!scopes.is_object()) return invalid_argument("auth.tool_scopes must map tool globs to scopes");
    config.tool_scopes.clear();
    for (const auto& [glob, scope] : scopes.items()) {
      if (!scope.is_string()) return invalid_argument("auth.tool_scopes." + glob + " must be a scope string");
      config.tool_scopes[glob] = scope.get<std::string>();
    }
  }
  bool jti_given = object.contains("require_jti");
  bool jti = config.require_jti;
  apply_mode_defaults(config);
  if (jti_given) config.require_jti = jti;
  // The secret belongs in the environment, not in a file that gets committed.
  if (object.contains("gateway_secret")) return invalid_argument("auth.gateway_secret is read from MCP_GATEWAY_SECRET only");
  return config;
}

Status AuthConfig::apply_environment() {
  auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  if (std::string mode = env("MCP_AUTH_MODE"); !mode.empty()) {
    ASSIGN_OR_RETURN(AuthMode parsed, parse_mode(mode));
    if (parsed != this->mode) {
      this->mode = parsed;
      apply_mode_defaults(*this);
    }
  }
  if (std::string v = env("MCP_AUTH_ISSUER"); !v.empty()) issuer = v;
  if (std::string v = env("MCP_AUTH_JWKS_URI"); !v.empty()) jwks_uri = v;
  if (std::string v = env("MCP_AUTH_RESOURCE"); !v.empty()) resource = v;
  if (std::string v = env("MCP_GATEWAY_SECRET"); !v.empty()) gateway_secret = v;
  return ok_status();
}

StatusOr<AuthConfig> resolve_auth_config(const json& file_section, const std::string& mode_flag) {
  ASSIGN_OR_RETURN(AuthConfig config, AuthConfig::from_json(file_section));
  RETURN_IF_ERROR(config.apply_environment());
  if (!mode_flag.empty()) {
    ASSIGN_OR_RETURN(AuthMode mode, parse_mode(mode_flag));
    if (mode != config.mode) {
      config.mode = mode;
      apply_mode_defaults(config);
    }
  }
  RETURN_IF_ERROR(config.validate());
  return config;
}

Status AuthConfig::validate() const {
  switch (mode) {
    case AuthMode::kNone: return ok_status();
    case AuthMode::kOauth:
    case AuthMode::kSignedToken:
      if (issuer.empty()) return invalid_argument(std::string(mode_name(mode)) + " auth needs an issuer (auth.issuer or MCP_AUTH_ISSUER)");
      return ok_status();
    case AuthMode::kGateway:
      if (gateway_secret.size() < 16) return invalid_argument("gateway auth needs MCP_GATEWAY_SECRET of at least 16 characters");
      return ok_status();
  }
  return ok_status();
}

std::vector<std::string> AuthConfig::scopes_supported() const {
  std::set<std::string> scopes;
  for (const auto& [glob, scope] : tool_scopes) scopes.insert(scope);
  return {scopes.begin(), scopes.end()};
}

std::string AuthConfig::scope_for_tool(const std::string& tool) const {
  for (const auto& [glob, scope] : tool_scopes) {
    if (glob_match(glob, tool)) return scope;
  }
  return "";
}

}  // namespace mcp::server::auth
