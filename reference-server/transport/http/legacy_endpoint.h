// The legacy era's MCP endpoint (2025-03-26 .. 2025-11-25): POST within an
// Mcp-Session-Id session opened by initialize, JSON-RPC batches on 2025-03-26, the GET
// stream and DELETE. Admission after the request chain: session, then the
// MCP-Protocol-Version header, then the tool's scope. Internal to transport/http/.
#pragma once

#include "reference-server/transport/http/request_chain.h"
#include "reference-server/transport/http/session_table.h"

namespace mcp::server::http {

class LegacyEndpoint {
 public:
  LegacyEndpoint(Context& context, ToolScope& tool_scope) : context_(context), tool_scope_(tool_scope) {}

  void post(Exchange& exchange, const jsonrpc::Message& message, std::shared_ptr<void> slot);
  void post_batch(Exchange& exchange, const std::vector<jsonrpc::ParseOutcome>& batch);
  void get(Exchange& exchange);
  void remove(Exchange& exchange);  // DELETE
  void register_stats(MetricsRegistry& registry) const;

 private:
  // The session a request after initialize names, with an acceptable
  // MCP-Protocol-Version header; null after answering the refusal.
  std::shared_ptr<HttpSession> admit(Exchange& exchange);
  // Sends the response (or 202 without one), as JSON or as the policy's raw answer.
  void answer(Exchange& exchange, const std::optional<nlohmann::json>& response);

  Context& context_;
  ToolScope& tool_scope_;
  std::atomic<std::size_t> open_streams_{0};
  Counter version_refused_{0}, batch_too_large_{0}, get_conflict_{0}, get_streams_full_{0};
};

}  // namespace mcp::server::http
