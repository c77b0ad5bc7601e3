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
  std::string accept = req.get_header_value("Accept");
  return accept.find(type) != std::string::npos || accept.find("*/*") != std::string::npos;
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
