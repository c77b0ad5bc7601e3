#include "harness/engine/context.h"

namespace mcp::harness {

std::string TargetConfig::describe() const {
  if (transport == kHttp) return "Streamable HTTP " + url;
  std::string joined;
  for (const std::string& word : command) joined += (joined.empty() ? "" : " ") + word;
  return "stdio: " + joined;
}

StatusOr<std::unique_ptr<Connection>> CheckContext::connect() {
  if (target_.transport == kHttp) {
    ASSIGN_OR_RETURN(HttpUrl url, parse_http_url(target_.url));
    url.tls = target_.tls;
    auto connection = std::make_unique<HttpConnection>(url, transcript_, target_.timeout);
    if (target_.credentials) connection->set_header_source(target_.credentials->fresh_client());
    if (target_.tool_headers) connection->set_tool_header_book(target_.tool_headers);
    return std::unique_ptr<Connection>(std::move(connection));
  }
  SpawnOptions options;
  options.argv = target_.command;
  options.extra_env = target_.env;
  ASSIGN_OR_RETURN(auto connection, StdioConnection::start(options, transcript_));
  return std::unique_ptr<Connection>(std::move(connection));
}

StatusOr<McpClient> CheckContext::client() {
  ASSIGN_OR_RETURN(auto connection, connect());
  return McpClient(std::move(connection), &violations_, target_.timeout);
}

StatusOr<McpClient> CheckContext::session(const std::string& version) {
  ASSIGN_OR_RETURN(McpClient c, client());
  c.set_timeout(std::max(target_.timeout, target_.handshake_timeout));
  auto init = c.handshake(version.empty() ? target_.protocol_version : version);
  c.set_timeout(target_.timeout);
  if (!init.ok()) return init.status();
  return c;
}

StdioConnection* as_stdio(McpClient& client) { return dynamic_cast<StdioConnection*>(&client.connection()); }
HttpConnection* as_http(McpClient& client) { return dynamic_cast<HttpConnection*>(&client.connection()); }

}  // namespace mcp::harness
