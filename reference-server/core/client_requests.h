// Requests this server sends to its client (sampling/createMessage, elicitation/create)
// while a tool runs, and the answers that come back as ordinary incoming messages.
// The tool's thread waits; the transport's reading thread delivers the answer.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "mcp/json_rpc.h"
#include "mcp/status.h"

namespace mcp::server {

class Outbound;
using CancelFlag = std::shared_ptr<std::atomic<bool>>;

class ClientRequests {
 public:
  // Sends the request through `out` and returns the client's result. A JSON-RPC error
  // from the client, the timeout, cancellation or a closed session come back as a Status.
  StatusOr<nlohmann::json> call(Outbound& out, const std::string& method, nlohmann::json params,
                                std::chrono::milliseconds timeout, const CancelFlag& cancelled);
  // Hands a response to the request waiting for its id; false when none is waiting
  // (a stray or late answer, which is dropped).
  bool resolve(const jsonrpc::Message& response);
  // Wakes every waiting call with an error (session over).
  void close();

 private:
  std::mutex mutex_;
  std::condition_variable answered_;
  long long next_id_ = 1;
  bool closed_ = false;
  std::map<std::string, std::optional<nlohmann::json>> waiting_;  // id -> the response, once it came
};

}  // namespace mcp::server
