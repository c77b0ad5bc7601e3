// The legacy era (2024-11-05 .. 2025-11-25) on the wire: a session opened by
// initialize (version negotiation, capabilities), methods refused before it, its
// method table (initialize, ping, logging/setLevel and resources/(un)subscribe exist
// only here), and JSON-RPC batches on 2025-03-26. Handlers in core/ stay era-blind:
// what differs by revision inside a result comes from protocol::Revision.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reference-server/core/server.h"

namespace mcp::server::wire {

class LegacyWire {
 public:
  explicit LegacyWire(McpServer& server);
  std::optional<nlohmann::json> handle(const jsonrpc::Message& request, Session& session, Outbound& out,
                                       RequestScope* scope);

 private:
  McpServer::Outcome initialize(const McpServer::Request& r);
  // The 2025-11-25 tasks utility (tasks_utility.cpp).
  bool serves_tasks(const Session& session) const;
  std::optional<McpServer::Outcome> find_task(const McpServer::Request& r, TaskRecord& task) const;
  McpServer::Outcome get_task(const McpServer::Request& r);
  McpServer::Outcome task_result(const McpServer::Request& r);
  McpServer::Outcome list_tasks(const McpServer::Request& r);
  McpServer::Outcome cancel_task(const McpServer::Request& r);

  McpServer& server_;
  McpServer::MethodTable methods_;
};

}  // namespace mcp::server::wire

namespace mcp::server {

// A JSON-RPC batch: each message handled in order and the responses gathered into
// one array (nullopt when none is due). Only sessions on 2025-03-26 accept batches,
// later revisions removed them, and initialize is never batched; a refused batch
// gets one error object.
std::optional<nlohmann::json> handle_batch(MessageHandler& handler, const std::vector<jsonrpc::ParseOutcome>& batch,
                                           Session& session, Outbound& out);

}  // namespace mcp::server
