// One connection to the server under test, as the checks see it: a stdio process
// or a Streamable HTTP session. Messages the server sends queue in an inbox;
// every wait takes a deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/client/transcript.h"
#include "mcp/status.h"

namespace mcp::harness {

using Clock = std::chrono::steady_clock;

// Appends a server message to a queue of at most `max`: when full, a notification gives
// way (the new one, or else the oldest queued), never a response a check waits for; only
// a queue of nothing but responses drops its oldest. False when something was dropped.
bool push_bounded(std::deque<nlohmann::json>& queue, nlohmann::json message, std::size_t max);
bool is_notification(const nlohmann::json& message);
using Deadline = Clock::time_point;
inline Deadline deadline_in(std::chrono::milliseconds ms) { return Clock::now() + ms; }

class Connection {
 public:
  explicit Connection(Transcript& transcript) : transcript_(transcript) {}
  virtual ~Connection() = default;

  // Sends one message (stdio: one line; HTTP: one POST whose replies reach the inbox).
  virtual Status send(const nlohmann::json& message) = 0;
  // Sends bytes as they are, for malformed-traffic checks.
  virtual Status send_raw(const std::string& text) = 0;
  // The next message the server sent, or DEADLINE_EXCEEDED / UNAVAILABLE (closed).
  StatusOr<nlohmann::json> receive(Deadline deadline);
  // Remembers the negotiated version (HTTP sends it as MCP-Protocol-Version).
  virtual void set_protocol_version(const std::string& version) { protocol_version_ = version; }
  const std::string& protocol_version() const { return protocol_version_; }
  virtual void close() = 0;
  // A short description of the peer's state for failure messages (exit status, stderr tail).
  virtual std::string diagnostics() { return {}; }
  Transcript& transcript() { return transcript_; }

 protected:
  void deliver(nlohmann::json message);
  void mark_closed(const std::string& why);

  Transcript& transcript_;
  std::string protocol_version_;

 private:
  static constexpr std::size_t kMaxQueued = 10000;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<nlohmann::json> inbox_;
  bool closed_ = false;
  std::string closed_reason_;
  std::size_t overflow_ = 0;
};

}  // namespace mcp::harness
