// A Streamable HTTP session to the server under test. send() POSTs a message and
// queues every JSON-RPC message of the reply (JSON body or SSE events) in the
// inbox; exchange() is the raw mode the transport checks use to send anything.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/client/connection.h"
#include "mcp/request_headers.h"
#include "mcp/sse.h"

namespace mcp::harness {

// How an https:// server's certificate is checked (--insecure, --ca-cert).
struct TlsTrust {
  bool verify = true;    // false: any certificate is accepted (self-signed staging servers)
  std::string ca_file;   // PEM file of CAs to trust; empty: the system's
};

struct HttpUrl {
  std::string scheme;
  std::string host;
  int port = 80;         // 443 for https when the URL names none
  std::string path = "/";
  TlsTrust tls;
};
StatusOr<HttpUrl> parse_http_url(const std::string& url);

struct HttpReply {
  int status = 0;                                 // 0 when no HTTP answer came
  std::map<std::string, std::string> headers;     // names lower-cased
  std::string body;                               // capped
  std::vector<SseEvent> events;                   // when the reply was an SSE stream
  std::vector<nlohmann::json> messages;           // JSON-RPC messages in body or events
  std::vector<std::string> unparsable;            // body / event data that was not JSON
  Status error;                                   // transport failure, if any
  std::string header(const std::string& name) const;
  std::string content_type() const;               // media type only, lower-cased
};

struct HttpRequestSpec {
  std::string method = "POST";
  std::string body;
  std::map<std::string, std::string> headers;  // replaces defaults of the same name; "" removes
  bool with_session = true;                     // send Mcp-Session-Id when one is known
  std::chrono::milliseconds timeout{5000};
  std::size_t max_events = 0;                   // stop reading an SSE stream after N events (0 = until it ends)
  std::string path;                             // empty: the endpoint's path; may carry a query string
};

// Tools' x-mcp-header parameters as learned from tools/list answers. One book serves
// every connection of a run, so a tool listed on one connection is called right on another.
class ToolHeaderBook {
 public:
  // Tools with invalid declarations are left out, as the spec has clients exclude them.
  void learn(const nlohmann::json& tools_list_result);
  std::vector<HeaderParameter> parameters(const std::string& tool) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<HeaderParameter>> tools_;
};

// Mcp-Method and Mcp-Name as a modern client sends them for `message` (2026-07-28
// streamable-http.mdx "Standard Request Headers"), and for a tools/call the Mcp-Param-*
// headers of the tool's x-mcp-header arguments; empty for a message without a method.
std::map<std::string, std::string> request_metadata_headers(const nlohmann::json& message,
                                                            const ToolHeaderBook* book = nullptr);

// Headers added to every request (credentials), before a spec's own headers.
using HeaderSource = std::function<std::map<std::string, std::string>()>;

class HttpConnection final : public Connection {
 public:
  HttpConnection(HttpUrl url, Transcript& transcript, std::chrono::milliseconds timeout);
  ~HttpConnection() override;

  Status send(const nlohmann::json& message) override;
  Status send_raw(const std::string& text) override;
  void close() override;  // DELETEs the session, if any

  HttpReply exchange(const HttpRequestSpec& spec);
  const std::optional<std::string>& session_id() const { return session_id_; }
  void set_session_id(std::optional<std::string> id) { session_id_ = std::move(id); }
  const HttpUrl& url() const { return url_; }
  void set_header_source(HeaderSource source) { header_source_ = std::move(source); }
  void set_tool_header_book(std::shared_ptr<ToolHeaderBook> book) { tool_headers_ = std::move(book); }
  const ToolHeaderBook& tool_header_book() const { return *tool_headers_; }

 private:
  HttpReply post_and_deliver(const std::string& body, std::map<std::string, std::string> headers);
  Status post(const std::string& text, std::map<std::string, std::string> headers);

  HttpUrl url_;
  std::chrono::milliseconds timeout_;
  std::optional<std::string> session_id_;
  HeaderSource header_source_;
  std::shared_ptr<ToolHeaderBook> tool_headers_ = std::make_shared<ToolHeaderBook>();
  struct KeepAlive;
  std::unique_ptr<KeepAlive> keep_alive_;
  bool closed_ = false;
};

}  // namespace mcp::harness
