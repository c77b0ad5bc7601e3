// Helpers shared by the suites: capability lookups, list traversal across pages,
// and example arguments for read-only tools.
#pragma once

#include <nlohmann/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/verify.h"

namespace mcp::harness::suites {


// An initialized session together with the initialize response.
struct Session {
  McpClient client;
  nlohmann::json initialize_response;
  bool has_capability(const std::string& name) const { return capabilities_of(initialize_response).contains(name); }
};
StatusOr<Session> open_session(CheckContext& ctx);

// An initialized session with every tool listed (all pages), or the outcome to
// report when that is not possible (no tools capability: skip; errors: fail).
struct ToolListing {
  std::optional<Session> session;
  std::vector<nlohmann::json> tools;
  std::optional<Outcome> outcome;
};
ToolListing list_all_tools(CheckContext& ctx);

// The run's tool-call policy (--call-tools, profile tools.callable).
const ToolCallPolicy& call_policy(const CheckContext& ctx);

// The first tool the policy allows and `wanted` accepts whose arguments can be built
// from its schema: {tool, arguments}.
std::optional<std::pair<nlohmann::json, nlohmann::json>> callable_tool(
    const ToolCallPolicy& policy, const std::vector<nlohmann::json>& tools,
    const std::function<bool(const nlohmann::json&)>& wanted);

// Every tool the policy allows and `wanted` accepts whose arguments can be built, at
// most `most`: {tool, arguments}, in listing order.
std::vector<std::pair<nlohmann::json, nlohmann::json>> callable_tools(
    const ToolCallPolicy& policy, const std::vector<nlohmann::json>& tools, std::size_t most,
    const std::function<bool(const nlohmann::json&)>& wanted = [](const nlohmann::json&) { return true; });

// Arguments satisfying a simple input schema (required properties of scalar types,
// enums, bounds), or nullopt when the schema needs more than this can build.
std::optional<nlohmann::json> example_arguments(const nlohmann::json& input_schema);

// A tool whose lifecycle (_meta[lifecycle_key].status) is current, or undeclared.
bool is_current_version(const nlohmann::json& tool, const std::string& lifecycle_key);


// Sends a ping and fails unless its response is the very next message: proves that
// nothing answered an earlier notification.
Failure expect_ping_answered_first(McpClient& client, const std::string& after);

// "HTTP 401 (application/json) {body...}" for failure messages.
std::string describe_reply(const HttpReply& reply);

HttpRequestSpec http_request(std::string method, std::chrono::milliseconds timeout, std::string body = {});
// A POST of a request exactly as `client` would send it, for raw HTTP exchanges: in
// the modern era with the per-request _meta and the Mcp-Method / Mcp-Name headers.
HttpRequestSpec client_request(const McpClient& client, const nlohmann::json& id, const std::string& method,
                               nlohmann::json params = nlohmann::json::object());
// A request every server of the client's era answers: ping, or server/discover (2026-07-28 removed ping).
std::string harmless_method(const McpClient& client);

// What came instead of the response to a request that got none under its id: the
// messages set aside meanwhile (a reply under a wrong id shows there), or the wait's error.
std::string seen_instead(McpClient& client, const Status& waited);

// Sends bytes that are not a valid request. Returns the JSON-RPC reply, or nullopt
// when an HTTP server refused them with a 4xx status and no body (which HTTP allows).
StatusOr<std::optional<nlohmann::json>> send_malformed(McpClient& client, const std::string& text);


// A paginated list method: tools/list, resources/list, resources/templates/list, prompts/list.
struct ListFamily {
  std::string capability;  // "tools"
  std::string method;      // "tools/list"
  std::string key;         // the result's array: "tools"
  std::string identity;    // what tells two items apart: "name", "uri", "uriTemplate"
  // The capability does not promise the method (resources/templates/list): a server
  // answering -32601 does not offer it, and the list's checks skip.
  bool optional_method = false;
};
// A skip when `list` is optional and the server answers its method with -32601.
std::optional<Outcome> skip_unless_offered(Session& s, const ListFamily& list);
// Walks every page and fails when an item appears twice (skips without the capability).
Outcome check_pagination(CheckContext& ctx, const ListFamily& list);
// Sends a cursor the server never issued and expects -32602.
Outcome check_invalid_cursor(CheckContext& ctx, const ListFamily& list);

// The normative ground of checks that validate a result against the official schema
// (index.mdx and basic/index.mdx § Schema): prefixed to what the check requires.
inline const std::string kSchemaIsTheSourceOfTruth =
    "The spec \"defines the authoritative protocol requirements, based on the TypeScript schema\", which \"is the "
    "source of truth for all protocol messages and structures\": ";

// Checks of what 2026-07-28 removed (initialize, sessions, ping, logging/setLevel,
// resources/subscribe, GET streams) end at the last initialize-based revision.
inline const std::string kLastLegacyVersion = "2025-11-25";
// Checks of the per-request era start here.
inline const std::string kFirstModernVersion = "2026-07-28";

// Spec document paths, relative to the specification root.
std::string spec(const std::string& version, const std::string& doc, const std::string& section);

}  // namespace mcp::harness::suites
