// Legacy-era sessions (2025-03-26 .. 2025-11-25): the Mcp-Session-Id table with its
// bounds (in all, per client, idle and unused expiry), each session bound to the
// principal that opened it, and the queue of its GET stream. Internal to transport/http/.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "reference-server/transport/http/exchange.h"

namespace mcp::server::http {

// Server-to-client messages for one session's GET stream.
struct Channel {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<nlohmann::json> queue;
  bool stream_open = false;
  bool closed = false;
};

struct HttpSession {
  explicit HttpSession(std::string id) : session(std::move(id)) {}
  Session session;
  std::string principal;  // the authenticated subject that opened it (empty without auth)
  std::string client;     // who opened it, for per-client caps (Exchange::client)
  Channel channel;
  std::atomic<long long> last_used{0};
  std::atomic<bool> used{false};  // a request beyond initialize arrived
  std::atomic<unsigned long long> next_event_id{1};
};

// Messages not tied to a response stream go to the session's GET stream, if open.
class ChannelOutbound final : public Outbound {
 public:
  explicit ChannelOutbound(HttpSession& s) : s_(s) {}
  void send(const nlohmann::json& message) override;

 private:
  HttpSession& s_;
};

class SessionTable {
 public:
  explicit SessionTable(const HttpOptions& options) : options_(options) {}

  // A new session for an initialize request, not yet in the table (add() it once
  // initialize succeeds), or null after answering 503 when the table or the client's
  // share of it is full.
  std::shared_ptr<HttpSession> open(Exchange& exchange);
  void add(const std::shared_ptr<HttpSession>& session);
  // The session a later request names (Mcp-Session-Id), or null after answering
  // 400 (no id), 404 (unknown or expired) or 403 (another principal's).
  std::shared_ptr<HttpSession> find(Exchange& exchange);
  // DELETE: ends the session and cancels what it still runs.
  void end(const std::string& id);
  // Shutdown: cancels every session's requests and closes their GET streams.
  void close_all();
  void register_stats(MetricsRegistry& registry) const;
  // A fresh unguessable session id.
  std::string new_session_id();

 private:
  void expire_idle();  // with mutex_ held
  static void close_channel(HttpSession& session);

  const HttpOptions& options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<HttpSession>> sessions_;
  std::shared_ptr<HttpSession> anonymous_;  // only when the policy does not require sessions
  std::mutex entropy_mutex_;
  std::random_device entropy_;
  Counter opened_{0}, expired_{0}, ended_{0}, refused_full_{0}, refused_client_cap_{0}, missing_id_{0}, unknown_{0},
      other_principal_{0};
};

}  // namespace mcp::server::http
