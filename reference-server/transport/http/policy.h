// What the HTTP transport decides where the spec pins the answer down, as one value.
// The defaults are the spec's behaviour; a fixture server (fixtures/) is the reference
// transport with one field of this policy changed, so it violates exactly one rule.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mcp::server {

// An answer sent as a bare HTTP error instead of its JSON-RPC response (fixtures of
// servers that answer refusals with a raw 429).
struct RawHttpAnswer {
  int status = 200;
  std::string plain_text;   // empty: the JSON-RPC response stays the body
  std::string retry_after;  // a Retry-After header value, if any
};

struct HttpPolicy {
  // DNS-rebinding guard (every route).
  bool checks_origin = true;
  bool checks_host = true;

  // Legacy era (2025-03-26 .. 2025-11-25): sessions and the single MCP endpoint.
  bool requires_session = true;
  std::string session_id_prefix;      // prepended to minted ids; the spec wants visible ASCII only
  bool binds_sessions_to_principal = true;  // a session id is not a credential
  bool ends_sessions_on_delete = true;
  int session_deleted_status = 200;
  bool checks_protocol_version_header = true;
  // Without the header the spec has servers assume 2025-03-26, not refuse the request.
  bool requires_protocol_version_header = false;
  int accepted_status = 202;  // notifications and responses
  std::string json_content_type = "application/json";
  bool offers_get_stream = true;
  int get_refusal_status = 405;  // when no GET stream is offered
  bool streams_tool_calls = true;
  bool session_wide_event_ids = true;  // event ids unique across a session's streams, as resumption needs
  // A response to send as a bare HTTP error instead (nullopt: the JSON-RPC response, 200).
  std::function<std::optional<RawHttpAnswer>(const nlohmann::json& response)> raw_answer;

  // Modern era (2026-07-28): per-request headers checked against the body.
  bool validates_request_headers = true;    // Mcp-Method, Mcp-Name, MCP-Protocol-Version (-32020)
  bool validates_header_parameters = true;  // Mcp-Param-* of x-mcp-header arguments
  bool decodes_encoded_names = true;        // =?base64?...?= in Mcp-Name and Mcp-Param-*
  bool protocol_errors_carry_status = true; // 400/404 for protocol errors, not 200
  int per_request_get_delete_status = 405;  // no GET stream or DELETE in this era
  bool mints_per_request_session_ids = false;
};

}  // namespace mcp::server
