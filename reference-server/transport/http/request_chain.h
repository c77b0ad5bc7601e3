// The HTTP request chain: every request to the MCP endpoint passes the Origin/Host
// guard, then authentication, before an era's endpoint admits it (legacy: session and
// MCP-Protocol-Version; modern: per-request _meta and headers). Each step owns its
// counters, bumped where it decides, and registers them with the metrics registry.
// Internal to transport/http/ (pulls in httplib.h through exchange.h).
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "reference-server/transport/http/exchange.h"

namespace mcp::server::http {

class RequestStep {
 public:
  virtual ~RequestStep() = default;
  virtual std::string_view name() const = 0;
  virtual Step on_request(Exchange& exchange) = 0;
  virtual void register_stats(MetricsRegistry& registry) const = 0;
};

class RequestChain {
 public:
  void add(std::unique_ptr<RequestStep> step) { steps_.push_back(std::move(step)); }
  // Runs the steps in order until one responds.
  Step run(Exchange& exchange) const;
  void register_stats(MetricsRegistry& registry) const;

 private:
  std::vector<std::unique_ptr<RequestStep>> steps_;
};

// DNS-rebinding protection on every route: a browser page on another origin must not
// reach a local server.
class OriginGuardStep final : public RequestStep {
 public:
  explicit OriginGuardStep(const HttpOptions& options) : options_(options) {}
  std::string_view name() const override { return "origin_guard"; }
  Step on_request(Exchange& exchange) override;
  void register_stats(MetricsRegistry& registry) const override;

 private:
  const HttpOptions& options_;
  Counter refused_origin_{0}, refused_host_{0};
};

// The caller's principal, from the headers alone, before any body is read: an
// unauthenticated caller's body is never read. Without an authenticator every caller
// is the same anonymous principal.
class AuthenticationStep final : public RequestStep {
 public:
  explicit AuthenticationStep(const HttpOptions& options) : options_(options) {}
  std::string_view name() const override { return "authentication"; }
  Step on_request(Exchange& exchange) override;
  void register_stats(MetricsRegistry& registry) const override;

 private:
  const HttpOptions& options_;
  Counter refused_{0}, ambiguous_{0};
};

// The scope check of a tools/call against its tool, with its audit line (both eras,
// and each tools/call inside a 2025-03-26 batch).
class ToolScope {
 public:
  explicit ToolScope(const HttpOptions& options) : options_(options) {}
  // kRespond with 403 when the principal may not call the tool. `audit_allowed`: write
  // the audit line of an allowed request too (single messages; batches audit refusals).
  Step check(Exchange& exchange, const jsonrpc::Message& message, bool audit_allowed = true);
  void register_stats(MetricsRegistry& registry) const;

 private:
  const HttpOptions& options_;
  Counter refused_{0};
};

}  // namespace mcp::server::http
