// Routes and wiring: every MCP route runs the request chain (guard, authentication),
// then the endpoint of the request's era. The files beside this one hold each part.
#include "reference-server/transport/http/http_transport.h"

#include "mcp/jose.h"
#include "reference-server/core/event_log.h"
#include "reference-server/transport/http/guarded_http_server.h"
#include "reference-server/transport/http/inflight_limiter.h"
#include "reference-server/transport/http/legacy_endpoint.h"
#include "reference-server/transport/http/per_request_endpoint.h"
#include "reference-server/wire/rev2026_07_28/per_request_wire.h"

namespace mcp::server {

using json = nlohmann::json;
using namespace http;

namespace {

ConnectionLimits connection_limits(const HttpOptions& options) {
  ConnectionLimits limits;
  limits.stream.max_head_bytes = options.max_header_bytes;
  limits.stream.head_timeout = options.header_timeout;
  limits.stream.message_timeout = options.request_timeout;
  limits.stream.idle_timeout = options.header_timeout;
  limits.core_threads = options.threads;
  limits.max_connections = options.max_connections;
  limits.max_connections_per_peer = options.max_connections_per_peer;
  return limits;
}

// The body, read only after the request chain and never past max_body_bytes: a
// Content-Length over it is refused unread, a chunked body as soon as it grows past
// it (httplib 0.11 caps neither for chunked bodies). nullopt after answering.
std::optional<std::string> read_bounded_body(Exchange& x, const httplib::ContentReader& read_body, std::size_t limit) {
  auto too_large = [&] {
    GuardedHttpServer::close_after_response();
    reply_error(x.res, 413, jsonrpc::kInvalidRequest, "Payload Too Large: at most " + std::to_string(limit) + " bytes");
    return std::nullopt;
  };
  if (has_header(x.req, "Content-Length") && x.req.get_header_value<uint64_t>("Content-Length") > limit) return too_large();
  std::string body;
  bool over = false;
  bool complete = read_body([&](const char* data, std::size_t length) {
    if (body.size() + length > limit) return !(over = true);
    body.append(data, length);
    return true;
  });
  if (over) return too_large();
  if (!complete) {
    GuardedHttpServer::close_after_response();
    reply_error(x.res, 400, jsonrpc::kInvalidRequest, "Bad Request: the body could not be read");
    return std::nullopt;
  }
  return body;
}

// The HTTP traceparent header continues the caller's trace unless _meta names one itself.
void adopt_traceparent(const httplib::Request& req, jsonrpc::Message& message) {
  std::string traceparent = header_value(req, "traceparent");
  if (traceparent.empty() || !message.body.contains("method")) return;
  json& meta = message.body["params"]["_meta"];
  if (!meta.is_object()) meta = json::object();
  if (!meta.contains("traceparent")) meta["traceparent"] = traceparent;
}

}  // namespace

struct HttpServerTransport::Impl {
  HttpOptions options;
  GuardedHttpServer http;
  SessionTable sessions;
  InflightLimiter inflight;
  std::atomic<bool> stopping{false};
  Context context;
  RequestChain chain;
  OriginGuardStep* guard;  // also guards /metrics and the OAuth metadata
  ToolScope tool_scope;
  LegacyEndpoint legacy;
  PerRequestEndpoint per_request;

  Impl(MessageHandler& server, HttpOptions o)
      : options(std::move(o)),
        http(connection_limits(options)),
        sessions(options),
        inflight(options.max_inflight_per_client),
        context{server, options, sessions, inflight, stopping},
        tool_scope(options),
        legacy(context, tool_scope),
        per_request(context, tool_scope) {
    auto origin_guard = std::make_unique<OriginGuardStep>(options);
    guard = origin_guard.get();
    chain.add(std::move(origin_guard));
    chain.add(std::make_unique<AuthenticationStep>(options));
  }

  // One POST that passed the chain and whose body was read within the limits.
  void post(Exchange& x, const std::string& body) {
    if (!accepts(x.req, "application/json") || !accepts(x.req, "text/event-stream")) {
      reply_error(x.res, 406, jsonrpc::kInvalidRequest, "Not Acceptable: Accept must list application/json and text/event-stream");
      return;
    }
    if (header_value(x.req, "Content-Type").rfind("application/json", 0) != 0) {
      reply_error(x.res, 415, jsonrpc::kInvalidRequest, "Unsupported Media Type: send application/json");
      return;
    }
    if (auto batch = jsonrpc::parse_batch(body)) return legacy.post_batch(x, *batch);
    jsonrpc::ParseOutcome parsed = jsonrpc::parse(body);
    if (auto* rejection = std::get_if<jsonrpc::Rejection>(&parsed)) {
      reply_json(x.res, 400, context.server.reject(*rejection), "application/json");
      return;
    }
    jsonrpc::Message message = std::get<jsonrpc::Message>(std::move(parsed));
    adopt_traceparent(x.req, message);
    std::shared_ptr<void> slot;
    if (message.is_request() && McpServer::is_long_running(message)) {
      slot = inflight.acquire(x.client);
      if (!slot) {
        reply_too_many_inflight(x.res, inflight.limit(), message.id());
        return;
      }
    }
    if (is_per_request(message) || has_modern_version_header(x.req)) return per_request.post(x, message, std::move(slot));
    legacy.post(x, message, std::move(slot));
  }

  void add_routes();
};

void HttpServerTransport::Impl::add_routes() {
  const std::string& path = options.path;
  http.Post(path, [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read_body) {
    Exchange x{req, res, {}, {}};
    if (chain.run(x) == Step::kRespond) {
      // Refused before its body was read: the connection closes after the answer, and
      // says so, so that a keep-alive client does not send its next request into it.
      res.set_header("Connection", "close");
      return GuardedHttpServer::close_after_response();
    }
    if (auto body = read_bounded_body(x, read_body, options.max_body_bytes)) post(x, *body);
  });
  http.Get(path, [this](const httplib::Request& req, httplib::Response& res) {
    Exchange x{req, res, {}, {}};
    if (chain.run(x) == Step::kRespond) return;
    if (has_modern_version_header(req)) return per_request.refuse_session_method(x);
    legacy.get(x);
  });
  http.Delete(path, [this](const httplib::Request& req, httplib::Response& res) {
    Exchange x{req, res, {}, {}};
    if (chain.run(x) == Step::kRespond) return;
    if (has_modern_version_header(req)) return per_request.refuse_session_method(x);
    legacy.remove(x);
  });

  // Probes for load balancers and orchestrators (liveness: the process serves;
  // readiness: it can do its work). They say nothing a stranger could use, so they
  // need no credentials; a failing dependency is named by kind, never by address.
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  http.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    if (stopping) {
      res.status = 503;
      res.set_content(R"({"status":"stopping"})", "application/json");
      return;
    }
    if (options.readiness) {
      if (Status ready = options.readiness(); !ready.ok()) {
        res.status = 503;
        res.set_content(json{{"status", "unavailable"}, {"reason", ready.message()}}.dump(), "application/json");
        return;
      }
    }
    res.set_content(R"({"status":"ready"})", "application/json");
  });

  if (options.metrics) {
    // Metrics name tools, principals' traffic and costs: a scraper presents the metrics
    // token, and without one configured only loopback peers are served.
    http.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
      Exchange x{req, res, {}, {}};
      if (guard->on_request(x) == Step::kRespond) return;
      const std::string& token = options.metrics_token;
      bool allowed = token.empty() ? is_loopback_address(req.remote_addr)
                                   : jose::constant_time_equal(header_value(req, "Authorization"), "Bearer " + token);
      if (!allowed) {
        res.set_header("WWW-Authenticate", "Bearer realm=\"metrics\"");
        reply_error(res, token.empty() ? 403 : 401, jsonrpc::kInvalidRequest,
                    token.empty() ? "Forbidden: /metrics is served to loopback peers or with the metrics token"
                                  : "Unauthorized: /metrics needs the metrics token");
        return;
      }
      res.set_content(options.metrics(), "text/plain; version=0.0.4");
    });
  }
  if (options.authenticator) {
    // RFC 9728 §3: at the root well-known URI and at the one suffixed with the endpoint's path.
    auto metadata = [this](const httplib::Request& req, httplib::Response& res) {
      Exchange x{req, res, {}, {}};
      if (guard->on_request(x) == Step::kRespond) return;
      auto document = options.authenticator->protected_resource_metadata();
      if (!document) {
        reply_error(res, 404, jsonrpc::kInvalidRequest, "This server does not use OAuth");
        return;
      }
      res.set_header("Cache-Control", "max-age=300");
      res.set_content(document->dump(), "application/json");
    };
    http.Get("/.well-known/oauth-protected-resource", metadata);
    http.Get("/.well-known/oauth-protected-resource" + path, metadata);
  }
}

HttpServerTransport::HttpServerTransport(MessageHandler& server, HttpOptions options)
    : impl_(std::make_unique<Impl>(server, std::move(options))) {
  impl_->http.set_tcp_nodelay(true);
  impl_->http.set_keep_alive_max_count(100000);
  impl_->http.set_payload_max_length(impl_->options.max_body_bytes);
  // An internal failure answers 500 with a generic JSON-RPC error; its text goes to the
  // server's log, not to the client (httplib would put it in an EXCEPTION_WHAT header).
  impl_->http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr failure) {
    std::string what = "unknown";
    try {
      if (failure) std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log_event("error", "http_internal_error", {{"method", req.method}, {"path", req.path}, {"what", what}});
    reply_error(res, 500, jsonrpc::kInternalError, "Internal error");
  });
  impl_->add_routes();
}

HttpServerTransport::~HttpServerTransport() { stop(); }

StatusOr<int> HttpServerTransport::bind() {
  const HttpOptions& options = impl_->options;
  int port = options.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(options.host);
    if (port <= 0) return unavailable("cannot bind to " + options.host);
  } else if (!impl_->http.bind_to_port(options.host.c_str(), port)) {
    return unavailable("cannot bind to " + options.host + ":" + std::to_string(port) + " (in use?)");
  }
  if (options.authenticator) {
    std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
    options.authenticator->bind_resource("http://" + host + ":" + std::to_string(port) + options.path);
  }
  return port;
}

void HttpServerTransport::serve() { impl_->http.listen_after_bind(); }

void HttpServerTransport::stop() {
  impl_->stopping = true;
  // Shutting down (SIGTERM) cancels what sessions still run, so that stop() does not
  // wait on long tool calls; per-request calls see their stream close (`stopping`).
  impl_->sessions.close_all();
  impl_->http.stop();
}

void HttpServerTransport::register_metrics(MetricsRegistry& registry) const {
  impl_->chain.register_stats(registry);
  impl_->sessions.register_stats(registry);
  impl_->tool_scope.register_stats(registry);
  impl_->inflight.register_stats(registry);
  impl_->legacy.register_stats(registry);
  impl_->per_request.register_stats(registry);
  const ConnectionStats& connections = impl_->http.stats();
  const char* refused = "Connections or requests the connection guard refused, by reason.";
  registry.add_counter("mcp_http_connection_refused_total", refused, "reason=\"connection_cap\"", connections.refused_connections);
  registry.add_counter("mcp_http_connection_refused_total", refused, "reason=\"head_too_large\"", connections.head_too_large);
  registry.add_counter("mcp_http_connection_refused_total", refused, "reason=\"timed_out\"", connections.timed_out);
  registry.add_reader("mcp_http_connections_open", "HTTP connections open now.", "gauge", "",
                      [&connections] { return static_cast<double>(connections.open_connections.load()); });
}

}  // namespace mcp::server
