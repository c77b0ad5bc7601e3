#include "reference-server/transport/http/per_request_endpoint.h"

#include "mcp/protocol_version.h"
#include "mcp/request_headers.h"
#include "reference-server/transport/http/sse_writer.h"
#include "reference-server/wire/rev2026_07_28/per_request_wire.h"

namespace mcp::server::http {

using json = nlohmann::json;

namespace {

// What is wrong with a modern request's Mcp-Method / Mcp-Name / MCP-Protocol-Version
// headers against its body, or "" when they agree.
std::string header_mismatch(const httplib::Request& req, const jsonrpc::Message& message, bool decode_names) {
  std::string version_header = header_value(req, "MCP-Protocol-Version");
  std::string body_version = message.params()["_meta"][protocol::kMetaProtocolVersion].get<std::string>();
  if (version_header != body_version) {
    return "MCP-Protocol-Version header '" + version_header + "' does not match _meta protocolVersion '" + body_version + "'";
  }
  if (!has_header(req, "Mcp-Method")) return "the Mcp-Method header is required";
  if (header_value(req, "Mcp-Method") != message.method()) {
    return "Mcp-Method header '" + header_value(req, "Mcp-Method") + "' does not match body method '" + message.method() + "'";
  }
  std::optional<std::string> name = mcp_name_source(message.method(), message.params());
  if (!name) return "";
  if (!has_header(req, "Mcp-Name")) return "the Mcp-Name header is required for " + message.method();
  std::optional<std::string> header =
      decode_names ? decode_header_value(header_value(req, "Mcp-Name")) : header_value(req, "Mcp-Name");
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
    if (!has_header(req, parameter.header())) {
      if (in_body) return "the " + parameter.header() + " header is required: the arguments carry its value";
      continue;
    }
    std::string raw = header_value(req, parameter.header());
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

}  // namespace

bool has_modern_version_header(const httplib::Request& req) {
  std::string header = header_value(req, "MCP-Protocol-Version");
  return !header.empty() && protocol::is_modern(header);
}

int per_request_status(const json& response) {
  if (!response.contains("error") || !response["error"].is_object()) return 200;
  int code = response["error"].value("code", 0);
  if (code == jsonrpc::kMethodNotFound) return 404;
  bool protocol_error = code == jsonrpc::kHeaderMismatch || code == jsonrpc::kMissingRequiredClientCapability ||
                        code == jsonrpc::kUnsupportedProtocolVersion;
  return protocol_error ? 400 : 200;
}

Step PerRequestEndpoint::admit(Exchange& x, const jsonrpc::Message& message) {
  const HttpPolicy& policy = context_.policy();
  if (auto error = per_request_meta_error(message.params())) {
    ++meta_refused_;
    reply_json(x.res, policy.protocol_errors_carry_status ? 400 : 200,
               jsonrpc::make_error(message.id(), error->code, error->message), "application/json");
    return Step::kRespond;
  }
  std::string mismatch = policy.validates_request_headers ? header_mismatch(x.req, message, policy.decodes_encoded_names) : "";
  if (mismatch.empty() && policy.validates_header_parameters && message.method() == "tools/call") {
    mismatch = header_parameter_mismatch(
        x.req, message, context_.server.header_parameters(jsonrpc::string_member(message.params(), "name")),
        policy.decodes_encoded_names);
  }
  if (!mismatch.empty()) {
    ++header_mismatch_;
    return reply_error(x.res, 400, jsonrpc::kHeaderMismatch, "Header mismatch: " + mismatch, message.id());
  }
  return tool_scope_.check(x, message);
}

void PerRequestEndpoint::post(Exchange& x, const jsonrpc::Message& message, std::shared_ptr<void> slot) {
  const HttpPolicy& policy = context_.policy();
  // Each request is served on a Session of its own, built from its _meta.
  auto hs = std::make_shared<HttpSession>("");
  hs->principal = x.principal.subject;
  if (!x.principal.subject.empty()) hs->session.set_principal(x.principal.subject);
  if (!message.is_request()) {
    ChannelOutbound out(*hs);
    (void)context_.server.handle_message(message, hs->session, out);
    x.res.status = policy.accepted_status;
    return;
  }
  if (admit(x, message) == Step::kRespond) return;
  // A stream only when notifications may precede the answer (progress, log messages,
  // a subscription), so that errors keep their HTTP status otherwise.
  const json& meta = message.params()["_meta"];
  bool notifies = message.method() == "subscriptions/listen" || meta.contains(protocol::kMetaLogLevel) ||
                  meta.contains("progressToken");
  if (notifies) return stream_answer(context_, x.res, hs, message, std::move(slot));
  DiscardOutbound out;
  std::optional<json> response = context_.server.handle_message(message, hs->session, out);
  if (!response) {
    x.res.status = policy.accepted_status;
    return;
  }
  if (policy.mints_per_request_session_ids) x.res.set_header("Mcp-Session-Id", context_.sessions.new_session_id());
  reply_json(x.res, policy.protocol_errors_carry_status ? per_request_status(*response) : 200, *response,
             policy.json_content_type);
}

void PerRequestEndpoint::refuse_session_method(Exchange& x) {
  x.res.status = context_.policy().per_request_get_delete_status;
  x.res.set_header("Allow", "POST");
}

void PerRequestEndpoint::register_stats(MetricsRegistry& registry) const {
  const char* help = "Modern-era (2026-07-28) HTTP requests refused at admission, by reason.";
  registry.add_counter("mcp_http_per_request_refused_total", help, "reason=\"meta\"", meta_refused_);
  registry.add_counter("mcp_http_per_request_refused_total", help, "reason=\"header_mismatch\"", header_mismatch_);
}

}  // namespace mcp::server::http
