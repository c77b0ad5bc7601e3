#include "reference-server/wire/rev2026_07_28/per_request_wire.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "mcp/profile_meta.h"
#include "mcp/protocol_version.h"

namespace mcp::server {

using json = nlohmann::json;
namespace protocol = mcp::protocol;

namespace {

// caching.mdx: list and read results say how long they stay fresh and for whom.
// The catalogue changes only with a deploy; resource contents may be live data.
struct CachePolicy {
  const char* method;
  long long ttl_ms;
  const char* scope;
};
constexpr CachePolicy kCachePolicies[] = {
    {"server/discover", 300000, "public"},          {"tools/list", 300000, "public"},
    {"prompts/list", 300000, "public"},             {"resources/list", 300000, "public"},
    {"resources/templates/list", 300000, "public"}, {"resources/read", 0, "private"},
};

RpcError meta_error(const std::string& what) { return invalid_params("Invalid params: " + what); }

}  // namespace

bool is_per_request(const jsonrpc::Message& message) {
  if (!message.is_request()) return false;
  if (message.method() == "server/discover") return true;
  const json& params = message.params();
  auto meta = params.find("_meta");
  // Either required field marks the modern era, so that a request missing the other
  // one is refused as malformed (-32602) rather than served as legacy traffic.
  return meta != params.end() && meta->is_object() &&
         (meta->contains(protocol::kMetaProtocolVersion) || meta->contains(protocol::kMetaClientCapabilities));
}

std::optional<RpcError> per_request_meta_error(const json& params) {
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) {
    return meta_error("params._meta with io.modelcontextprotocol/protocolVersion and clientCapabilities is required");
  }
  auto version = meta->find(protocol::kMetaProtocolVersion);
  if (version == meta->end() || !version->is_string()) {
    return meta_error(std::string(protocol::kMetaProtocolVersion) + " (a string) is required in _meta");
  }
  auto capabilities = meta->find(protocol::kMetaClientCapabilities);
  if (capabilities == meta->end() || !capabilities->is_object()) {
    return meta_error(std::string(protocol::kMetaClientCapabilities) + " (an object) is required in _meta");
  }
  if (auto level = meta->find(protocol::kMetaLogLevel); level != meta->end()) {
    if (!level->is_string() || log_severity(level->get<std::string>()) < 0) {
      return meta_error(std::string(protocol::kMetaLogLevel) + " must be an RFC 5424 level name");
    }
  }
  return std::nullopt;
}

}  // namespace mcp::server

namespace mcp::server::wire {

PerRequestWire::PerRequestWire(McpServer& server) : server_(server) {
  // 2026-07-28 removed initialize, ping, logging/setLevel and resources/(un)subscribe;
  // server/discover and subscriptions/listen exist only here.
  methods_ = server_.shared_methods();
  methods_["server/discover"] = [this](const McpServer::Request& r) { return discover(r); };
  methods_["subscriptions/listen"] = [this](const McpServer::Request& r) { return listen(r); };
  methods_["tasks/get"] = [this](const McpServer::Request& r) { return get_task(r); };
  methods_["tasks/update"] = [this](const McpServer::Request& r) { return update_task(r); };
  methods_["tasks/cancel"] = [this](const McpServer::Request& r) { return cancel_task(r); };
}

std::optional<json> PerRequestWire::handle(const jsonrpc::Message& message, Session& connection, Outbound& out,
                                          RequestScope* scope) {
  if (auto refused = check_meta(message)) return refused;
  auto entry = methods_.find(message.method());
  if (entry == methods_.end()) {
    return jsonrpc::make_error(message.id(), jsonrpc::kMethodNotFound, "Method not found: " + message.method());
  }
  Session request(connection.id());
  if (auto refused = open_request(message, connection, request)) return refused;
  std::optional<McpServer::Outcome> outcome = server_.run_method(entry->second, message, request, connection, out, scope);
  if (!outcome) return std::nullopt;
  if (auto* result = std::get_if<json>(&*outcome)) shape_result(message.method(), request.protocol_version(), *result);
  // "Implementations of this protocol version MUST NOT emit these codes: -32002 —
  // resource not found (... replaced by -32602)."
  if (auto* error = std::get_if<RpcError>(&*outcome); error && error->code == jsonrpc::kResourceNotFound) {
    error->code = jsonrpc::kInvalidParams;
  }
  return McpServer::respond(message.id(), std::move(*outcome));
}

std::optional<json> PerRequestWire::check_meta(const jsonrpc::Message& message) const {
  if (auto error = per_request_meta_error(message.params())) return McpServer::respond(message.id(), *error);
  std::string version = message.params()["_meta"][protocol::kMetaProtocolVersion].get<std::string>();
  std::vector<std::string> versions = server_.per_request_versions();
  if (std::find(versions.begin(), versions.end(), version) != versions.end()) return std::nullopt;
  return jsonrpc::make_error(message.id(), jsonrpc::kUnsupportedProtocolVersion, "Unsupported protocol version: " + version,
                             {{"supported", versions}, {"requested", version}});
}

std::optional<json> PerRequestWire::open_request(const jsonrpc::Message& message, const Session& connection,
                                                 Session& request) const {
  const json& params = message.params();
  const json& meta = params["_meta"];
  // Without an authenticated caller, the run id stands in for one (as the session id
  // does in the legacy era), so one agent run's limits do not spill onto another's.
  std::string run = jsonrpc::string_member(meta, mcp::profile::kRunIdMetaKey);
  request.set_principal(connection.authenticated() || run.empty() ? connection.principal() : "run:" + run);
  request.set_owner(connection.owner());  // a run id names limits' scope, never whose data this is
  request.begin(meta[protocol::kMetaProtocolVersion].get<std::string>(), meta[protocol::kMetaClientCapabilities],
                meta.value(protocol::kMetaClientInfo, json::object()));
  if (auto level = meta.find(protocol::kMetaLogLevel); level != meta.end()) {
    request.set_log_level(log_severity(level->get<std::string>()));
  }
  // A retry after an InputRequiredResult: earlier answers in requestState, new ones in inputResponses.
  json answers = json::object();
  if (auto state = params.find("requestState"); state != params.end()) {
    if (!state->is_string()) return McpServer::respond(message.id(), meta_error("requestState must be a string"));
    static const json kNoArguments = json::object();
    RequestBinding binding{request.principal(), input_target(message.method(), jsonrpc::string_member(params, "name")),
                           params.contains("arguments") ? params["arguments"] : kNoArguments};
    StatusOr<json> opened = server_.request_state_.open(state->get<std::string>(), binding, RequestStateSealer::now());
    if (!opened.ok()) return McpServer::respond(message.id(), meta_error(opened.status().message()));
    answers = std::move(opened).value();
  }
  if (auto responses = params.find("inputResponses"); responses != params.end()) {
    if (!responses->is_object()) return McpServer::respond(message.id(), meta_error("inputResponses must be an object"));
    answers.update(*responses);
  }
  request.set_input_responses(std::move(answers));
  return std::nullopt;
}

void PerRequestWire::shape_result(const std::string& method, const std::string& version, json& result) const {
  if (!result.contains("resultType")) result["resultType"] = "complete";
  json& meta = result["_meta"];
  if (!meta.is_object()) meta = json::object();
  meta[protocol::kMetaServerInfo] = server_.server_info(version);
  if (result["resultType"] != "complete") return;
  for (const CachePolicy& policy : kCachePolicies) {
    if (method != policy.method) continue;
    result["ttlMs"] = policy.ttl_ms;
    result["cacheScope"] = policy.scope;
  }
}

McpServer::Outcome PerRequestWire::discover(const McpServer::Request& r) {
  std::string version = r.session.protocol_version();
  json result = {{"supportedVersions", server_.per_request_versions()}, {"capabilities", server_.capabilities(version)}};
  if (server_.tasks_) result["capabilities"]["extensions"][kTasksExtension] = json::object();
  if (!server_.options().instructions.empty()) result["instructions"] = server_.options().instructions;
  if (!server_.initialize_meta_.empty()) result["_meta"] = server_.initialize_meta_;
  return result;
}

// subscriptions/listen: acknowledge first, then hold the stream open until the client
// cancels it (closing the HTTP stream, or notifications/cancelled on stdio). The
// catalogue never changes while served, so list_changed types are left out of the
// agreement; resource subscriptions are honoured (no change is ever due), and the
// tasks named in taskIds get notifications/tasks whenever their state changes.
McpServer::Outcome PerRequestWire::listen(const McpServer::Request& r) {
  auto filter = r.params.find("notifications");
  if (filter == r.params.end() || !filter->is_object()) {
    return invalid_params("subscriptions/listen requires params.notifications (a SubscriptionFilter object)");
  }
  json agreed = json::object();
  if (auto uris = filter->find("resourceSubscriptions"); uris != filter->end() && uris->is_array()) {
    json known = json::array();
    for (const json& uri : *uris) {
      if (uri.is_string() && server_.resources().read(uri.get<std::string>())) known.push_back(uri);
    }
    agreed["resourceSubscriptions"] = known;
  }
  std::map<std::string, long long> watched;  // task id -> lastUpdated already sent (-1: none yet)
  if (auto ids = filter->find("taskIds"); ids != filter->end()) {
    // SEP-2663: task notifications need the extension on this request.
    if (!declares_tasks_extension(r.session)) return tasks_extension_required("taskIds in subscriptions/listen");
    agreed["taskIds"] = json::array();
    // Bounds: one subscription watches at most 100 tasks, and looks up at most 1,000
    // of the ids it is sent (each is a store lookup); ids past either are not agreed.
    constexpr std::size_t kMaxWatchedTasks = 100;
    constexpr std::size_t kMaxLookedUpIds = 1000;
    std::size_t looked_up = 0;
    for (const json& id : ids->is_array() ? *ids : json::array()) {
      if (!server_.tasks_ || watched.size() == kMaxWatchedTasks || looked_up == kMaxLookedUpIds) break;
      if (!id.is_string()) continue;
      ++looked_up;
      auto task = server_.tasks_->get(r.session.principal(), id.get<std::string>());
      if (!task.ok() || !*task) continue;
      watched[id.get<std::string>()] = -1;
      agreed["taskIds"].push_back(id);
    }
  }
  json subscription = {{protocol::kMetaSubscriptionId, r.id}};
  r.out.send(jsonrpc::make_notification("notifications/subscriptions/acknowledged",
                                        {{"_meta", subscription}, {"notifications", agreed}}));
  while (!r.cancelled->load() && r.out.open()) {
    for (auto& [id, sent] : watched) {
      auto task = server_.tasks_->get(r.session.principal(), id);
      if (!task.ok() || !*task || (*task)->updated_ms == sent) continue;
      sent = (*task)->updated_ms;
      // "Each notification carries a complete DetailedTask for the current status,
      // identical to what tasks/get would have returned at that moment."
      json params = detailed_task(**task);
      params["_meta"] = subscription;
      r.out.send(jsonrpc::make_notification("notifications/tasks", std::move(params)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(watched.empty() ? 50 : 100));
  }
  return json{{"_meta", subscription}};
}

}  // namespace mcp::server::wire
