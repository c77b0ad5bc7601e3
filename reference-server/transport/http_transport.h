// Streamable HTTP transport, dual-era. Legacy clients (2025-03-26 .. 2025-11-25) get
// one MCP endpoint taking POST (JSON or SSE responses), GET (server-to-client SSE
// stream) and DELETE (end the session), with Mcp-Session-Id sessions and
// MCP-Protocol-Version checks. Modern clients (2026-07-28) POST self-contained
// requests whose Mcp-Method / Mcp-Name / MCP-Protocol-Version headers must match the
// body. Origin / Host validation against DNS rebinding guards both.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mcp/status.h"
#include "reference-server/auth/authenticator.h"
#include "reference-server/core/server.h"

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
  // Bearer token a scraper presents for /metrics; empty: only loopback peers are served.
  std::string metrics_token;
  // Authentication for every request (null: open server). Sessions are bound to the
  // principal that opened them; tools/call is checked against the tool's scope.
  std::shared_ptr<auth::Authenticator> authenticator;
};

class HttpServerTransport {
 public:
  HttpServerTransport(MessageHandler& server, HttpOptions options);
  virtual ~HttpServerTransport();
  HttpServerTransport(const HttpServerTransport&) = delete;
  HttpServerTransport& operator=(const HttpServerTransport&) = delete;

  // Binds the listening socket; returns the port (useful with port 0).
  StatusOr<int> bind();
  // Serves until stop(); call bind() first.
  void serve();
  void stop();

 protected:
  // Policy points. The reference behaviour is the spec's; the fixtures in
  // fixtures/ override single points to violate it on purpose.
  virtual bool origin_allowed(const std::string& origin) const;
  virtual bool host_allowed(const std::string& host) const;
  virtual bool protocol_version_acceptable(const std::string& header) const;
  virtual std::string new_session_id();
  virtual bool requires_session() const { return true; }
  virtual bool terminate_session(const std::string& id);
  virtual int accepted_status() const { return 202; }
  virtual std::string json_content_type() const { return "application/json"; }
  virtual bool offers_get_stream() const { return true; }
  virtual int get_refusal_status() const { return 405; }
  virtual int session_deleted_status() const { return 200; }
  virtual bool streams_tool_calls() const { return true; }
  // Without the header the spec has servers assume 2025-03-26, not refuse the request.
  virtual bool requires_protocol_version_header() const { return false; }
  // Event ids unique across every stream of a session, as resumption needs.
  virtual bool session_wide_event_ids() const { return true; }
  virtual int status_for_response(const nlohmann::json& response) const { (void)response; return 200; }
  // A plain-text body to send instead of `response`, with any extra headers (fixtures of
  // servers that answer refusals as bare HTTP errors); empty: the JSON-RPC response itself.
  struct PlainText {
    std::string body;
    std::string retry_after;  // a Retry-After header value, if any
  };
  virtual PlainText plain_text_instead(const nlohmann::json& response) const { (void)response; return {}; }
  // A session id is not a credential: only the principal that opened a session may use it.
  // Modern era: headers must agree with the body (-32020), encoded names are decoded
  // first, protocol errors carry their HTTP status, no GET/DELETE, no session ids.
  virtual bool validates_request_headers() const { return true; }
  virtual bool validates_header_parameters() const { return true; }  // Mcp-Param-* of x-mcp-header arguments
  virtual bool decodes_encoded_names() const { return true; }  // Mcp-Name and Mcp-Param-* alike
  virtual int per_request_status(const nlohmann::json& response) const;
  virtual int per_request_meta_error_status() const { return 400; }
  virtual int per_request_get_delete_status() const { return 405; }
  virtual bool mints_per_request_session_ids() const { return false; }
  virtual bool session_usable_by(const std::string& owner, const std::string& principal) const { return owner == principal; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The hostname of a Host header or an origin's authority, without port or brackets.
std::string hostname_of(const std::string& authority);
bool is_loopback_hostname(const std::string& hostname);
// A peer IP address (as the socket reports it) in 127.0.0.0/8 or ::1.
bool is_loopback_address(const std::string& ip);

}  // namespace mcp::server
