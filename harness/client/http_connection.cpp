#include "harness/client/http_connection.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "mcp/guarded_stream.h"
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"
#include "mcp/request_headers.h"

namespace mcp::harness {

namespace {

constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;
// A server under test may flood: an SSE reply keeps at most this many events and
// bytes, and a status line with headers at most kMaxHeadBytes (httplib 0.11 caps none).
constexpr std::size_t kMaxEvents = 10000;
constexpr std::size_t kMaxHeadBytes = 256 * 1024;

// The limits every response from a server under test is read within, and what broke them.
class StreamGuard {
 public:
  virtual ~StreamGuard() = default;
  void set_deadline(std::chrono::milliseconds timeout) {
    limits_.max_head_bytes = kMaxHeadBytes;
    limits_.head_timeout = limits_.message_timeout = limits_.idle_timeout = limits_.write_timeout = timeout;
  }
  StreamBreach breach() const { return breach_; }

 protected:
  StreamLimits limits_;
  StreamBreach breach_ = StreamBreach::kNone;
};

// cpp-httplib's client (plain or TLS) reading every response through
// mcp::GuardedSocketStream: one deadline for the whole response (headers included: a
// server trickling header bytes restarts httplib's read timeout on each one) and a cap
// on the head's size.
template <class Base>
class GuardedClient final : public Base, public StreamGuard {
 public:
  GuardedClient(const std::string& host, int port) : Base(host, port) {}

 private:
  bool process_socket(const httplib::ClientImpl::Socket& socket, std::function<bool(httplib::Stream&)> callback) override {
    GuardedSocketStream stream(socket.sock, limits_);
    if constexpr (std::is_same_v<Base, httplib::SSLClient>) stream.use_tls(socket.ssl);
    bool ok = callback(stream);
    breach_ = stream.breach();
    return ok;
  }
};

struct GuardedClientHandle {
  std::unique_ptr<httplib::ClientImpl> client;
  StreamGuard* guard = nullptr;
};

GuardedClientHandle make_client(const HttpUrl& url) {
  GuardedClientHandle made;
  if (url.scheme == "https") {
    auto tls = std::make_unique<GuardedClient<httplib::SSLClient>>(url.host, url.port);
    tls->enable_server_certificate_verification(url.tls.verify);
    if (!url.tls.ca_file.empty()) tls->set_ca_cert_path(url.tls.ca_file.c_str());
    made.guard = tls.get();
    made.client = std::move(tls);
  } else {
    auto plain = std::make_unique<GuardedClient<httplib::ClientImpl>>(url.host, url.port);
    made.guard = plain.get();
    made.client = std::move(plain);
  }
  return made;
}

// httplib names its errors in one word ("Connection"): say what happened, and what to do.
std::string describe_failure(httplib::Error error, const std::string& scheme) {
  switch (error) {
    case httplib::Error::Read:
      return std::string("the connection ended without a complete HTTP response") +
             (scheme == "http" ? " (if the server speaks TLS on this port, use https://)" : "");
    case httplib::Error::Write:
      // A TLS server may close on the first plain bytes before the write completes.
      return std::string("the connection closed while the request was being sent") +
             (scheme == "http" ? " (if the server speaks TLS on this port, use https://)" : "");
    case httplib::Error::Connection: return "could not connect (nothing listening there, or unreachable)";
    case httplib::Error::SSLServerVerification:
      return "the server's TLS certificate is not trusted or does not name this host (a self-signed staging "
             "certificate? trust its CA with --ca-cert FILE, or skip verification with --insecure)";
    case httplib::Error::SSLConnection:
      return "the TLS handshake failed (does the server speak TLS on this port? use http:// if not)";
    case httplib::Error::SSLLoadingCerts: return "could not load the CA certificates to verify the server with (--ca-cert)";
    default: return httplib::to_string(error);
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void collect_message(HttpReply& reply, const std::string& text) {
  if (text.empty()) return;
  std::optional<nlohmann::json> value = jsonrpc::parse_untrusted(text);
  if (!value) reply.unparsable.push_back(text.substr(0, 500));
  else reply.messages.push_back(std::move(*value));
}

}  // namespace

StatusOr<HttpUrl> parse_http_url(const std::string& url) {
  HttpUrl out;
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return invalid_argument("URL needs a scheme: " + url);
  out.scheme = lower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") {
    return invalid_argument("only http:// and https:// URLs are supported, got " + url);
  }
  out.port = out.scheme == "https" ? 443 : 80;
  std::string rest = url.substr(scheme_end + 3);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  bool bracketed = !authority.empty() && authority.front() == '[';
  if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
    out.host = authority.substr(0, colon);
    try {
      out.port = std::stoi(authority.substr(colon + 1));
    } catch (const std::exception&) {
      return invalid_argument("bad port in URL " + url);
    }
  } else {
    out.host = authority;
  }
  if (bracketed && out.host.size() > 2) out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty()) return invalid_argument("URL has no host: " + url);
  return out;
}

std::string HttpReply::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpReply::content_type() const {
  std::string type = lower(header("content-type"));
  auto semicolon = type.find(';');
  if (semicolon != std::string::npos) type = type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type;
}

// One kept-alive TCP connection for the session's POSTs: a new connection per
// request would make the harness, not the server, what a load run measures.
struct HttpConnection::KeepAlive {
  std::mutex mutex;
  GuardedClientHandle client;
  Clock::time_point last_used{};
};

// Servers close idle keep-alive connections (cpp-httplib and Node after 5 s); a
// connection idle longer than this is replaced rather than raced against that close.
constexpr auto kMaxIdleReuse = std::chrono::seconds(2);

HttpConnection::HttpConnection(HttpUrl url, Transcript& transcript, std::chrono::milliseconds timeout)
    : Connection(transcript), url_(std::move(url)), timeout_(timeout), keep_alive_(std::make_unique<KeepAlive>()) {}

HttpConnection::~HttpConnection() { close(); }

HttpReply HttpConnection::exchange(const HttpRequestSpec& spec) {
  HttpReply reply;
  // Streams read only in part (max_events) and requests made while another is in flight
  // (a GET stream beside POSTs) get a connection of their own.
  std::unique_lock<std::mutex> reuse(keep_alive_->mutex, std::defer_lock);
  GuardedClientHandle own;
  GuardedClientHandle* chosen = nullptr;
  if (spec.method == "POST" && spec.max_events == 0 && reuse.try_lock()) {
    if (keep_alive_->client.client && Clock::now() - keep_alive_->last_used > kMaxIdleReuse) keep_alive_->client = {};
    if (!keep_alive_->client.client) {
      keep_alive_->client = make_client(url_);
      keep_alive_->client.client->set_keep_alive(true);
    }
    chosen = &keep_alive_->client;
  } else {
    own = make_client(url_);
    chosen = &own;
  }
  httplib::ClientImpl& client = *chosen->client;
  StreamGuard& guard = *chosen->guard;
  guard.set_deadline(spec.timeout);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(spec.timeout);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(spec.timeout - seconds);
  client.set_connection_timeout(seconds.count(), micros.count());
  client.set_read_timeout(seconds.count(), micros.count());
  client.set_write_timeout(seconds.count(), micros.count());
  client.set_tcp_nodelay(true);

  std::map<std::string, std::string> headers;
  if (spec.method == "POST") {
    headers["Content-Type"] = "application/json";
    headers["Accept"] = "application/json, text/event-stream";
  } else if (spec.method == "GET") {
    headers["Accept"] = "text/event-stream";
  }
  if (spec.with_session && session_id_) headers["Mcp-Session-Id"] = *session_id_;
  if (!protocol_version_.empty()) headers["MCP-Protocol-Version"] = protocol_version_;
  if (header_source_) {
    for (auto& [name, value] : header_source_()) headers[name] = value;
  }
  for (const auto& [name, value] : spec.headers) {
    for (auto it = headers.begin(); it != headers.end();) {
      it = lower(it->first) == lower(name) ? headers.erase(it) : std::next(it);
    }
    if (!value.empty()) headers[name] = value;
  }

  httplib::Request request;
  request.method = spec.method;
  request.path = spec.path.empty() ? url_.path : spec.path;
  request.body = spec.body;
  std::string shown = spec.method + " " + request.path;
  for (const auto& [name, value] : headers) {
    request.headers.emplace(name, value);
    // Long credentials are shortened in the transcript: readable reports, no full tokens in CI artifacts.
    bool credential = lower(name) == "authorization" || lower(name) == "x-gateway-signature";
    shown += "\n" + name + ": " + (credential && value.size() > 40 ? value.substr(0, 32) + "...(" + std::to_string(value.size()) + " bytes)" : value);
  }
  if (!spec.body.empty()) shown += "\n\n" + spec.body;
  transcript_.add("send", shown);

  auto deadline = deadline_in(spec.timeout);
  SseParser parser;
  bool is_sse = false;
  bool stopped_early = false;
  std::size_t sse_bytes = 0;
  std::string flood;  // why a flooding reply was cut off, if it was
  request.response_handler = [&](const httplib::Response& response) {
    reply.status = response.status;
    for (const auto& [name, value] : response.headers) reply.headers[lower(name)] = value;
    is_sse = reply.content_type() == "text/event-stream";
    return true;
  };
  request.content_receiver = [&](const char* data, std::size_t length, uint64_t, uint64_t) {
    if (is_sse) {
      std::vector<SseEvent> events;
      parser.feed(std::string_view(data, length), events);
      sse_bytes += length;
      for (SseEvent& e : events) {
        if (reply.events.size() >= kMaxEvents) break;
        collect_message(reply, e.data);
        reply.events.push_back(std::move(e));
      }
      if (reply.events.size() >= kMaxEvents || sse_bytes > kMaxBodyBytes) {
        flood = "the SSE reply exceeded " + std::to_string(kMaxEvents) + " events or " + std::to_string(kMaxBodyBytes) +
                " bytes; the rest was not read";
        stopped_early = true;
        return false;
      }
      if (spec.max_events && reply.events.size() >= spec.max_events) {
        stopped_early = true;
        return false;
      }
    } else if (reply.body.size() < kMaxBodyBytes) {
      reply.body.append(data, std::min(length, kMaxBodyBytes - reply.body.size()));
    }
    if (Clock::now() > deadline) {
      stopped_early = true;
      return false;
    }
    return true;
  };

  httplib::Response response;
  httplib::Error error = httplib::Error::Success;
  bool ok = client.send(request, response, error);
  // Read now: a failed kept-alive client is destroyed below.
  StreamBreach breach = guard.breach();
  // The deadline ended a reply whose head had arrived: what was read so far stands,
  // as when the content receiver stops at the deadline itself.
  bool timed_out = breach != StreamBreach::kNone && breach != StreamBreach::kHeadTooLarge;
  if (!ok && timed_out && reply.status != 0) stopped_early = true;
  // A reply cut short or failed leaves the kept-alive connection in an unknown state.
  // So does a refusal the server sent before reading the body (an oversized header,
  // say): some servers then read the unread body as the next request.
  bool refused_unread = ok && response.status >= 400 && response.body.empty() && reply.body.empty();
  if ((!ok || stopped_early || refused_unread) && reuse.owns_lock()) keep_alive_->client = {};
  if (reuse.owns_lock()) keep_alive_->last_used = Clock::now();
  if (!is_sse) collect_message(reply, reply.body);
  if (!ok && !stopped_early) {
    // httplib names "Connection" for a refused or unroutable connect: say it in words.
    std::string why = describe_failure(error, url_.scheme);
    if (breach == StreamBreach::kHeadTooLarge) {
      why = "the response's status line and headers exceeded " + std::to_string(kMaxHeadBytes) + " bytes";
    } else if (breach != StreamBreach::kNone) {
      why = std::string("no complete response before the deadline (") + breach_name(breach) + ")";
    }
    reply.error = unavailable("HTTP " + spec.method + " failed: " + why);
  }
  if (!flood.empty()) {
    reply.error = resource_exhausted(flood);
  } else if (!ok && stopped_early && spec.max_events == 0) {
    reply.error = deadline_exceeded("reply still streaming at the deadline");
  }

  std::string summary = "HTTP " + std::to_string(reply.status);
  for (const char* name : {"content-type", "mcp-session-id", "allow", "www-authenticate"}) {
    if (!reply.header(name).empty()) summary += "\n" + std::string(name) + ": " + reply.header(name);
  }
  if (!reply.error.ok()) summary += "\n(" + reply.error.message() + ")";
  if (!is_sse && !reply.body.empty()) summary += "\n\n" + reply.body;
  for (const SseEvent& e : reply.events) summary += "\n[sse" + (e.has_id ? " id=" + e.id : std::string()) + "] " + e.data;
  transcript_.add("http", summary);
  return reply;
}

HttpReply HttpConnection::post_and_deliver(const std::string& body, std::map<std::string, std::string> headers) {
  HttpRequestSpec spec;
  spec.body = body;
  spec.timeout = timeout_;
  spec.headers = std::move(headers);
  HttpReply reply = exchange(spec);
  // Modern servers have no sessions; an id one mints anyway is not echoed back.
  bool sessions = !protocol::is_modern(protocol_version_);
  if (sessions && !session_id_ && !reply.header("mcp-session-id").empty()) session_id_ = reply.header("mcp-session-id");
  // A notification the server cannot accept is refused with an HTTP error whose body MAY
  // be a JSON-RPC error without an id (streamable-http.mdx): the transport's refusal, not
  // a response to a notification, so it does not reach the inbox.
  if (reply.status >= 400 && is_notification(jsonrpc::parse_top_level(body))) return reply;
  for (nlohmann::json& message : reply.messages) {
    if (message.is_object() && message.contains("result")) tool_headers_->learn(message["result"]);
    deliver(message);
  }
  return reply;
}

Status HttpConnection::send(const nlohmann::json& message) {
  bool modern = !protocol_version_.empty() && protocol::is_modern(protocol_version_);
  return post(jsonrpc::serialize(message),
              modern ? request_metadata_headers(message, tool_headers_.get()) : std::map<std::string, std::string>{});
}

Status HttpConnection::send_raw(const std::string& text) { return post(text, {}); }

Status HttpConnection::post(const std::string& text, std::map<std::string, std::string> headers) {
  if (closed_) return unavailable("connection closed");
  HttpReply reply = post_and_deliver(text, std::move(headers));
  if (reply.status == 0) return reply.error.ok() ? unavailable("no HTTP reply") : reply.error;
  if (reply.status >= 400) {
    // An HTTP error whose body answers this request still delivered the answer; any
    // other HTTP error means no answer will come, so say so now instead of waiting.
    // The top level only: the fuzzer sends arguments nested past any depth bound.
    nlohmann::json sent = jsonrpc::parse_top_level(text);
    nlohmann::json id = sent.is_object() ? sent.value("id", nlohmann::json()) : nlohmann::json();
    bool answered = !id.is_null() && std::any_of(reply.messages.begin(), reply.messages.end(), [&](const nlohmann::json& m) {
      return m.is_object() && !m.contains("method") && m.value("id", nlohmann::json()) == id;
    });
    if (!answered && is_notification(sent)) {
      transcript_.add("note", "the server refused the notification with HTTP " + std::to_string(reply.status) +
                                  ", as the transport allows a server that cannot accept it");
      return ok_status();
    }
    if (!answered) {
      // A refusal of our credentials says why in WWW-Authenticate (RFC 6750 § 3), and a
      // throttled call when to come back in Retry-After: keep them in the message.
      std::string why;
      for (const char* name : {"WWW-Authenticate", "Retry-After"}) {
        std::string value = reply.header(name);
        if (!value.empty()) why += std::string(" (") + name + ": " + value.substr(0, 300) + ")";
      }
      return failed_precondition("HTTP " + std::to_string(reply.status) + why + ": " + reply.body.substr(0, 300));
    }
  }
  return ok_status();
}

void HttpConnection::close() {
  if (closed_) return;
  closed_ = true;
  if (session_id_) {
    HttpRequestSpec spec;
    spec.method = "DELETE";
    spec.timeout = std::chrono::milliseconds(2000);
    (void)exchange(spec);
  }
}

}  // namespace mcp::harness
