// Requests in flight per client (tools/call, subscriptions/listen, GET streams): each
// holds a thread while it runs, so one client's cap keeps threads for the others.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "reference-server/observability/metrics_registry.h"

namespace mcp::server::http {

class InflightLimiter {
 public:
  explicit InflightLimiter(std::size_t limit) : limit_(limit) {}
  // A slot held until the returned pointer is released, or null when the client is at its cap.
  std::shared_ptr<void> acquire(const std::string& client) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t& held = held_[client];
    if (held >= limit_) {
      ++refused_;
      return nullptr;
    }
    ++held;
    // Non-null, so that the caller can test it; the deleter gives the slot back.
    return std::shared_ptr<void>(static_cast<void*>(this), [this, client](void*) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (auto it = held_.find(client); it != held_.end() && --it->second == 0) held_.erase(it);
    });
  }
  std::size_t limit() const { return limit_; }
  void register_stats(MetricsRegistry& registry) const {
    registry.add_counter("mcp_http_inflight_refused_total", "Requests refused (503) because their client was at its in-flight cap.",
                         "", refused_);
  }

 private:
  std::size_t limit_;
  std::mutex mutex_;
  std::map<std::string, std::size_t> held_;
  Counter refused_{0};
};

}  // namespace mcp::server::http
