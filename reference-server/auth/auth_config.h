// Which of the three production auth modes the server runs in, and its settings.
// From the "auth" object of the configuration file, then the environment (the
// wiring profile the harness uses, docs/auth.md): MCP_AUTH_MODE, MCP_AUTH_ISSUER,
// MCP_AUTH_JWKS_URI, MCP_AUTH_RESOURCE, MCP_GATEWAY_SECRET.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcp/status.h"

namespace mcp::server::auth {

enum class AuthMode { kNone, kOauth, kSignedToken, kGateway };
const char* mode_name(AuthMode mode);
StatusOr<AuthMode> parse_mode(const std::string& name);

struct AuthConfig {
  AuthMode mode = AuthMode::kNone;
  // oauth and signed-token: who issues tokens and where its keys are.
  std::string issuer;
  std::string jwks_uri;  // empty: discovered from the issuer's RFC 8414 metadata
  // This server's canonical URI (RFC 8707): the audience tokens must name. Empty:
  // derived from the bound address and path when the HTTP transport starts.
  std::string resource;
  // Tool-name glob -> scope a token needs to call it. Tools matching nothing need only a valid token.
  std::map<std::string, std::string> tool_scopes = {
      {"create_invoice_*", "invoices:write"}, {"create_ticket_*", "tickets:write"}, {"update_ticket_*", "tickets:write"}};
  int leeway_seconds = 2;                 // clock skew allowed on exp / nbf / iat; capped at 60
  int max_lifetime_seconds = 0;           // signed-token: exp - iat may not exceed this (default 300)
  bool require_jti = false;               // signed-token: every token has a jti, used once
  int jwks_refresh_floor_seconds = 2;     // an unknown kid refetches the JWKS at most this often
  std::size_t max_token_bytes = 4096;
  // gateway: the shared secret the gateway signs identity headers with (never logged).
  std::string gateway_secret;
  int gateway_max_skew_seconds = 60;

  static StatusOr<AuthConfig> from_json(const nlohmann::json& object);
  // Environment variables override the file; a mode set here turns auth on.
  Status apply_environment();
  Status validate() const;
  std::vector<std::string> scopes_supported() const;
  // The scope `tool` needs, or "" when none.
  std::string scope_for_tool(const std::string& tool) const;
};

// The effective configuration: the file's "auth" section, then the environment,
// then a mode given on the command line (empty: none given).
StatusOr<AuthConfig> resolve_auth_config(const nlohmann::json& file_section, const std::string& mode_flag);

}  // namespace mcp::server::auth
