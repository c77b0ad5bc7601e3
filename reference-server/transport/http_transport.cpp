#include "reference-server/transport/http_transport.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>

#include "mcp/jose.h"
#include "mcp/protocol_version.h"
#include "mcp/request_headers.h"
#include "mcp/sse.h"
#include "reference-server/core/event_log.h"
#include "reference-server/observability/telemetry.h"
#include "reference-server/transport/guarded_http_server.h"

namespace mcp::server {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string hostname_of(const std::string& authority) {
  std::string host = authority;
  if (auto scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
  if (auto slash = host.find('/'); slash != std::string::npos) host = host.substr(0, slash);
  // Anything after the name but a ":port" of digits leaves the whole text as the name,
  // which matches no allowed host ("[::1]evil.com" is not loopback).
  auto is_port = [](std::string_view text) {
    return !text.empty() && text.size() <= 5 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string::npos) return host;
    std::string_view rest = std::string_view(host).substr(close + 1);
    return rest.empty() || (rest.front() == ':' && is_port(rest.substr(1))) ? host.substr(0, close + 1) : host;
  }
  if (auto colon = host.rfind(':'); colon != std::string::npos) {
    return is_port(std::string_view(host).substr(colon + 1)) ? host.substr(0, colon) : host;
  }
  return host;
}

bool is_loopback_hostname(const std::string& hostname) {
  return hostname == "localhost" || hostname == "127.0.0.1" || hostname == "[::1]";
}

bool is_loopback_address(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

namespace {

// Server-to-client messages for one session's GET stream.
struct Channel {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<json> queue;
  bool stream_open = false;
  bool closed = false;
};

struct HttpSession {
  explicit HttpSession(std::string id) : session(std::move(id)) {}
  Session session;
  std::string principal;  // the authenticated subject that opened it (empty without auth)
  std::string client;     // who opened it, for per-client caps: the principal, else the peer address
  Channel channel;
  std::atomic<long long> last_used{0};
  std::atomic<bool> used{false};  // a request beyond initialize arrived
  std::atomic<unsigned long long> next_event_id{1};
};

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
}

// Messages not tied to a response stream go to the session's GET stream, if open.
class ChannelOutbound final : public Outbound {
 public:
  explicit ChannelOutbound(HttpSession& s) : s_(s) {}
  void send(const json& message) override {
    {
      std::lock_guard<std::mutex> lock(s_.channel.mutex);
      if (!s_.channel.stream_open || s_.channel.queue.size() > 1000) return;
      s_.channel.queue.push_back(message);
    }
    s_.channel.ready.notify_one();
  }

 private:
  HttpSession& s_;
};

// Whether the client of the request this thread serves has closed its connection.
bool client_gone() {
  GuardedSocketStream* stream = GuardedHttpServer::current_stream();
  return stream && stream->peer_closed();
}

class SseOutbound final : public Outbound {
 public:
  SseOutbound(httplib::DataSink& sink, HttpSession& s, bool session_wide_ids, const std::atomic<bool>& stopping)
      : sink_(sink), s_(s), session_wide_ids_(session_wide_ids), stopping_(stopping) {}
  // A client that went away shows when its socket reports the close, or when a write
  // fails, so an idle stream is also probed with an SSE comment now and then.
  bool open() const override {
    if (!writable_ || stopping_) return false;
    if (client_gone()) return writable_ = false;
    if (Clock::now() - last_write_ > std::chrono::seconds(1)) write(": keep-alive\n\n");
    return writable_;
  }
  void send(const json& message) override {
    if (!writable_) return;
    SseEvent event;
    event.id = std::to_string(session_wide_ids_ ? s_.next_event_id++ : ++stream_event_id_);
    event.has_id = true;
    event.data = jsonrpc::serialize(message);
    write(format_sse_event(event));
  }

 private:
  void write(const std::string& frame) const {
    writable_ = sink_.write(frame.data(), frame.size());
    last_write_ = Clock::now();
  }

  httplib::DataSink& sink_;
  HttpSession& s_;
  bool session_wide_ids_;
  const std::atomic<bool>& stopping_;
  unsigned long long stream_event_id_ = 0;
  mutable bool writable_ = true;
  mutable Clock::time_point last_write_ = Clock::now();
};

bool accepts(const httplib::Request& req, const std::string& type) {
  std::string accept = req.get_header_value("Accept");
  return accept.find(type) != std::string::npos || accept.find("*/*") != std::string::npos;
}

void reply_error(httplib::Response& res, int status, int code, const std::string& message, const json& id = nullptr) {
  res.status = status;
  res.set_content(jsonrpc::serialize(jsonrpc::make_error(id, code, message)), "application/json");
}

void reply_refusal(httplib::Response& res, const auth::Refusal& refusal) {
  res.status = refusal.status;
  if (!refusal.www_authenticate.empty()) res.set_header("WWW-Authenticate", refusal.www_authenticate);
  res.set_content(refusal.body().dump(), "application/json");
}

// Who a caller is for per-client caps: the principal when authenticated, else the
// peer address (every unauthenticated caller is the same empty principal).
std::string client_key(const httplib::Request& req, const auth::Principal& principal) {
  return principal.subject.empty() ? "peer:" + req.remote_addr : "principal:" + principal.subject;
}

// Requests in flight per client (tools/call, subscriptions/listen, GET streams): each
// holds a thread while it runs, so one client's cap keeps threads for the others.
class InflightLimiter {
 public:
  explicit InflightLimiter(std::size_t limit) : limit_(limit) {}
  // A slot held until the returned pointer is released, or null when the client is at its cap.
  std::shared_ptr<void> acquire(const std::string& client) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t& held = held_[client];
    if (held >= limit_) return nullptr;
    ++held;
    // Non-null, so that the caller can test it; the deleter gives the slot back.
    return std::shared_ptr<void>(static_cast<void*>(this), [this, client](void*) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (auto it = held_.find(client); it != held_.end() && --it->second == 0) held_.erase(it);
    });
  }
  std::size_t limit() const { return limit_; }

 private:
  std::size_t limit_;
  std::mutex mutex_;
  std::map<std::string, std::size_t> held_;
};

void reply_too_many_inflight(httplib::Response& res, std::size_t limit, const json& id = nullptr) {
  res.status = 503;
  res.set_header("Retry-After", "1");
  res.set_content(jsonrpc::serialize(jsonrpc::make_error(
                      id, -32000, "Too many requests in flight for this client; try again after 1 second",
                      {{"reason", "too_many_in_flight"}, {"limit", limit}, {"retryAfterSeconds", 1}})),
                  "application/json");
}

auth::RequestView view_of(const httplib::Request& req) {
  return {[&req](const std::string& name) { return req.get_header_value(name); },
          [&req](const std::string& name) { return req.get_param_value(name); }};
}

std::string correlation_of(const json& body) {
  const json* params = body.contains("params") && body["params"].is_object() ? &body["params"] : nullptr;
  if (!params || !params->contains("_meta") || !(*params)["_meta"].is_object()) return "";
  const json& meta = (*params)["_meta"];
  return meta.contains(obs::kCorrelationMetaKey) && meta[obs::kCorrelationMetaKey].is_string()
             ? meta[obs::kCorrelationMetaKey].get<std::string>()
             : "";
}

// What is wrong with a modern request's Mcp-Method / Mcp-Name / MCP-Protocol-Version
// headers against its body, or "" when they agree.
std::string header_mismatch(const httplib::Request& req, const jsonrpc::Message& message, bool decode_names) {
  std::string version_header = req.get_header_value("MCP-Protocol-Version");
  std::string body_version = message.params()["_meta"][protocol::kMetaProtocolVersion].get<std::string>();
  if (version_header != body_version) {
    return "MCP-Protocol-Version header '" + version_header + "' does not match _meta protocolVersion '" + body_version + "'";
  }
  if (!req.has_header("Mcp-Method")) return "the Mcp-Method header is required";
  if (req.get_header_value("Mcp-Method") != message.method()) {
    return "Mcp-Method header '" + req.get_header_value("Mcp-Method") + "' does not match body method '" + message.method() + "'";
  }
  std::optional<std::string> name = mcp_name_source(message.method(), message.params());
  if (!name) return "";
  if (!req.has_header("Mcp-Name")) return "the Mcp-Name header is required for " + message.method();
  std::optional<std::string> header =
      decode_names ? decode_header_value(req.get_header_value("Mcp-Name")) : req.get_header_value("Mcp-Name");
  if (!header) return "the Mcp-Name header is not valid =?base64?...?= text";
  if (*header != *name) return "Mcp-Name header '" + *header + "' does not match body value '" + *name + "'";
  return "";
}

// Mcp-Param-* headers of the tool's x-mcp-header parameters against the arguments.
std::string header_parameter_mismatch(const httplib::Request& req, const jsonrpc::Message& message,
                                      const std::vector<HeaderParameter>& parameters, bool decode_values) {
  if (parameters.empty()) return "";
  static const json kNoArguments = json::object();
  const json& arguments = message.params().contains("arguments") ? message.params()["arguments"] : kNoArguments;
  // Values are quoted only in part: an error should not echo kilobytes back.
  auto shown = [](const std::string& value) { return value.size() > 64 ? value.substr(0, 64) + "..." : value; };
  for (const HeaderParameter& parameter : parameters) {
    bool in_body = header_parameter_text(parameter, arguments).has_value();
    if (!req.has_header(parameter.header())) {
      if (in_body) return "the " + parameter.header() + " header is required: the arguments carry its value";
      continue;
    }
    std::string raw = req.get_header_value(parameter.header());
    std::optional<std::string> header = decode_values ? decode_header_value(raw) : raw;
    if (!header) return "the " + parameter.header() + " header is not valid =?base64?...?= text";
    if (!in_body) return parameter.header() + " is present but the arguments carry no value for it";
    if (!header_parameter_matches(parameter, *header, arguments)) {
      return parameter.header() + " header '" + shown(*header) + "' does not match the argument '" +
             shown(*header_parameter_text(parameter, arguments)) + "'";
    }
  }
  return "";
}

// A modern client talking to the legacy GET stream or DELETE (no sessions there).
bool modern_version_header(const httplib::Request& req) {
  std::string header = req.get_header_value("MCP-Protocol-Version");
  return !header.empty() && protocol::is_modern(header);
}

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

}  // namespace

struct HttpServerTransport::Impl {
  MessageHandler& server;
  HttpOptions options;
  GuardedHttpServer http;
  InflightLimiter inflight;
  std::mutex sessions_mutex;
  std::map<std::string, std::shared_ptr<HttpSession>> sessions;
  std::shared_ptr<HttpSession> anonymous;  // only when a policy disables sessions
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open_streams{0};
  std::random_device entropy;

  Impl(MessageHandler& s, HttpOptions o)
      : server(s), options(std::move(o)), http(connection_limits(options)), inflight(options.max_inflight_per_client) {}

  std::shared_ptr<HttpSession> find_session(const std::string& id) {
    std::lock_guard<std::mutex> lock(sessions_mutex);
    auto it = sessions.find(id);
    if (it == sessions.end()) return nullptr;
    it->second->last_used = now_seconds();
    return it->second;
  }

  void expire_idle_sessions() {
    long long cutoff = now_seconds() - options.session_idle_timeout.count();
    long long unused_cutoff = now_seconds() - options.unused_session_timeout.count();
    for (auto it = sessions.begin(); it != sessions.end();) {
      if (it->second->last_used < (it->second->used ? cutoff : unused_cutoff)) {
        close_channel(*it->second);
        it = sessions.erase(it);
      } else {
        ++it;
      }
    }
  }

  static void close_channel(HttpSession& s) {
    {
      std::lock_guard<std::mutex> lock(s.channel.mutex);
      s.channel.closed = true;
    }
    s.channel.ready.notify_all();
  }
};

HttpServerTransport::HttpServerTransport(MessageHandler& server, HttpOptions options)
    : impl_(std::make_unique<Impl>(server, std::move(options))) {
  Impl& impl = *impl_;
  impl.http.set_tcp_nodelay(true);
  impl.http.set_keep_alive_max_count(100000);
  impl.http.set_payload_max_length(impl.options.max_body_bytes);
  // An internal failure answers 500 with a generic JSON-RPC error; its text goes to the
  // server's log, not to the client (httplib would put it in an EXCEPTION_WHAT header).
  impl.http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr failure) {
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

  // Origin and Host checks guard every method: a browser page on another origin
  // must not reach a local server (DNS rebinding).
  auto guarded = [this](const httplib::Request& req, httplib::Response& res) {
    std::string origin = req.get_header_value("Origin");
    if (!origin.empty() && !origin_allowed(origin)) {
      reply_error(res, 403, jsonrpc::kInvalidRequest, "Forbidden: Origin " + origin + " is not allowed");
      return false;
    }
    std::string host = req.get_header_value("Host");
    if (!host_allowed(host)) {
      reply_error(res, 403, jsonrpc::kInvalidRequest, "Forbidden: Host " + host + " is not allowed");
      return false;
    }
    return true;
  };

  // The caller's principal, or nullopt after answering 401/403/503 itself. Without an
  // authenticator every caller is the same anonymous principal. It runs on the headers
  // alone, before any body is read: an unauthenticated caller's body is never read.
  auto authenticate = [this](const httplib::Request& req, httplib::Response& res) -> std::optional<auth::Principal> {
    auto& authenticator = impl_->options.authenticator;
    if (!authenticator) return auth::Principal{};
    if (req.get_header_value_count("Authorization") > 1) {
      // Proxies and servers disagree on which of two to use: refuse instead of choosing.
      auth::audit("", req.method, "", false, "more than one Authorization header", "");
      reply_error(res, 400, jsonrpc::kInvalidRequest, "Bad Request: more than one Authorization header");
      GuardedHttpServer::close_after_response();
      return std::nullopt;
    }
    auth::Decision decision = authenticator->authenticate(view_of(req), auth::unix_now());
    if (decision.principal) return decision.principal;
    std::string method = req.has_header("Mcp-Method") ? req.get_header_value("Mcp-Method") : req.method;
    auth::audit("", method, "", false, decision.refusal.reason, "");
    reply_refusal(res, decision.refusal);
    GuardedHttpServer::close_after_response();  // the body, if any, stays unread
    return std::nullopt;
  };

  // Finds the session a non-initialize request names; answers 400/404 itself when it cannot.
  auto session_for = [this](const httplib::Request& req, httplib::Response& res,
                            const auth::Principal& principal) -> std::shared_ptr<HttpSession> {
    std::string id = req.get_header_value("Mcp-Session-Id");
    if (id.empty()) {
      if (!requires_session()) {
        std::lock_guard<std::mutex> lock(impl_->sessions_mutex);
        if (!impl_->anonymous) impl_->anonymous = std::make_shared<HttpSession>("");
        return impl_->anonymous;
      }
      reply_error(res, 400, jsonrpc::kInvalidRequest, "Bad Request: Mcp-Session-Id header is required");
      return nullptr;
    }
    auto session = impl_->find_session(id);
    if (!session) {
      reply_error(res, 404, jsonrpc::kInvalidRequest, "Session not found: initialize a new session");
    } else if (!session_usable_by(session->principal, principal.subject)) {
      // A session id is not a credential: another principal holding it gets nothing.
      auth::audit(principal.subject, req.method, "", false, "session belongs to another principal", "");
      reply_error(res, 403, jsonrpc::kInvalidRequest, "Forbidden: this session belongs to another principal");
      return nullptr;
    }
    return session;
  };

  // MCP-Protocol-Version on requests after initialize; answers 400 itself when refused.
  auto version_header_ok = [this](const httplib::Request& req, httplib::Response& res) {
    std::string header = req.get_header_value("MCP-Protocol-Version");
    if (header.empty() && requires_protocol_version_header()) {
      reply_error(res, 400, jsonrpc::kInvalidRequest, "Bad Request: MCP-Protocol-Version header is required");
      return false;
    }
    if (!header.empty() && !protocol_version_acceptable(header)) {
      reply_error(res, 400, jsonrpc::kInvalidRequest, "Bad Request: unsupported MCP-Protocol-Version " + header);
      return false;
    }
    return true;
  };

  // A JSON-RPC batch (2025-03-26 sessions only): answered in one JSON array, after the
  // same session, version-header and per-tool scope checks single messages get.
  auto serve_batch = [this, session_for, version_header_ok](const httplib::Request& req, httplib::Response& res,
                                                            const auth::Principal& principal,
                                                            const std::vector<jsonrpc::ParseOutcome>& batch) {
    auto hs = session_for(req, res, principal);
    if (!hs || !version_header_ok(req, res)) return;
    if (batch.size() > impl_->options.max_batch_items) {
      return reply_error(res, 413, jsonrpc::kInvalidRequest,
                         "Batch too large: at most " + std::to_string(impl_->options.max_batch_items) + " messages");
    }
    hs->used = true;
    if (impl_->options.authenticator) {
      for (const jsonrpc::ParseOutcome& item : batch) {
        const auto* message = std::get_if<jsonrpc::Message>(&item);
        if (!message || !message->is_request() || message->method() != "tools/call") continue;
        std::string tool = jsonrpc::string_member(message->params(), "name");
        if (auto refusal = impl_->options.authenticator->authorize_tool(principal, tool)) {
          auth::audit(principal.subject, "tools/call", tool, false, refusal->reason, correlation_of(message->body));
          return reply_refusal(res, *refusal);
        }
      }
    }
    ChannelOutbound out(*hs);
    std::optional<json> response = handle_batch(impl_->server, batch, hs->session, out);
    if (!response) {
      res.status = accepted_status();
      return;
    }
    res.status = response->is_array() ? 200 : 400;  // a refused batch is one error object
    res.set_content(jsonrpc::serialize(*response), json_content_type());
  };

  // Scope check for a tools/call, with its audit line; answers 403 itself when refused.
  auto tool_allowed = [this](const jsonrpc::Message& message, const auth::Principal& principal, httplib::Response& res) {
    if (!impl_->options.authenticator || !message.is_request()) return true;
    std::string tool = message.method() == "tools/call" ? jsonrpc::string_member(message.params(), "name") : "";
    std::optional<auth::Refusal> refusal =
        tool.empty() ? std::nullopt : impl_->options.authenticator->authorize_tool(principal, tool);
    auth::audit(principal.subject, message.method(), tool, !refusal, refusal ? refusal->reason : "",
                correlation_of(message.body));
    if (refusal) reply_refusal(res, *refusal);
    return !refusal;
  };

  // Answers a request on an SSE stream: the notifications it causes, then its response.
  // `slot` is the request's in-flight slot, held until the stream ends.
  auto stream_answer = [this](httplib::Response& res, std::shared_ptr<HttpSession> hs, const jsonrpc::Message& message,
                              std::shared_ptr<void> slot) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider("text/event-stream", [this, hs, message, slot](std::size_t, httplib::DataSink& sink) {
      SseOutbound out(sink, *hs, session_wide_event_ids(), impl_->stopping);
      auto response = impl_->server.handle_message(message, hs->session, out);
      if (response) out.send(*response);
      sink.done();
      return true;
    });
  };

  // The modern era: no session, headers checked against the body, each request on its
  // own Session. A stream only when notifications may precede the answer (progress,
  // log messages, a subscription), so that errors keep their HTTP status otherwise.
  auto serve_per_request = [this, tool_allowed, stream_answer](const httplib::Request& req, httplib::Response& res,
                                                const auth::Principal& principal, const jsonrpc::Message& message,
                                                std::shared_ptr<void> slot) {
    auto hs = std::make_shared<HttpSession>("");
    hs->principal = principal.subject;
    if (!principal.subject.empty()) hs->session.set_principal(principal.subject);
    if (!message.is_request()) {
      ChannelOutbound out(*hs);
      (void)impl_->server.handle_message(message, hs->session, out);
      res.status = accepted_status();
      return;
    }
    if (auto error = per_request_meta_error(message.params())) {
      res.status = per_request_meta_error_status();
      res.set_content(jsonrpc::serialize(jsonrpc::make_error(message.id(), error->code, error->message)), "application/json");
      return;
    }
    std::string mismatch = validates_request_headers() ? header_mismatch(req, message, decodes_encoded_names()) : "";
    if (mismatch.empty() && validates_header_parameters() && message.method() == "tools/call") {
      mismatch = header_parameter_mismatch(req, message,
                                           impl_->server.header_parameters(jsonrpc::string_member(message.params(), "name")),
                                           decodes_encoded_names());
    }
    if (!mismatch.empty()) {
      return reply_error(res, 400, jsonrpc::kHeaderMismatch, "Header mismatch: " + mismatch, message.id());
    }
    if (!tool_allowed(message, principal, res)) return;
    const json& meta = message.params()["_meta"];
    bool notifies = message.method() == "subscriptions/listen" || meta.contains(protocol::kMetaLogLevel) ||
                    meta.contains("progressToken");
    if (notifies) return stream_answer(res, hs, message, std::move(slot));
    DiscardOutbound out;
    std::optional<json> response = impl_->server.handle_message(message, hs->session, out);
    if (!response) {
      res.status = accepted_status();
      return;
    }
    res.status = per_request_status(*response);
    if (mints_per_request_session_ids()) res.set_header("Mcp-Session-Id", new_session_id());
    res.set_content(jsonrpc::serialize(*response), json_content_type());
  };

  const std::string& path = impl.options.path;

  // One POST whose body was read within the limits.
  auto serve_post = [this, session_for, version_header_ok, serve_batch, serve_per_request, tool_allowed, stream_answer](
                        const httplib::Request& req, const std::string& body, httplib::Response& res,
                        const std::optional<auth::Principal>& principal) {
    if (!accepts(req, "application/json") || !accepts(req, "text/event-stream")) {
      return reply_error(res, 406, jsonrpc::kInvalidRequest,
                         "Not Acceptable: Accept must list application/json and text/event-stream");
    }
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
      return reply_error(res, 415, jsonrpc::kInvalidRequest, "Unsupported Media Type: send application/json");
    }
    if (auto batch = jsonrpc::parse_batch(body)) return serve_batch(req, res, *principal, *batch);
    jsonrpc::ParseOutcome parsed = jsonrpc::parse(body);
    if (auto* rejection = std::get_if<jsonrpc::Rejection>(&parsed)) {
      res.status = 400;
      res.set_content(jsonrpc::serialize(impl_->server.reject(*rejection)), "application/json");
      return;
    }
    jsonrpc::Message message = std::get<jsonrpc::Message>(std::move(parsed));
    // The HTTP traceparent header continues the caller's trace unless _meta names one itself.
    if (std::string traceparent = req.get_header_value("traceparent"); !traceparent.empty() && message.body.contains("method")) {
      json& meta = message.body["params"]["_meta"];
      if (!meta.is_object()) meta = json::object();
      if (!meta.contains("traceparent")) meta["traceparent"] = traceparent;
    }
    std::shared_ptr<void> slot;
    if (message.is_request() && McpServer::is_long_running(message)) {
      slot = impl_->inflight.acquire(client_key(req, *principal));
      if (!slot) return reply_too_many_inflight(res, impl_->inflight.limit(), message.id());
    }
    if (is_per_request(message) || modern_version_header(req)) {
      return serve_per_request(req, res, *principal, message, std::move(slot));
    }
    bool initializing = message.is_request() && message.method() == "initialize";

    std::shared_ptr<HttpSession> hs;
    if (initializing) {
      std::lock_guard<std::mutex> lock(impl_->sessions_mutex);
      impl_->expire_idle_sessions();
      if (impl_->sessions.size() >= impl_->options.max_sessions) {
        return reply_error(res, 503, jsonrpc::kInternalError, "Too many sessions; try again later");
      }
      // Per client: the principal with auth, the peer address without.
      std::string client = client_key(req, *principal);
      std::size_t owned = 0;
      for (const auto& [id, other] : impl_->sessions) owned += other->client == client;
      if (owned >= impl_->options.max_sessions_per_principal) {
        return reply_error(res, 503, jsonrpc::kInternalError,
                           std::string("Too many sessions for this ") +
                               (principal->subject.empty() ? "client" : "principal") + " (" + std::to_string(owned) +
                               "); end some with DELETE or let idle ones expire");
      }
      hs = std::make_shared<HttpSession>(new_session_id());
      hs->last_used = now_seconds();
      hs->principal = principal->subject;
      hs->client = std::move(client);
      if (!principal->subject.empty()) hs->session.set_principal(principal->subject);
    } else {
      hs = session_for(req, res, *principal);
      if (!hs) return;
      if (!version_header_ok(req, res)) return;
      if (message.is_request()) hs->used = true;
    }

    if (!tool_allowed(message, *principal, res)) return;
    if (!message.is_request()) {
      ChannelOutbound out(*hs);
      (void)impl_->server.handle_message(message, hs->session, out);
      res.status = accepted_status();
      return;
    }
    if (!initializing && message.method() == "tools/call" && streams_tool_calls()) {
      // Tool calls stream: progress and log notifications precede the response.
      return stream_answer(res, hs, message, std::move(slot));
    }
    ChannelOutbound out(*hs);
    std::optional<json> response = impl_->server.handle_message(message, hs->session, out);
    if (!response) {
      res.status = accepted_status();
      return;
    }
    if (initializing && response->contains("result")) {
      std::lock_guard<std::mutex> lock(impl_->sessions_mutex);
      impl_->sessions[hs->session.id()] = hs;
      res.set_header("Mcp-Session-Id", hs->session.id());
    }
    res.status = status_for_response(*response);
    if (PlainText plain = plain_text_instead(*response); !plain.body.empty()) {
      if (!plain.retry_after.empty()) res.set_header("Retry-After", plain.retry_after);
      res.set_content(plain.body, "text/plain");
      return;
    }
    res.set_content(jsonrpc::serialize(*response), json_content_type());
  };

  // The body is read here, after the guard and authentication, and never past
  // max_body_bytes: a Content-Length over it is refused unread, a chunked body as
  // soon as it grows past it (httplib 0.11 caps neither for chunked bodies).
  impl.http.Post(path, [this, guarded, authenticate, serve_post](const httplib::Request& req, httplib::Response& res,
                                                                  const httplib::ContentReader& read_body) {
    if (!guarded(req, res)) return GuardedHttpServer::close_after_response();
    std::optional<auth::Principal> principal = authenticate(req, res);
    if (!principal) return;
    std::size_t limit = impl_->options.max_body_bytes;
    auto too_large = [&] {
      GuardedHttpServer::close_after_response();
      reply_error(res, 413, jsonrpc::kInvalidRequest, "Payload Too Large: at most " + std::to_string(limit) + " bytes");
    };
    if (req.has_header("Content-Length") && req.get_header_value<uint64_t>("Content-Length") > limit) return too_large();
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
      return reply_error(res, 400, jsonrpc::kInvalidRequest, "Bad Request: the body could not be read");
    }
    serve_post(req, body, res, principal);
  });

  if (impl.options.metrics) {
    // Metrics name tools, principals' traffic and costs: a scraper presents the metrics
    // token, and without one configured only loopback peers are served.
    impl.http.Get("/metrics", [this, guarded](const httplib::Request& req, httplib::Response& res) {
      if (!guarded(req, res)) return;
      const std::string& token = impl_->options.metrics_token;
      bool allowed = token.empty() ? is_loopback_address(req.remote_addr)
                                   : jose::constant_time_equal(req.get_header_value("Authorization"), "Bearer " + token);
      if (!allowed) {
        res.set_header("WWW-Authenticate", "Bearer realm=\"metrics\"");
        return reply_error(res, token.empty() ? 403 : 401, jsonrpc::kInvalidRequest,
                           token.empty() ? "Forbidden: /metrics is served to loopback peers or with the metrics token"
                                         : "Unauthorized: /metrics needs the metrics token");
      }
      res.set_content(impl_->options.metrics(), "text/plain; version=0.0.4");
    });
  }

  if (impl.options.authenticator) {
    // RFC 9728 §3: at the root well-known URI and at the one suffixed with the endpoint's path.
    auto metadata = [this, guarded](const httplib::Request& req, httplib::Response& res) {
      if (!guarded(req, res)) return;
      auto document = impl_->options.authenticator->protected_resource_metadata();
      if (!document) return reply_error(res, 404, jsonrpc::kInvalidRequest, "This server does not use OAuth");
      res.set_header("Cache-Control", "max-age=300");
      res.set_content(document->dump(), "application/json");
    };
    impl.http.Get("/.well-known/oauth-protected-resource", metadata);
    impl.http.Get("/.well-known/oauth-protected-resource" + path, metadata);
  }

  impl.http.Get(path, [this, guarded, authenticate, session_for](const httplib::Request& req, httplib::Response& res) {
    if (!guarded(req, res)) return;
    std::optional<auth::Principal> principal = authenticate(req, res);
    if (!principal) return;
    if (modern_version_header(req)) {
      res.status = per_request_get_delete_status();  // 2026-07-28 has no GET stream
      res.set_header("Allow", "POST");
      return;
    }
    if (!offers_get_stream()) {
      res.status = get_refusal_status();
      res.set_header("Allow", "POST, DELETE");
      return;
    }
    if (!accepts(req, "text/event-stream")) {
      return reply_error(res, 406, jsonrpc::kInvalidRequest, "Not Acceptable: GET needs Accept: text/event-stream");
    }
    auto hs = session_for(req, res, *principal);
    if (!hs) return;
    std::shared_ptr<void> slot = impl_->inflight.acquire(client_key(req, *principal));
    if (!slot) return reply_too_many_inflight(res, impl_->inflight.limit());
    {
      std::lock_guard<std::mutex> lock(hs->channel.mutex);
      if (hs->channel.stream_open) {
        return reply_error(res, 409, jsonrpc::kInvalidRequest, "Conflict: this session already has a GET stream");
      }
      if (impl_->open_streams >= impl_->options.max_get_streams) {
        return reply_error(res, 503, jsonrpc::kInternalError, "Too many open streams; try again later");
      }
      hs->channel.stream_open = true;
      ++impl_->open_streams;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, hs, slot, idle = Clock::now()](std::size_t, httplib::DataSink& sink) mutable {
          std::unique_lock<std::mutex> lock(hs->channel.mutex);
          hs->channel.ready.wait_for(lock, std::chrono::milliseconds(250),
                                     [&] { return !hs->channel.queue.empty() || hs->channel.closed; });
          if (hs->channel.closed || impl_->stopping) {
            sink.done();
            return true;
          }
          if (client_gone()) return false;  // gives back its thread and in-flight slot now
          std::deque<json> batch;
          batch.swap(hs->channel.queue);
          lock.unlock();
          for (const json& message : batch) {
            SseEvent event{std::to_string(hs->next_event_id++), "", jsonrpc::serialize(message), std::nullopt, true};
            std::string frame = format_sse_event(event);
            if (!sink.write(frame.data(), frame.size())) return false;
          }
          if (batch.empty() && Clock::now() - idle > std::chrono::seconds(15)) {
            idle = Clock::now();
            return sink.write(": keep-alive\n\n", 14);
          }
          return true;
        },
        [this, hs](bool) {
          std::lock_guard<std::mutex> lock(hs->channel.mutex);
          hs->channel.stream_open = false;
          hs->channel.queue.clear();
          --impl_->open_streams;
        });
  });

  impl.http.Delete(path, [this, guarded, authenticate, session_for](const httplib::Request& req, httplib::Response& res) {
    if (!guarded(req, res)) return;
    std::optional<auth::Principal> principal = authenticate(req, res);
    if (!principal) return;
    if (modern_version_header(req)) {
      res.status = per_request_get_delete_status();  // 2026-07-28 has no sessions to end
      res.set_header("Allow", "POST");
      return;
    }
    auto hs = session_for(req, res, *principal);
    if (!hs) return;
    if (!terminate_session(hs->session.id())) {
      res.status = 405;
      res.set_header("Allow", "GET, POST");
      return;
    }
    res.status = session_deleted_status();
  });
}

HttpServerTransport::~HttpServerTransport() { stop(); }

StatusOr<int> HttpServerTransport::bind() {
  int port = impl_->options.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(impl_->options.host);
    if (port <= 0) return unavailable("cannot bind to " + impl_->options.host);
  } else if (!impl_->http.bind_to_port(impl_->options.host.c_str(), port)) {
    return unavailable("cannot bind to " + impl_->options.host + ":" + std::to_string(port) + " (in use?)");
  }
  if (impl_->options.authenticator) {
    std::string host = impl_->options.host.find(':') != std::string::npos ? "[" + impl_->options.host + "]" : impl_->options.host;
    impl_->options.authenticator->bind_resource("http://" + host + ":" + std::to_string(port) + impl_->options.path);
  }
  return port;
}

void HttpServerTransport::serve() { impl_->http.listen_after_bind(); }

void HttpServerTransport::stop() {
  impl_->stopping = true;
  {
    // Shutting down (SIGTERM) cancels what sessions still run, so that stop() does not
    // wait on long tool calls; per-request calls see their stream close (`stopping`).
    std::lock_guard<std::mutex> lock(impl_->sessions_mutex);
    for (auto& [id, session] : impl_->sessions) {
      session->session.cancel_all();
      Impl::close_channel(*session);
    }
  }
  impl_->http.stop();
}

// The HTTP status a modern-era answer travels with (streamable-http.mdx "Protocol
// Version Header", "Server Validation"; basic/index.mdx "_meta").
int HttpServerTransport::per_request_status(const json& response) const {
  if (!response.contains("error") || !response["error"].is_object()) return 200;
  int code = response["error"].value("code", 0);
  if (code == jsonrpc::kMethodNotFound) return 404;
  bool protocol_error = code == jsonrpc::kHeaderMismatch || code == jsonrpc::kMissingRequiredClientCapability ||
                        code == jsonrpc::kUnsupportedProtocolVersion;
  return protocol_error ? 400 : 200;
}

bool HttpServerTransport::origin_allowed(const std::string& origin) const {
  for (const std::string& allowed : impl_->options.allowed_origins) {
    if (allowed == origin) return true;
  }
  return is_loopback_hostname(hostname_of(origin));
}

bool HttpServerTransport::host_allowed(const std::string& host) const {
  std::string name = hostname_of(host);
  if (is_loopback_hostname(name)) return true;
  for (const std::string& allowed : impl_->options.allowed_hosts) {
    if (allowed == name) return true;
  }
  // Bound to a non-loopback address, Host filtering is the operator's reverse proxy's job.
  return !is_loopback_hostname(impl_->options.host) && impl_->options.host != "localhost";
}

// Any revision this server speaks is acceptable, not only the negotiated one: the spec
// refuses "invalid or unsupported" versions, and SDK clients send a default on side requests.
bool HttpServerTransport::protocol_version_acceptable(const std::string& header) const {
  const auto& supported = impl_->server.supported_versions();
  return std::find(supported.begin(), supported.end(), header) != supported.end();
}

std::string HttpServerTransport::new_session_id() {
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 8; ++i) {
    unsigned value = impl_->entropy();
    for (int nibble = 0; nibble < 4; ++nibble) id += kHex[(value >> (nibble * 4)) & 15];
  }
  return id;
}

bool HttpServerTransport::terminate_session(const std::string& id) {
  std::lock_guard<std::mutex> lock(impl_->sessions_mutex);
  auto it = impl_->sessions.find(id);
  if (it == impl_->sessions.end()) return true;
  it->second->session.cancel_all();
  Impl::close_channel(*it->second);
  impl_->sessions.erase(it);
  return true;
}

}  // namespace mcp::server
