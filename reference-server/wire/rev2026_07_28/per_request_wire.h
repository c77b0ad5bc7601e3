// The 2026-07-28 era on the wire: no initialize and no session. Admission reads each
// request's _meta (protocol version, client capabilities, log level) and builds a
// Session of its own for it (the connection's Session only tracks it for
// cancellation); a retry after an InputRequiredResult brings its earlier answers in a
// sealed requestState. The method table adds server/discover and subscriptions/listen
// and drops the legacy-only methods; results carry resultType, the server's info and
// caching fields.
#pragma once

#include <optional>
#include <string>

#include "reference-server/core/server.h"

namespace mcp::server::wire {

class PerRequestWire {
 public:
  explicit PerRequestWire(McpServer& server);
  std::optional<nlohmann::json> handle(const jsonrpc::Message& request, Session& connection, Outbound& out,
                                       RequestScope* scope);

 private:
  // The request's _meta and protocol version; an error response when refused.
  std::optional<nlohmann::json> check_meta(const jsonrpc::Message& message) const;
  // The request's own Session, from its _meta and a retry's answers; an error response when refused.
  std::optional<nlohmann::json> open_request(const jsonrpc::Message& message, const Session& connection,
                                             Session& request) const;
  McpServer::Outcome discover(const McpServer::Request& r);
  McpServer::Outcome listen(const McpServer::Request& r);
  // The tasks extension (tasks_extension.cpp).
  McpServer::Outcome get_task(const McpServer::Request& r);
  McpServer::Outcome update_task(const McpServer::Request& r);
  McpServer::Outcome cancel_task(const McpServer::Request& r);
  // The task id of a tasks/* request, or why it is refused.
  std::optional<McpServer::Outcome> admit_task_request(const McpServer::Request& r, std::string& task_id) const;
  void shape_result(const std::string& method, const std::string& version, nlohmann::json& result) const;

  McpServer& server_;
  McpServer::MethodTable methods_;
};

}  // namespace mcp::server::wire

namespace mcp::server {

// Whether a request speaks the modern era: its _meta names a protocol version, or it
// is server/discover (which only exists there).
bool is_per_request(const jsonrpc::Message& message);
// The first problem with a modern request's required _meta fields (2026-07-28
// basic/index.mdx "Per-request protocol fields"), or nullopt. Transports use it to
// answer HTTP 400 before the request runs.
std::optional<RpcError> per_request_meta_error(const nlohmann::json& params);

}  // namespace mcp::server
