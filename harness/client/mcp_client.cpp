#include "harness/client/mcp_client.h"

#include <unistd.h>

#include <atomic>
#include <set>

#include "mcp/json_rpc.h"
#include "mcp/official_schemas.h"
#include "mcp/profile_meta.h"
#include "mcp/protocol_version.h"

namespace mcp::harness {

using json = nlohmann::json;

void ViolationSink::add(SchemaViolation v) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (violations_.size() < 500) violations_.push_back(std::move(v));
}

std::vector<SchemaViolation> ViolationSink::all() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return violations_;
}

void ViolationSink::add_breach(CapabilityBreach b) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (breaches_.size() < 500) breaches_.push_back(std::move(b));
}

std::vector<CapabilityBreach> ViolationSink::breaches() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return breaches_;
}

namespace {
// The parts of a tool a pinned client depends on; titles and descriptions may change.
json contract_of(const json& tool) {
  return {{"inputSchema", tool.value("inputSchema", json())}, {"outputSchema", tool.value("outputSchema", json())}};
}
constexpr std::size_t kMaxToolsObserved = 2000;
}  // namespace

void ViolationSink::observe_tools(const json& tools) {
  if (!tools.is_array()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const json& tool : tools) {
    if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
    const std::string name = tool["name"];
    auto first = first_tools_.find(name);
    if (first == first_tools_.end()) {
      if (first_tools_.size() < kMaxToolsObserved) first_tools_.emplace(name, tool);
      continue;
    }
    if (!drifts_.count(name) && contract_of(first->second) != contract_of(tool)) drifts_[name] = {name, first->second, tool};
  }
}

std::vector<ToolDrift> ViolationSink::drifts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ToolDrift> out;
  for (const auto& [name, drift] : drifts_) out.push_back(drift);
  return out;
}

std::size_t ViolationSink::tools_observed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return first_tools_.size();
}

std::string undeclared_capability(const json& message, const json& server_capabilities, bool per_request,
                                  bool logs_requested) {
  if (!message.is_object() || !message.contains("method") || !message["method"].is_string()) return "";
  const std::string method = message["method"];
  if (per_request && message.contains("id")) {
    return method + " is a server-to-client request, which 2026-07-28 removed (input-required results replace them)";
  }
  if (per_request && method == "notifications/message" && !logs_requested) {
    return "notifications/message for a request without io.modelcontextprotocol/logLevel in its _meta";
  }
  auto declared = [&](const char* capability, const char* flag) {
    if (!server_capabilities.is_object() || !server_capabilities.contains(capability)) return false;
    const json& value = server_capabilities[capability];
    return flag == nullptr || (value.is_object() && value.value(flag, false) == true);
  };
  struct Rule {
    const char* method;
    const char* capability;
    const char* flag;
  };
  static const Rule kServerRules[] = {{"notifications/tools/list_changed", "tools", "listChanged"},
                                      {"notifications/resources/list_changed", "resources", "listChanged"},
                                      {"notifications/resources/updated", "resources", "subscribe"},
                                      {"notifications/prompts/list_changed", "prompts", "listChanged"},
                                      {"notifications/message", "logging", nullptr}};
  for (const Rule& rule : kServerRules) {
    if (method != rule.method || declared(rule.capability, rule.flag)) continue;
    return method + " needs capabilities." + rule.capability + (rule.flag ? std::string(".") + rule.flag : "") +
           " declared by the server";
  }
  // This harness declares no client capabilities, so no server request may need one.
  for (const char* request : {"sampling/createMessage", "elicitation/create", "roots/list"}) {
    if (method == request) return method + " needs a client capability the harness did not declare";
  }
  return "";
}

json initialize_params(const std::string& version) {
  return {{"protocolVersion", version},
          {"capabilities", json::object()},
          {"clientInfo", {{"name", "mcp-harness"}, {"version", "0.1.0"}}}};
}

json per_request_meta(const std::string& version, json client_capabilities) {
  return {{protocol::kMetaProtocolVersion, version},
          {protocol::kMetaClientCapabilities, std::move(client_capabilities)},
          {protocol::kMetaClientInfo, {{"name", "mcp-harness"}, {"version", "0.1.0"}}}};
}

McpClient::McpClient(std::unique_ptr<Connection> connection, ViolationSink* violations,
                     std::chrono::milliseconds timeout)
    : connection_(std::move(connection)), violations_(violations), timeout_(timeout) {}

void McpClient::expect_response(const json& id, const std::string& method) { pending_methods_[id.dump()] = method; }

StatusOr<json> McpClient::request(const std::string& method, json params) {
  return request_with_id(next_id(), method, std::move(params));
}

Status McpClient::send_request(const json& id, const std::string& method, json params) {
  expect_response(id, method);
  if (per_request_ && params.is_object()) {
    // Fields a check set itself (another version, other capabilities) win.
    json& meta = params["_meta"];
    if (!meta.is_object()) meta = json::object();
    for (auto field = request_meta_.begin(); field != request_meta_.end(); ++field) {
      if (!meta.contains(field.key())) meta[field.key()] = *field;
    }
    asked_for_logs_ |= meta.contains(protocol::kMetaLogLevel);
  }
  return connection_->send(jsonrpc::make_request(id, method, std::move(params)));
}

StatusOr<json> McpClient::request_with_id(const json& id, const std::string& method, json params) {
  RETURN_IF_ERROR(send_request(id, method, std::move(params)));
  auto response = await_response(id, deadline_in(timeout_));
  if (!response.ok()) {
    std::string diagnostics = connection_->diagnostics();
    return Status(response.status().code(), "no response to " + method + ": " + response.status().message() +
                                                (diagnostics.empty() ? "" : " (" + diagnostics + ")"));
  }
  return response;
}

Status McpClient::notify(const std::string& method, json params) {
  return connection_->send(jsonrpc::make_notification(method, std::move(params)));
}

StatusOr<json> McpClient::receive_validated(Deadline deadline) {
  auto message = connection_->receive(deadline);
  if (message.ok()) validate(*message);
  return message;
}

StatusOr<json> McpClient::await_response(const json& id, Deadline deadline) {
  json other_id;  // the id of a response that was not ours, if one came
  for (;;) {
    StatusOr<json> received = receive_validated(deadline);
    if (!received.ok()) {
      // Say what did come: an answer under another id ("1" for 1) is the server's
      // JSON-RPC failure, not silence.
      if (!other_id.is_null() && received.status().code() == StatusCode::kDeadlineExceeded) {
        return Status(StatusCode::kFailedPrecondition,
                      kMismatchedIdPrefix + jsonrpc::serialize(other_id) + " instead of " + jsonrpc::serialize(id) +
                          " (JSON-RPC ids are echoed exactly: a string is not a number)");
      }
      return received.status();
    }
    json message = std::move(received).value();
    bool is_response = message.is_object() && !message.contains("method") &&
                       (message.contains("result") || message.contains("error"));
    if (is_response && message.value("id", json()) == id) return message;
    if (is_response && message.contains("id")) other_id = message["id"];
    (void)push_bounded(others_, std::move(message), kMaxOthers);
  }
}

StatusOr<json> McpClient::next_message(Deadline deadline) {
  if (!others_.empty()) {
    json message = std::move(others_.front());
    others_.pop_front();
    return message;
  }
  return receive_validated(deadline);
}

StatusOr<json> McpClient::next_reply_or_silence(const std::string& marker_method, Deadline deadline,
                                                std::chrono::milliseconds grace) {
  const json marker = next_id_++;  // numeric, as every other request: a server that mangles string ids still echoes it
  RETURN_IF_ERROR(send_request(marker, marker_method));
  for (bool marker_answered = false;;) {
    auto message = next_message(deadline);
    if (!message.ok()) {
      if (!marker_answered) return message.status();
      return not_found("no reply, although the server answered a " + marker_method + " sent after it (waited " +
                       std::to_string(grace.count()) + " ms more)");
    }
    // Only objects (and batch arrays) are replies; a stray number or string on stdout is not.
    if (!message->is_object() && !message->is_array()) continue;
    if (message->is_object() && message->contains("method")) continue;
    if (message->is_object() && message->value("id", json()) == marker) {
      marker_answered = true;
      deadline = std::min(deadline, deadline_in(grace));
      continue;
    }
    return message;
  }
}

std::vector<json> McpClient::take_others() {
  std::vector<json> taken(std::make_move_iterator(others_.begin()), std::make_move_iterator(others_.end()));
  others_.clear();
  return taken;
}

StatusOr<json> McpClient::handshake(const std::string& version) {
  version_ = version;
  if (protocol::is_modern(version)) {
    per_request_ = true;
    static std::atomic<unsigned long long> clients{0};
    request_meta_ = per_request_meta(version);
    request_meta_[mcp::profile::kRunIdMetaKey] = "harness-" + std::to_string(::getpid()) + "-" + std::to_string(++clients);
    connection_->set_protocol_version(version);
    ASSIGN_OR_RETURN(json response, request("server/discover", json::object()));
    if (!response.contains("result")) {
      return failed_precondition("server/discover failed: " + jsonrpc::serialize(response.value("error", json())));
    }
    handshake_response_ = response;
    return response;
  }
  ASSIGN_OR_RETURN(json response, request("initialize", initialize_params(version)));
  if (!response.contains("result")) {
    return failed_precondition("initialize failed: " + jsonrpc::serialize(response.value("error", json())));
  }
  const json& result = response["result"];
  if (result.is_object() && result.contains("protocolVersion") && result["protocolVersion"].is_string()) {
    version_ = result["protocolVersion"].get<std::string>();
  }
  connection_->set_protocol_version(version_);
  handshake_response_ = response;
  RETURN_IF_ERROR(notify("notifications/initialized"));
  return response;
}

void McpClient::validate(const json& message) {
  std::string answered;
  if (message.is_object() && message.contains("id") && !message.contains("method")) {
    auto it = pending_methods_.find(message["id"].dump());
    if (it != pending_methods_.end()) {
      answered = std::move(it->second);
      pending_methods_.erase(it);  // a long run (fuzz, load) must not keep every id it ever sent
    }
  }
  if (!violations_) return;
  if (answered == "tools/list" && message.contains("result") && message["result"].is_object()) {
    violations_->observe_tools(message["result"].value("tools", json()));
  }
  if (!handshake_response_.is_null()) {
    std::string rule = undeclared_capability(message, handshake_response_["result"].value("capabilities", json::object()),
                                             per_request_, asked_for_logs_);
    if (!rule.empty()) {
      std::string text = jsonrpc::serialize(message);
      connection_->transcript().add("note", "capability breach: " + rule);
      violations_->add_breach({rule, text.size() > 400 ? text.substr(0, 397) + "..." : text});
    }
  }
  const SchemaValidator* schema = official_schema(version_);
  if (!schema) return;  // a version the server made up: lifecycle checks report that
  for (const SchemaError& e : validate_server_message(*schema, message, answered)) {
    std::string text = jsonrpc::serialize(message);
    if (text.size() > 400) text = text.substr(0, 397) + "...";
    connection_->transcript().add("note", "schema violation at \"" + e.instance_pointer + "\": " + e.message);
    violations_->add({version_, e.instance_pointer, e.message, text});
  }
}

StatusOr<ListWalk> walk_list(McpClient& client, const std::string& method, const std::string& key,
                             std::size_t max_pages) {
  ListWalk walk;
  std::set<std::string> cursors;
  json params = json::object();
  for (std::size_t page = 0; page < max_pages; ++page) {
    ASSIGN_OR_RETURN(json response, client.request(method, params));
    if (!response.contains("result") || !response["result"].is_object()) {
      return failed_precondition(method + " answered without a result object: " + jsonrpc::serialize(response).substr(0, 300));
    }
    const json& result = response["result"];
    walk.pages.push_back(result);
    if (!result.contains(key) || !result[key].is_array()) {
      return failed_precondition(method + " result has no \"" + key + "\" array: " + jsonrpc::serialize(result).substr(0, 300));
    }
    for (const json& item : result[key]) walk.items.push_back(item);
    auto next = result.find("nextCursor");
    if (next == result.end() || next->is_null()) return walk;
    if (!next->is_string()) return failed_precondition(method + " nextCursor is not a string: " + next->dump());
    if (!cursors.insert(next->get<std::string>()).second) {
      return failed_precondition(method + " returned the same nextCursor twice (" + next->dump() + "): the list never ends");
    }
    params = {{"cursor", *next}};
  }
  return failed_precondition(method + " still returned nextCursor after " + std::to_string(max_pages) + " pages");
}

}  // namespace mcp::harness
