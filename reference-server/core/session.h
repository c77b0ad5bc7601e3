// The state requests run with. In the initialize era one Session is the connection's
// (a stdio process, a Streamable HTTP session) and its requests share it; in the
// per-request era (2026-07-28) each request gets a Session of its own built from its
// _meta (wire/rev2026_07_28), and the connection's Session only tracks it for
// cancellation.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "reference-server/core/client_requests.h"

namespace mcp::server {

// Where a server sends messages that are not the direct response to a request
// (progress, log messages): stdout for stdio, an SSE stream for HTTP.
class Outbound {
 public:
  virtual ~Outbound() = default;
  virtual void send(const nlohmann::json& message) = 0;
  // False once nothing sent would reach the client (an HTTP response stream the
  // client closed, which the modern era treats as cancellation).
  virtual bool open() const { return true; }
};

class DiscardOutbound final : public Outbound {
 public:
  void send(const nlohmann::json&) override {}
};

using CancelFlag = std::shared_ptr<std::atomic<bool>>;

// Who is calling, on which protocol version with which client capabilities, and the
// requests in flight (see the file comment for which Session a request gets).
class Session {
 public:
  explicit Session(std::string id = {}) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }

  // Who is calling: the authenticated subject once auth has run; otherwise the
  // session id stands in for it ("anonymous" when there is neither).
  void set_principal(std::string principal);
  std::string principal() const;
  bool authenticated() const;  // set_principal was called
  // Whose data a call reads and writes (invoices, idempotency records): the
  // authenticated subject, or "" for anonymous callers, who share one space.
  void set_owner(std::string owner);
  std::string owner() const;

  // Returns false when the session is already initialized.
  bool begin(const std::string& version, const nlohmann::json& client_capabilities, const nlohmann::json& client_info);
  bool initialized() const;
  std::string protocol_version() const;
  // What the client declared in initialize (sampling, elicitation, roots, ...).
  nlohmann::json client_capabilities() const;
  void mark_client_ready();

  // logging/setLevel: nullopt means the client never asked for log messages.
  void set_log_level(int severity);
  std::optional<int> log_level() const;

  // In-flight requests, so that notifications/cancelled can reach them.
  CancelFlag track_request(const nlohmann::json& id);
  void finish_request(const nlohmann::json& id);
  void cancel_request(const nlohmann::json& id);
  // Cancels every in-flight request and wakes every tool waiting on the client: the
  // session is over, and requests that start later start cancelled.
  void cancel_all();

  // Requests to the client (sampling, elicitation) and their answers.
  ClientRequests& client_requests() { return client_requests_; }

  // The per-request era (wire/rev2026_07_28 calls this on every request's Session):
  // the client's input comes back in a retry after an InputRequiredResult, never as the
  // answer to a server-to-client request. `answers` are what the retry carries
  // (inputResponses merged with requestState), keyed as the InputRequiredResult asked.
  void set_input_responses(nlohmann::json answers);
  bool input_by_retry() const;
  nlohmann::json input_responses() const;

  // resources/subscribe: the URIs this session asked to hear about.
  void subscribe(const std::string& uri);
  void unsubscribe(const std::string& uri);
  bool subscribed(const std::string& uri) const;

 private:
  std::string id_;
  mutable std::mutex mutex_;
  bool initialized_ = false;
  bool client_ready_ = false;
  std::string protocol_version_;
  std::string principal_;
  std::optional<std::string> owner_;
  nlohmann::json client_capabilities_ = nlohmann::json::object();
  nlohmann::json client_info_ = nlohmann::json::object();
  std::optional<int> log_level_;
  std::map<std::string, CancelFlag> in_flight_;
  bool ended_ = false;  // cancel_all() ran
  // Cancellations that arrived before their request was tracked (a worker thread had not
  // started it yet): a request tracked within a second starts cancelled. Kept briefly and
  // bounded, since a late cancellation of a finished request must not hit a reused id.
  std::deque<std::pair<std::string, std::chrono::steady_clock::time_point>> cancelled_early_;
  std::set<std::string> subscriptions_;
  std::optional<nlohmann::json> input_responses_;
  ClientRequests client_requests_;
};

}  // namespace mcp::server
