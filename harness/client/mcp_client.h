// An MCP client for checks: JSON-RPC ids, waiting for a response while keeping
// everything else the server sends, and schema validation of every message
// against the official schema of the negotiated protocol version.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/client/connection.h"

namespace mcp::harness {

// How a wait ends when the server answered, but under another id than the request's:
// "the server answered with id "1" instead of 1 ...".
inline const std::string kMismatchedIdPrefix = "the server answered with id ";

struct SchemaViolation {
  std::string protocol_version;
  std::string pointer;
  std::string message;
  std::string offending;  // the message, serialised (capped)
};

// A message the server sent for a capability nobody declared: a list_changed
// notification without listChanged, a log message without logging, a sampling
// request to a client that did not offer sampling.
struct CapabilityBreach {
  std::string rule;       // "notifications/tools/list_changed needs capabilities.tools.listChanged"
  std::string offending;  // the message, serialised (capped)
};

// A tool whose contract (inputSchema, outputSchema) differs from the first listing of it.
struct ToolDrift {
  std::string name;
  nlohmann::json first, later;  // the two tool definitions
};

// Collects, from every client of a run: schema violations, capability breaches, and
// every tools/list page, compared tool by tool with the first listing (bounded).
class ViolationSink {
 public:
  void add(SchemaViolation v);
  std::vector<SchemaViolation> all() const;
  void add_breach(CapabilityBreach b);
  std::vector<CapabilityBreach> breaches() const;
  void observe_tools(const nlohmann::json& tools);
  std::vector<ToolDrift> drifts() const;
  std::size_t tools_observed() const;

 private:
  mutable std::mutex mutex_;
  std::vector<SchemaViolation> violations_;
  std::vector<CapabilityBreach> breaches_;
  std::map<std::string, nlohmann::json> first_tools_;  // name -> first definition seen
  std::map<std::string, ToolDrift> drifts_;            // name -> first differing definition
};

// The capability rule `message` breaks, given what the server declared in initialize
// (`server_capabilities`) and that this harness declares no client capabilities; empty when none.
// Modern servers also send no requests at all, and log messages only for requests that asked.
std::string undeclared_capability(const nlohmann::json& message, const nlohmann::json& server_capabilities,
                                  bool per_request = false, bool logs_requested = false);

class McpClient {
 public:
  McpClient(std::unique_ptr<Connection> connection, ViolationSink* violations, std::chrono::milliseconds timeout);

  Connection& connection() { return *connection_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  // The version the server answered in initialize (or the requested one before that).
  const std::string& protocol_version() const { return version_; }
  // The response to the handshake: initialize (legacy) or server/discover (modern); null before.
  const nlohmann::json& handshake_response() const { return handshake_response_; }
  // True after a modern handshake: every request carries the per-request _meta fields.
  bool per_request() const { return per_request_; }
  // The _meta a modern request carries: protocol version, client capabilities and info,
  // and a run id of this client (budgets are per run when there are no sessions).
  const nlohmann::json& request_meta() const { return request_meta_; }

  // Sends a request and returns the whole response message (with "result" or "error").
  StatusOr<nlohmann::json> request(const std::string& method, nlohmann::json params = nlohmann::json::object());
  StatusOr<nlohmann::json> request_with_id(const nlohmann::json& id, const std::string& method, nlohmann::json params);
  // Sends a request without waiting; its response is validated when it arrives.
  Status send_request(const nlohmann::json& id, const std::string& method,
                      nlohmann::json params = nlohmann::json::object());
  Status notify(const std::string& method, nlohmann::json params = nlohmann::json::object());
  // Waits for the response with this id; other messages are kept in others().
  StatusOr<nlohmann::json> await_response(const nlohmann::json& id, Deadline deadline);
  // The next message of any kind (from others() first), or an error at the deadline.
  StatusOr<nlohmann::json> next_message(Deadline deadline);

  // Opens the conversation as `version`'s era does: initialize + notifications/initialized
  // (legacy), or server/discover, after which requests carry their own _meta (modern).
  // Returns the initialize or discover response message.
  StatusOr<nlohmann::json> handshake(const std::string& version);

  // For a message that may get no reply at all (malformed input, a probe): sends a
  // `marker_method` request behind it and returns the next reply (a message without a
  // method) that is not the marker's. When the marker's reply comes first and nothing
  // follows within `grace`, the server chose silence: kNotFound, without waiting out
  // the deadline. Over stdio replies come in order; HTTP has its own reply per POST.
  StatusOr<nlohmann::json> next_reply_or_silence(const std::string& marker_method, Deadline deadline,
                                                 std::chrono::milliseconds grace);

  // Messages received that were not the awaited response, in arrival order.
  std::vector<nlohmann::json> take_others();
  nlohmann::json next_id() { return next_id_++; }
  // Registers the method of a request sent by hand, so that its response is validated.
  void expect_response(const nlohmann::json& id, const std::string& method);
  // Stops validating incoming messages against the official schema (runs that judge
  // replies themselves and need the speed: fuzz, runaway).
  void stop_validating() { violations_ = nullptr; }

 private:
  StatusOr<nlohmann::json> receive_validated(Deadline deadline);
  void validate(const nlohmann::json& message);

  std::unique_ptr<Connection> connection_;
  ViolationSink* violations_;
  std::chrono::milliseconds timeout_;
  std::string version_;
  nlohmann::json handshake_response_;
  bool per_request_ = false;
  nlohmann::json request_meta_;  // built once by a modern handshake, added to every request
  bool asked_for_logs_ = false;  // some request carried io.modelcontextprotocol/logLevel
  long long next_id_ = 1;
  std::map<std::string, std::string> pending_methods_;  // id (serialised) -> method
  static constexpr std::size_t kMaxOthers = 10000;
  std::deque<nlohmann::json> others_;  // bounded like the inbox (push_bounded)
};

// Collects every item of a paginated list ("tools/list" -> "tools"), following
// nextCursor up to max_pages. Fails on errors, endless cursors and repeated cursors.
struct ListWalk {
  std::vector<nlohmann::json> items;
  std::vector<nlohmann::json> pages;  // the result objects, in order
};
StatusOr<ListWalk> walk_list(McpClient& client, const std::string& method, const std::string& key,
                             std::size_t max_pages = 100);

// Builds the params of an initialize request as this harness sends it.
nlohmann::json initialize_params(const std::string& version);
// The per-request _meta of a modern request as this harness sends it (no run id).
nlohmann::json per_request_meta(const std::string& version, nlohmann::json client_capabilities = nlohmann::json::object());

}  // namespace mcp::harness
