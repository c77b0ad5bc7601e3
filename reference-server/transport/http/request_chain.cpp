#include "reference-server/transport/http/request_chain.h"

#include "mcp/json_rpc.h"
#include "reference-server/transport/http/guarded_http_server.h"

namespace mcp::server::http {

Step RequestChain::run(Exchange& exchange) const {
  for (const auto& step : steps_) {
    if (step->on_request(exchange) == Step::kRespond) return Step::kRespond;
  }
  return Step::kContinue;
}

void RequestChain::register_stats(MetricsRegistry& registry) const {
  for (const auto& step : steps_) step->register_stats(registry);
}

Step OriginGuardStep::on_request(Exchange& x) {
  const HttpPolicy& policy = options_.policy;
  std::string origin = header_value(x.req, "Origin");
  if (policy.checks_origin && !origin.empty() && !origin_allowed(origin, options_.allowed_origins)) {
    ++refused_origin_;
    return reply_error(x.res, 403, jsonrpc::kInvalidRequest, "Forbidden: Origin " + origin + " is not allowed");
  }
  std::string host = header_value(x.req, "Host");
  if (policy.checks_host && !host_allowed(host, options_.allowed_hosts, options_.host)) {
    ++refused_host_;
    return reply_error(x.res, 403, jsonrpc::kInvalidRequest, "Forbidden: Host " + host + " is not allowed");
  }
  return Step::kContinue;
}

void OriginGuardStep::register_stats(MetricsRegistry& registry) const {
  const char* help = "HTTP requests the DNS-rebinding guard refused.";
  registry.add_counter("mcp_http_guard_refused_total", help, "header=\"origin\"", refused_origin_);
  registry.add_counter("mcp_http_guard_refused_total", help, "header=\"host\"", refused_host_);
}

namespace {

auth::RequestView view_of(const httplib::Request& req) {
  return {[&req](const std::string& name) { return header_value(req, name); },
          [&req](const std::string& name) { return req.get_param_value(name); }};
}

}  // namespace

Step AuthenticationStep::on_request(Exchange& x) {
  const auto& authenticator = options_.authenticator;
  if (authenticator && header_count(x.req, "Authorization") > 1) {
    // Proxies and servers disagree on which of two to use: refuse instead of choosing.
    ++ambiguous_;
    auth::audit("", x.req.method, "", false, "more than one Authorization header", "");
    GuardedHttpServer::close_after_response();
    return reply_error(x.res, 400, jsonrpc::kInvalidRequest, "Bad Request: more than one Authorization header");
  }
  if (authenticator) {
    auth::Decision decision = authenticator->authenticate(view_of(x.req), auth::unix_now());
    if (!decision.principal) {
      ++refused_;
      std::string method = has_header(x.req, "Mcp-Method") ? header_value(x.req, "Mcp-Method") : x.req.method;
      auth::audit("", method, "", false, decision.refusal.reason, "");
      GuardedHttpServer::close_after_response();  // the body, if any, stays unread
      return reply_refusal(x.res, decision.refusal);
    }
    x.principal = *decision.principal;
  }
  // Per-client caps key on the principal when there is one, else on the peer address
  // (every unauthenticated caller is the same empty principal).
  x.client = x.principal.subject.empty() ? "peer:" + x.req.remote_addr : "principal:" + x.principal.subject;
  return Step::kContinue;
}

void AuthenticationStep::register_stats(MetricsRegistry& registry) const {
  const char* help = "HTTP requests refused before their body was read for want of valid credentials.";
  registry.add_counter("mcp_http_auth_refused_total", help, "reason=\"credentials\"", refused_);
  registry.add_counter("mcp_http_auth_refused_total", help, "reason=\"several_authorization_headers\"", ambiguous_);
}

Step ToolScope::check(Exchange& x, const jsonrpc::Message& message, bool audit_allowed) {
  if (!options_.authenticator || !message.is_request()) return Step::kContinue;
  std::string tool = message.method() == "tools/call" ? jsonrpc::string_member(message.params(), "name") : "";
  std::optional<auth::Refusal> refusal = tool.empty() ? std::nullopt : options_.authenticator->authorize_tool(x.principal, tool);
  if (refusal || audit_allowed) {
    auth::audit(x.principal.subject, message.method(), tool, !refusal, refusal ? refusal->reason : "",
                correlation_of(message.body));
  }
  if (!refusal) return Step::kContinue;
  ++refused_;
  return reply_refusal(x.res, *refusal);
}

void ToolScope::register_stats(MetricsRegistry& registry) const {
  registry.add_counter("mcp_http_tool_scope_refused_total", "tools/call requests refused for want of the tool's scope.",
                       "", refused_);
}

}  // namespace mcp::server::http
