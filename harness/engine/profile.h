// A profile tells the checks a server's own conventions where MCP leaves them
// open (docs/profile.md). Defaults describe the reference server's conventions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/engine/tool_policy.h"
#include "mcp/status.h"

namespace mcp::harness {

struct VersioningProfile {
  // ECMAScript regex with two groups: the base name and the version number.
  std::string name_pattern = "^(.+)_v([0-9]+)$";
  std::string lifecycle_key = "dev.mcp-harness/lifecycle";      // in Tool._meta
  std::string deprecation_key = "dev.mcp-harness/deprecation";  // in CallToolResult._meta
  std::string retired_code = "tool_retired";                     // structuredContent.code of a retired call
};

struct LimitsProfile {
  std::string declaration_key = "dev.mcp-harness/limits";  // in the initialize result's _meta
  std::string refusal_meta_key = "dev.mcp-harness/refusal";  // the refusal, where structuredContent is absent
  // Where other servers put their refusal. Any that is set is tried before the defaults:
  std::string refusal_pointer;       // JSON pointer into the CallToolResult to the refusal object
  std::string refusal_text_pattern;  // regex on an isError result's text; group 1, if any, is retry-after seconds
  int refusal_error_code = 0;        // a JSON-RPC error with this code is a refusal (error.data: the object)
  // Declared limits for servers that do not publish them ({"rate": {"per_second", "burst"},
  // "budget": {"units", "window_seconds"}, "executions_resource"}); null = read the declaration.
  nlohmann::json declared;
  int max_calls = 400;  // the most calls one limits check may make
};

struct ObservabilityProfile {
  bool exports_traces = true;  // false: span checks skip instead of failing
  std::string correlation_key = "dev.mcp-harness/correlation-id";  // in params._meta and the result's _meta
};

struct AuthProfile {
  // Scopes granted to the clients ordinary checks use (oauth: the metadata's scopes_supported wins).
  std::string scopes = "invoices:write tickets:write";
  // A tool that needs a scope, and that scope: auth.scope.insufficient calls it without.
  std::string scoped_tool = "create_invoice_v2";
  std::string scoped_tool_scope = "invoices:write";
  int leeway_seconds = 2;        // the server's clock-skew allowance, waited out when expiry matters
  int jwks_refresh_seconds = 5;  // how long after a key rotation the server may keep refusing the new key
};

struct ToolsProfile {
  // Which tools checks may call (--call-tools overrides): "read-only", "all" or "a,b".
  ToolCallPolicy callable;
};

struct Profile {
  ToolsProfile tools;
  VersioningProfile versioning;
  LimitsProfile limits;
  ObservabilityProfile observability;
  AuthProfile auth;
};

// Reads a JSON profile; unknown keys are errors so that typos do not pass silently.
StatusOr<Profile> load_profile(const std::string& path);

}  // namespace mcp::harness
