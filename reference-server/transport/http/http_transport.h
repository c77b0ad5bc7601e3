// Streamable HTTP transport, dual-era. Legacy clients (2025-03-26 .. 2025-11-25) get
// one MCP endpoint taking POST (JSON or SSE responses), GET (server-to-client SSE
// stream) and DELETE (end the session), with Mcp-Session-Id sessions and
// MCP-Protocol-Version checks (legacy_endpoint.*). Modern clients (2026-07-28) POST
// self-contained requests whose Mcp-Method / Mcp-Name / MCP-Protocol-Version headers
// must match the body (per_request_endpoint.*). Every request first passes the
// request chain (request_chain.*): Origin/Host guard, then authentication.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mcp/status.h"
#include "reference-server/auth/authenticator.h"
#include "reference-server/core/server.h"
#include "reference-server/observability/metrics_registry.h"
#include "reference-server/transport/http/origin_guard.h"
#include "reference-server/transport/http/policy.h"

namespace mcp::server {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port
  std::string path = "/mcp";
  std::vector<std::string> allowed_origins;  // besides loopback origins, which are always allowed
  std::vector<std::string> allowed_hosts;    // Host header names besides loopback ones
  std::size_t max_sessions = 10000;
  std::size_t max_sessions_per_principal = 100;  // with auth: one caller cannot take every session
  std::chrono::seconds session_idle_timeout{30 * 60};
  // Sessions opened but never used for a call end sooner, so a flood of initializes
  // cannot hold the session table for the whole idle timeout.
  std::chrono::seconds unused_session_timeout{60};
  std::size_t threads = 32;  // started up front; more as connections need them, up to max_connections
  std::size_t max_connections = 512;
  std::size_t max_connections_per_peer = 128;  // per client IP; raise it behind a reverse proxy
  std::size_t max_get_streams = 16;
  // Requests that hold a thread while they run (tools/call, subscriptions/listen, GET
  // streams) per client: the principal with auth, the peer address without.
  std::size_t max_inflight_per_client = 32;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::size_t max_header_bytes = 64 * 1024;  // request line and headers together (431 beyond)
  std::chrono::milliseconds header_timeout{10000};   // the whole head, from its first byte (408 after)
  std::chrono::milliseconds request_timeout{30000};  // head and body together
  std::size_t max_batch_items = 64;  // 2025-03-26 batches
  std::function<std::string()> metrics;  // Prometheus text served on GET /metrics, if set
  // GET /readyz answers 503 while this fails (a dependency is down; its message, a
  // short name of what is down, is shown to the prober, so details belong in the log)
  // or the server is stopping; unset: ready while serving. GET /healthz answers 200
  // while serving.
  std::function<Status()> readiness;
  // Bearer token a scraper presents for /metrics; empty: only loopback peers are served.
  std::string metrics_token;
  // Authentication for every request (null: open server). Sessions are bound to the
  // principal that opened them; tools/call is checked against the tool's scope.
  std::shared_ptr<auth::Authenticator> authenticator;
  // The spec's behaviour by default; fixtures change one field (policy.h).
  HttpPolicy policy;
};

class HttpServerTransport {
 public:
  HttpServerTransport(MessageHandler& server, HttpOptions options);
  ~HttpServerTransport();
  HttpServerTransport(const HttpServerTransport&) = delete;
  HttpServerTransport& operator=(const HttpServerTransport&) = delete;

  // Binds the listening socket; returns the port (useful with port 0).
  StatusOr<int> bind();
  // Serves until stop(); call bind() first.
  void serve();
  void stop();
  // Adds the counters of the connection guard and of every step of the request chain.
  void register_metrics(MetricsRegistry& registry) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcp::server
