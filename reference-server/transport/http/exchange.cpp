#include "reference-server/transport/http/exchange.h"

#include "mcp/json_rpc.h"
#include "reference-server/observability/telemetry.h"
#include "reference-server/transport/http/guarded_http_server.h"

namespace mcp::server::http {

using json = nlohmann::json;

void reply_json(httplib::Response& res, int status, const json& body, const std::string& content_type) {
  res.status = status;
  res.set_content(jsonrpc::serialize(body), content_type);
}

Step reply_error(httplib::Response& res, int status, int code, const std::string& message, const json& id) {
  reply_json(res, status, jsonrpc::make_error(id, code, message), "application/json");
  return Step::kRespond;
}

Step reply_refusal(httplib::Response& res, const auth::Refusal& refusal) {
  res.status = refusal.status;
  if (!refusal.www_authenticate.empty()) res.set_header("WWW-Authenticate", refusal.www_authenticate);
  res.set_content(refusal.body().dump(), "application/json");
  return Step::kRespond;
}

Step reply_too_many_inflight(httplib::Response& res, std::size_t limit, const json& id) {
  res.set_header("Retry-After", "1");
  reply_json(res, 503,
             jsonrpc::make_error(id, -32000, "Too many requests in flight for this client; try again after 1 second",
                                 {{"reason", "too_many_in_flight"}, {"limit", limit}, {"retryAfterSeconds", 1}}),
             "application/json");
  return Step::kRespond;
}

bool accepts(const httplib::Request& req, const std::string& type) {
  const std::string& accept = header_value(req, "Accept");
  return accept.find(type) != std::string::npos || accept.find("*/*") != std::string::npos;
}

namespace {
bool same_name(const std::string& a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
}  // namespace

const std::string* find_header(const httplib::Request& req, std::string_view name) {
  for (const auto& [key, value] : req.headers) {
    if (same_name(key, name)) return &value;
  }
  return nullptr;
}

const std::string& header_value(const httplib::Request& req, std::string_view name) {
  static const std::string kAbsent;
  const std::string* found = find_header(req, name);
  return found ? *found : kAbsent;
}

bool has_header(const httplib::Request& req, std::string_view name) { return find_header(req, name) != nullptr; }

std::size_t header_count(const httplib::Request& req, std::string_view name) {
  std::size_t count = 0;
  for (const auto& entry : req.headers) count += same_name(entry.first, name);
  return count;
}

bool client_gone() {
  GuardedSocketStream* stream = GuardedHttpServer::current_stream();
  return stream && stream->peer_closed();
}

std::string correlation_of(const json& body) {
  const json* params = body.contains("params") && body["params"].is_object() ? &body["params"] : nullptr;
  if (!params || !params->contains("_meta") || !(*params)["_meta"].is_object()) return "";
  const json& meta = (*params)["_meta"];
  return meta.contains(obs::kCorrelationMetaKey) && meta[obs::kCorrelationMetaKey].is_string()
             ? meta[obs::kCorrelationMetaKey].get<std::string>()
             : "";
}

}  // namespace mcp::server::http
