// Helpers of the 2026-07-28 (per-request) checks, wherever their area's folder is: sending a request exactly as a check
// built it (the client adds no _meta), over either transport, and judging protocol
// errors together with the HTTP status the modern era ties to them.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <utility>
#include <vector>
#include <nlohmann/json.hpp>
#include <string>

#include "suites/suite_support.h"

namespace mcp::harness::suites::per_request {

// The answer to one request, with the HTTP reply when the transport is HTTP.
struct Exchange {
  nlohmann::json response;  // null when no JSON-RPC answer came (HTTP error without a body)
  int http_status = 0;      // 0 on stdio
  HttpReply reply;
  std::string describe() const;
};

// Sends `message` unchanged. Over HTTP it goes with the headers a client would send for
// it (MCP-Protocol-Version, Mcp-Method, Mcp-Name), then `headers` (a value "" removes one).
StatusOr<Exchange> send_as_is(McpClient& client, const nlohmann::json& message,
                              const std::map<std::string, std::string>& headers = {});

// A request with the harness's per-request _meta, edited by `edit_meta` first.
nlohmann::json request_with_meta(const McpClient& client, const nlohmann::json& id, const std::string& method,
                                 nlohmann::json params, const std::function<void(nlohmann::json& meta)>& edit_meta = {});

// The exchange is a JSON-RPC error with `code` and, over HTTP, the status `http_status`.
Failure expect_refusal(const Exchange& exchange, int code, int http_status, const std::string& what);

// What subscriptions/listen produced before the harness cancelled it: the messages
// carrying its subscription id and its response, in arrival order.
struct Listen {
  std::vector<nlohmann::json> related;
};
// Whether `message` is subscriptions/listen's response under `id` or carries its subscription id.
bool belongs_to(const nlohmann::json& message, const nlohmann::json& id);
// Opens a subscription, keeps what belongs to it for up to `window` (or until
// `enough` messages), then cancels it: notifications/cancelled on stdio, closing the
// response stream over HTTP. `edit_meta` adjusts the request's _meta first.
StatusOr<Listen> listen_briefly(McpClient& client, const nlohmann::json& id, const nlohmann::json& filter, std::size_t enough,
                                std::chrono::milliseconds window, const std::function<void(nlohmann::json&)>& edit_meta = nullptr);

// The answers this harness gives to a server's input requests (mrtr.mdx): accept an
// elicitation with values its schema allows, a canned sampling reply, no roots.
nlohmann::json answer_input_request(const nlohmann::json& request);

// The client capabilities an input request needs ("elicitation", "sampling", "roots"); empty if unknown.
std::string capability_for(const std::string& method);

// What is wrong with a modern result's caching fields (caching.mdx), or "".
std::string caching_problem(const nlohmann::json& result);
// The results a check can gather from any server: discover, the first page of every
// list it declares, and the first listed resource read; {method, result}.
StatusOr<std::vector<std::pair<std::string, nlohmann::json>>> sample_results(Session& s);

inline const std::string kModernDocs = "2026-07-28";
// Checks that call tools to watch what comes back call at most this many.
inline constexpr std::size_t kMaxToolsCalled = 10;

}  // namespace mcp::harness::suites::per_request
