// The modern era's MCP endpoint (2026-07-28): self-contained POSTs, no session. After
// the request chain, admission checks the required _meta fields (HTTP 400), then that
// Mcp-Method / Mcp-Name / MCP-Protocol-Version and the Mcp-Param-* headers agree with
// the body (-32020), then the tool's scope. Protocol errors travel with their HTTP
// status. Internal to transport/http/.
#pragma once

#include "reference-server/transport/http/request_chain.h"
#include "reference-server/transport/http/session_table.h"

namespace mcp::server::http {

class PerRequestEndpoint {
 public:
  PerRequestEndpoint(Context& context, ToolScope& tool_scope) : context_(context), tool_scope_(tool_scope) {}

  void post(Exchange& exchange, const jsonrpc::Message& message, std::shared_ptr<void> slot);
  // GET and DELETE from a modern client: this era has no stream or session to offer.
  void refuse_session_method(Exchange& exchange);
  void register_stats(MetricsRegistry& registry) const;

 private:
  Step admit(Exchange& exchange, const jsonrpc::Message& message);

  Context& context_;
  ToolScope& tool_scope_;
  Counter meta_refused_{0}, header_mismatch_{0};
};

// A modern client talking to the legacy GET stream or DELETE (no sessions there).
bool has_modern_version_header(const httplib::Request& req);

// The HTTP status a modern-era answer travels with (streamable-http.mdx "Protocol
// Version Header", "Server Validation"; basic/index.mdx "_meta").
int per_request_status(const nlohmann::json& response);

}  // namespace mcp::server::http
