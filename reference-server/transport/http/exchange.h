// One HTTP request on its way through the transport, and the verdict every step of
// the request chain returns (the tool-call filters' Continue / Respond, for HTTP).
// Internal to transport/http/; include only from .cpp files: it pulls in httplib.h.
#pragma once

#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "reference-server/auth/authenticator.h"
#include "reference-server/core/server.h"
#include "reference-server/transport/http/http_transport.h"

namespace mcp::server::http {

class SessionTable;
class InflightLimiter;

struct Exchange {
  const httplib::Request& req;
  httplib::Response& res;
  auth::Principal principal;  // set by the authentication step (anonymous without auth)
  std::string client;         // per-client caps: "principal:..." with auth, else "peer:<address>"
};

// kRespond: the step has written the response; nothing after it runs.
enum class Step { kContinue, kRespond };

// What the endpoints share: the protocol core, the options and policy, the session
// table and per-client caps.
struct Context {
  MessageHandler& server;
  const HttpOptions& options;
  SessionTable& sessions;
  InflightLimiter& inflight;
  const std::atomic<bool>& stopping;
  const HttpPolicy& policy() const { return options.policy; }
};

// Answers with a JSON-RPC error and an HTTP status; always kRespond.
Step reply_error(httplib::Response& res, int status, int code, const std::string& message,
                 const nlohmann::json& id = nullptr);
Step reply_refusal(httplib::Response& res, const auth::Refusal& refusal);
Step reply_too_many_inflight(httplib::Response& res, std::size_t limit, const nlohmann::json& id = nullptr);
void reply_json(httplib::Response& res, int status, const nlohmann::json& body, const std::string& content_type);
bool accepts(const httplib::Request& req, const std::string& type);

// Request headers by case-insensitive name. A scan that compares lengths first: for
// the dozen headers a request has, much cheaper than httplib's lookup, whose
// comparator calls tolower() for every character it compares (5% of a loaded
// server's time went there).
const std::string* find_header(const httplib::Request& req, std::string_view name);
const std::string& header_value(const httplib::Request& req, std::string_view name);  // the first, or ""
bool has_header(const httplib::Request& req, std::string_view name);
std::size_t header_count(const httplib::Request& req, std::string_view name);
// Whether the client of the request this thread serves has closed its connection.
bool client_gone();
// The correlation id a request's _meta names, for audit lines.
std::string correlation_of(const nlohmann::json& body);

}  // namespace mcp::server::http
