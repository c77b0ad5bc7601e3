// cpp-httplib's Server with bounds on what a client can hold: every accepted
// connection reads through mcp::GuardedSocketStream (header bytes, header and body
// deadlines), connections are capped in all and per peer address, and the thread pool
// grows with the connections it serves (up to the cap) so that slow clients cannot
// take every thread from the rest. Include only from .cpp files: it pulls in httplib.h.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "mcp/guarded_stream.h"

namespace mcp::server {

struct ConnectionLimits {
  StreamLimits stream;
  std::size_t core_threads = 32;        // started up front
  std::size_t max_connections = 512;    // open connections, and so threads at most
  std::size_t max_connections_per_peer = 128;  // per client IP address (raise it behind a proxy)
  std::chrono::milliseconds keep_alive_timeout{5000};
};

// What the guard refused, for /metrics and tests.
struct ConnectionStats {
  std::atomic<unsigned long long> refused_connections{0};  // over a connection cap
  std::atomic<unsigned long long> head_too_large{0};
  std::atomic<unsigned long long> timed_out{0};
  std::atomic<std::size_t> open_connections{0};
};

class GuardedHttpServer : public httplib::Server {
 public:
  explicit GuardedHttpServer(ConnectionLimits limits);

  // The stream of the request this thread is serving, or null outside a handler.
  static GuardedSocketStream* current_stream();
  // Ends the connection after the current response: the request's body was not read
  // (refused before reading it), so the next bytes on the connection are not a request.
  static void close_after_response();

  const ConnectionStats& stats() const { return stats_; }
  const ConnectionLimits& limits() const { return limits_; }

 private:
  // httplib calls this (a private virtual, overridable) for each accepted socket.
  bool process_and_close_socket(int sock) override;
  bool admit(const std::string& peer);
  void release(const std::string& peer);

  ConnectionLimits limits_;
  ConnectionStats stats_;
  std::mutex peers_mutex_;
  std::map<std::string, std::size_t> connections_per_peer_;
};

}  // namespace mcp::server
