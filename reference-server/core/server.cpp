#include "reference-server/core/server.h"

#include <algorithm>
#include <charconv>

#include "mcp/base64.h"
#include "mcp/protocol_version.h"
#include "reference-server/core/event_log.h"
#include "reference-server/wire/legacy/legacy_wire.h"
#include "reference-server/wire/rev2026_07_28/per_request_wire.h"

namespace mcp::server {

using json = nlohmann::json;

RpcError invalid_params(std::string message, json data) {
  return {jsonrpc::kInvalidParams, std::move(message), std::move(data)};
}

namespace {

// Slices `items` into the page `cursor` names; an error for a cursor we did not mint.
std::variant<json, RpcError> page_of(const json& items, const json& params, std::string_view list,
                                     std::size_t page_size, const char* key) {
  std::size_t offset = 0;
  if (auto c = params.find("cursor"); c != params.end() && !c->is_null()) {
    std::optional<std::size_t> decoded = c->is_string() ? decode_cursor(list, c->get<std::string>()) : std::nullopt;
    if (!decoded || *decoded > items.size()) return invalid_params("Invalid cursor", {{"cursor", *c}});
    offset = *decoded;
  }
  std::size_t end = std::min(items.size(), offset + std::max<std::size_t>(page_size, 1));
  json result = {{key, json(items.begin() + static_cast<long>(offset), items.begin() + static_cast<long>(end))}};
  if (end < items.size()) result["nextCursor"] = encode_cursor(list, end);
  return result;
}

}  // namespace

std::string encode_cursor(std::string_view list, std::size_t offset) {
  return base64url_encode(std::string(list) + ":" + std::to_string(offset));
}

std::optional<std::size_t> decode_cursor(std::string_view list, const std::string& cursor) {
  auto raw = base64_decode(cursor);
  if (!raw || raw->size() <= list.size() + 1 || raw->compare(0, list.size(), list) != 0 || (*raw)[list.size()] != ':') {
    return std::nullopt;
  }
  std::size_t offset = 0;
  const char* begin = raw->data() + list.size() + 1;
  const char* end = raw->data() + raw->size();
  auto [ptr, ec] = std::from_chars(begin, end, offset);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return offset;
}

McpServer::McpServer(ServerOptions options)
    : options_(std::move(options)), request_state_(options_.request_state_key) {
  if (options_.supported_versions.empty()) {
    options_.supported_versions = protocol::legacy_version_names();
    for (std::string& modern : protocol::modern_version_names()) options_.supported_versions.push_back(std::move(modern));
  }
  legacy_wire_ = std::make_unique<wire::LegacyWire>(*this);
  per_request_wire_ = std::make_unique<wire::PerRequestWire>(*this);
}

McpServer::~McpServer() = default;

McpServer::MethodTable McpServer::shared_methods() {
  auto bind = [this](Outcome (McpServer::*method)(const Request&)) {
    return [this, method](const Request& r) { return (this->*method)(r); };
  };
  return {
      {"tools/list", bind(&McpServer::list_tools)},
      {"tools/call", bind(&McpServer::call_tool)},
      {"resources/list", bind(&McpServer::list_resources)},
      {"resources/templates/list", bind(&McpServer::list_resource_templates)},
      {"resources/read", bind(&McpServer::read_resource)},
      {"prompts/list", bind(&McpServer::list_prompts)},
      {"prompts/get", bind(&McpServer::get_prompt)},
      {"completion/complete", bind(&McpServer::complete)},
  };
}

std::vector<std::string> McpServer::versions_of_era(bool modern) const {
  std::vector<std::string> versions;
  for (const std::string& v : options_.supported_versions) {
    if (protocol::is_modern(v) == modern) versions.push_back(v);
  }
  return versions;
}

std::optional<json> McpServer::handle_text(std::string_view text, Session& session, Outbound& out) {
  jsonrpc::ParseOutcome parsed = jsonrpc::parse(text);
  if (auto* rejection = std::get_if<jsonrpc::Rejection>(&parsed)) return reject(*rejection);
  return handle_message(std::get<jsonrpc::Message>(parsed), session, out);
}

std::optional<json> McpServer::handle_message(const jsonrpc::Message& message, Session& session, Outbound& out) {
  if (message.is_notification()) {
    handle_notification(message, session);
    return std::nullopt;
  }
  if (message.is_response()) {
    // The answer to a request a tool sent the client; stray answers are dropped.
    session.client_requests().resolve(message);
    return std::nullopt;
  }
  std::unique_ptr<RequestScope> scope = observer_ ? observer_->start(message, session) : nullptr;
  std::optional<json> response = is_per_request(message) ? per_request_wire_->handle(message, session, out, scope.get())
                                                         : legacy_wire_->handle(message, session, out, scope.get());
  if (scope) scope->finish(response);
  return response;
}

std::optional<McpServer::Outcome> McpServer::run_method(const Method& method, const jsonrpc::Message& message, Session& state,
                                                        Session& connection, Outbound& out, RequestScope* scope) {
  const json& id = message.id();
  CancelFlag cancelled = connection.track_request(id);
  Outcome outcome = RpcError{jsonrpc::kInternalError, "Internal error", nullptr};
  try {
    outcome = method(Request{id, message.params(), state, out, cancelled, scope});
  } catch (const std::exception& e) {
    // A handler bug must cost one request, never the process; the details go to the
    // server's log, the client gets a plain -32603.
    log_event("error", "handler_failed", {{"method", message.method()}, {"error", e.what()}});
  }
  connection.finish_request(id);
  if (cancelled->load()) return std::nullopt;
  return outcome;
}

json McpServer::respond(const json& id, Outcome outcome) {
  if (auto* error = std::get_if<RpcError>(&outcome)) return jsonrpc::make_error(id, error->code, error->message, error->data);
  return jsonrpc::make_result(id, std::move(std::get<json>(outcome)));
}

void McpServer::handle_notification(const jsonrpc::Message& message, Session& session) {
  std::string method = message.method();
  const json& params = message.params();
  if (method == "notifications/initialized") {
    session.mark_client_ready();
  } else if (method == "notifications/cancelled" && params.contains("requestId")) {
    session.cancel_request(params.at("requestId"));
  }
  // Other notifications need no action; a notification never gets a response.
}

json McpServer::capabilities(const std::string& version) const {
  json declared = {{"tools", {{"listChanged", false}}},
                   {"resources", {{"subscribe", true}, {"listChanged", false}}},
                   {"prompts", {{"listChanged", false}}},
                   {"logging", json::object()}};
  // 2025-11-25 utilities/tasks; 2026-07-28 declares the extension in server/discover instead.
  if (tasks_ && version == "2025-11-25") {
    declared["tasks"] = {{"list", json::object()}, {"cancel", json::object()}, {"requests", {{"tools", {{"call", json::object()}}}}}};
  }
  // The completions capability exists from 2025-03-26 on; declare it only with something to offer.
  if (offers_completions() && protocol::revision_or_oldest(version).completions) declared["completions"] = json::object();
  return declared;
}

bool McpServer::offers_completions() const {
  for (const PromptSpec& prompt : prompts_.all()) {
    for (const PromptArgument& argument : prompt.arguments) {
      if (!argument.completions.empty()) return true;
    }
  }
  for (const ResourceTemplateSpec& t : resources_.templates()) {
    if (!t.completions.empty()) return true;
  }
  return false;
}

json McpServer::server_info(const std::string& version) const {
  json info = {{"name", options_.name}, {"version", options_.version}};
  if (protocol::revision_or_oldest(version).server_title) info["title"] = options_.title;
  return info;
}

McpServer::Outcome McpServer::ping(const Request&) { return json::object(); }

json McpServer::tool_listing(const RegisteredTool& tool, std::string_view version) const {
  const ToolSpec& spec = tool.spec;
  json entry = {{"name", spec.name}, {"inputSchema", spec.input_schema}};
  if (!spec.description.empty()) entry["description"] = spec.description;
  if (tasks_ && version == "2025-11-25" && spec.task_support != TaskSupport::kForbidden) {
    entry["execution"] = {{"taskSupport", task_support_name(spec.task_support)}};
  }
  const protocol::Revision& revision = protocol::revision_or_oldest(version);
  if (!spec.annotations.is_null() && revision.tool_annotations) {
    entry["annotations"] = spec.annotations;
  }
  if (revision.structured_content) {
    if (!spec.title.empty()) entry["title"] = spec.title;
    if (!spec.output_schema.is_null()) entry["outputSchema"] = spec.output_schema;
    if (!spec.meta.is_null()) entry["_meta"] = spec.meta;
  }
  return entry;
}

McpServer::Outcome McpServer::list_tools(const Request& r) {
  std::string version = r.session.protocol_version();
  json items = json::array();
  for (const RegisteredTool& tool : tools_.all()) items.push_back(tool_listing(tool, version));
  return page_of(items, r.params, "tools", options_.page_size, "tools");
}

json McpServer::execution_counts() const {
  if (shared_executions_.read) return shared_executions_.read();
  std::lock_guard<std::mutex> lock(executions_mutex_);
  return json(executions_);
}

McpServer::Outcome McpServer::list_resources(const Request& r) {
  json items = json::array();
  for (const ResourceSpec& spec : resources_.resources()) items.push_back(resources_.listing(spec));
  return page_of(items, r.params, "resources", options_.page_size, "resources");
}

McpServer::Outcome McpServer::list_resource_templates(const Request& r) {
  json items = json::array();
  for (const ResourceTemplateSpec& spec : resources_.templates()) items.push_back(resources_.listing(spec));
  return page_of(items, r.params, "templates", options_.page_size, "resourceTemplates");
}

McpServer::Outcome McpServer::read_resource(const Request& r) {
  auto uri = r.params.find("uri");
  if (uri == r.params.end() || !uri->is_string()) return invalid_params("resources/read requires params.uri (a string)");
  auto contents = resources_.read(uri->get<std::string>());
  // -32002; the per-request wire answers -32602, which replaced it in 2026-07-28.
  if (!contents) return RpcError{jsonrpc::kResourceNotFound, "Resource not found", {{"uri", *uri}}};
  return json{{"contents", *contents}};
}

McpServer::Outcome McpServer::subscribe(const Request& r) {
  auto uri = r.params.find("uri");
  if (uri == r.params.end() || !uri->is_string()) return invalid_params("resources/subscribe requires params.uri (a string)");
  if (!resources_.read(uri->get<std::string>())) return RpcError{jsonrpc::kResourceNotFound, "Resource not found", {{"uri", *uri}}};
  // The catalogue's resources do not change while served, so no update is ever due;
  // the subscription is kept so that a changing resource can notify its subscribers.
  r.session.subscribe(uri->get<std::string>());
  return json::object();
}

McpServer::Outcome McpServer::unsubscribe(const Request& r) {
  auto uri = r.params.find("uri");
  if (uri == r.params.end() || !uri->is_string()) return invalid_params("resources/unsubscribe requires params.uri (a string)");
  r.session.unsubscribe(uri->get<std::string>());
  return json::object();
}

McpServer::Outcome McpServer::complete(const Request& r) {
  const json& ref = r.params.contains("ref") ? r.params["ref"] : json();
  const json& argument = r.params.contains("argument") ? r.params["argument"] : json();
  if (!ref.is_object() || !ref.contains("type") || !argument.is_object() || !argument.contains("name") ||
      !argument["name"].is_string() || !argument.contains("value") || !argument["value"].is_string()) {
    return invalid_params("completion/complete requires params.ref and params.argument {name, value}");
  }
  std::string name = argument["name"].get<std::string>();
  std::string value = argument["value"].get<std::string>();
  const std::vector<std::string>* candidates = nullptr;
  if (ref["type"] == "ref/prompt" && ref.contains("name") && ref["name"].is_string()) {
    const PromptSpec* prompt = prompts_.find(ref["name"].get<std::string>());
    if (!prompt) return invalid_params("Unknown prompt: " + ref["name"].get<std::string>(), {{"ref", ref}});
    for (const PromptArgument& a : prompt->arguments) {
      if (a.name == name) candidates = &a.completions;
    }
  } else if (ref["type"] == "ref/resource" && ref.contains("uri") && ref["uri"].is_string()) {
    const ResourceTemplateSpec* t = resources_.find_template(ref["uri"].get<std::string>());
    if (!t) return invalid_params("Unknown resource template: " + ref["uri"].get<std::string>(), {{"ref", ref}});
    if (auto it = t->completions.find(name); it != t->completions.end()) candidates = &it->second;
  } else {
    return invalid_params("completion/complete: ref must be ref/prompt with a name or ref/resource with a uri", {{"ref", ref}});
  }
  static const std::vector<std::string> kNone;
  return json{{"completion", complete_from(candidates ? *candidates : kNone, value)}};
}

McpServer::Outcome McpServer::list_prompts(const Request& r) {
  json items = json::array();
  for (const PromptSpec& spec : prompts_.all()) items.push_back(prompts_.listing(spec));
  return page_of(items, r.params, "prompts", options_.page_size, "prompts");
}

McpServer::Outcome McpServer::get_prompt(const Request& r) {
  auto name = r.params.find("name");
  if (name == r.params.end() || !name->is_string()) return invalid_params("prompts/get requires params.name (a string)");
  const PromptSpec* prompt = prompts_.find(name->get<std::string>());
  if (!prompt) return invalid_params("Unknown prompt: " + name->get<std::string>(), {{"name", *name}});
  json arguments = r.params.value("arguments", json::object());
  if (!arguments.is_object()) return invalid_params("prompts/get params.arguments must be an object");
  for (const PromptArgument& arg : prompt->arguments) {
    auto value = arguments.find(arg.name);
    if (value == arguments.end()) {
      if (arg.required) return invalid_params("Missing required argument: " + arg.name, {{"argument", arg.name}});
    } else if (!value->is_string()) {
      return invalid_params("Prompt argument " + arg.name + " must be a string", {{"argument", arg.name}});
    }
  }
  ToolContext context(arguments, json(), r.cancelled, r.session, r.out);
  json result = {{"messages", prompt->render(arguments, context)}};
  if (auto refused = settle_client_input(context, r, "prompts/get", prompt->name, arguments, result)) return *refused;
  if (result.value("resultType", "complete") != "complete") return result;
  if (!prompt->description.empty()) result["description"] = prompt->description;
  return result;
}

McpServer::Outcome McpServer::set_log_level(const Request& r) {
  auto level = r.params.find("level");
  int severity = (level != r.params.end() && level->is_string()) ? log_severity(level->get<std::string>()) : -1;
  if (severity < 0) return invalid_params("Invalid log level", {{"level", r.params.value("level", json())}});
  r.session.set_log_level(severity);
  return json::object();
}

}  // namespace mcp::server
