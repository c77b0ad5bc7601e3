#include "reference-server/wire/legacy/legacy_wire.h"

#include "mcp/protocol_version.h"

namespace mcp::server::wire {

using json = nlohmann::json;

LegacyWire::LegacyWire(McpServer& server) : server_(server) {
  McpServer& s = server_;
  methods_ = {
      {"initialize", [this](const McpServer::Request& r) { return initialize(r); }},
      {"tasks/get", [this](const McpServer::Request& r) { return get_task(r); }},
      {"tasks/result", [this](const McpServer::Request& r) { return task_result(r); }},
      {"tasks/list", [this](const McpServer::Request& r) { return list_tasks(r); }},
      {"tasks/cancel", [this](const McpServer::Request& r) { return cancel_task(r); }},
      {"ping", [&s](const McpServer::Request& r) { return s.ping(r); }},
      {"logging/setLevel", [&s](const McpServer::Request& r) { return s.set_log_level(r); }},
      {"resources/subscribe", [&s](const McpServer::Request& r) { return s.subscribe(r); }},
      {"resources/unsubscribe", [&s](const McpServer::Request& r) { return s.unsubscribe(r); }},
  };
  for (auto& [name, handler] : server_.shared_methods()) methods_.emplace(name, handler);
}

std::optional<json> LegacyWire::handle(const jsonrpc::Message& message, Session& session, Outbound& out, RequestScope* scope) {
  const json& id = message.id();
  std::string method = message.method();
  auto entry = methods_.find(method);
  if (entry == methods_.end()) return jsonrpc::make_error(id, jsonrpc::kMethodNotFound, "Method not found: " + method);
  if (!session.initialized() && method != "initialize" && method != "ping") {
    return jsonrpc::make_error(id, jsonrpc::kInvalidRequest, "Server not initialized: send initialize first");
  }
  std::optional<McpServer::Outcome> outcome = server_.run_method(entry->second, message, session, session, out, scope);
  if (!outcome) return std::nullopt;  // the client no longer wants an answer
  return McpServer::respond(id, std::move(*outcome));
}

McpServer::Outcome LegacyWire::initialize(const McpServer::Request& r) {
  auto requested = r.params.find("protocolVersion");
  if (requested == r.params.end() || !requested->is_string()) {
    return invalid_params("initialize requires params.protocolVersion (a string)");
  }
  if (!r.params.contains("capabilities") || !r.params["capabilities"].is_object()) {
    return invalid_params("initialize requires params.capabilities (an object)");
  }
  std::string version = protocol::negotiate(requested->get<std::string>(), server_.versions_of_era(false));
  json client_info = r.params.value("clientInfo", json::object());
  if (!r.session.begin(version, r.params["capabilities"], client_info)) {
    return RpcError{jsonrpc::kInvalidRequest, "Session is already initialized", nullptr};
  }
  json result = {{"protocolVersion", version},
                 {"capabilities", server_.capabilities(version)},
                 {"serverInfo", server_.server_info(version)}};
  if (!server_.options().instructions.empty()) result["instructions"] = server_.options().instructions;
  if (!server_.initialize_meta_.empty()) result["_meta"] = server_.initialize_meta_;
  return result;
}

}  // namespace mcp::server::wire

namespace mcp::server {

using json = nlohmann::json;

bool MessageHandler::accepts_batches(const std::string& version) const {
  auto revision = protocol::find_revision(version);
  return revision && revision->batches_required;
}

std::optional<json> handle_batch(MessageHandler& handler, const std::vector<jsonrpc::ParseOutcome>& batch,
                                 Session& session, Outbound& out) {
  if (!session.initialized() || !handler.accepts_batches(session.protocol_version())) {
    std::string version = session.initialized() ? session.protocol_version() : "an uninitialized session";
    return jsonrpc::make_error(nullptr, jsonrpc::kInvalidRequest, "Invalid Request: batches are not accepted in " + version);
  }
  if (batch.empty()) return jsonrpc::make_error(nullptr, jsonrpc::kInvalidRequest, "Invalid Request: empty batch");
  json responses = json::array();
  for (const jsonrpc::ParseOutcome& item : batch) {
    if (const auto* rejection = std::get_if<jsonrpc::Rejection>(&item)) {
      responses.push_back(handler.reject(*rejection));
      continue;
    }
    const auto& message = std::get<jsonrpc::Message>(item);
    if (message.is_request() && message.method() == "initialize") {
      responses.push_back(jsonrpc::make_error(message.id(), jsonrpc::kInvalidRequest,
                                              "Invalid Request: initialize must not be part of a batch"));
    } else if (auto response = handler.handle_message(message, session, out)) {
      responses.push_back(std::move(*response));
    }
  }
  if (responses.empty()) return std::nullopt;
  return responses;
}

}  // namespace mcp::server
