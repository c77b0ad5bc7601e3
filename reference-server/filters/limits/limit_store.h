// Where limit state lives. The in-memory store serves one process; the Redis
// store lets replicas share budgets and buckets (each decision is one atomic
// Lua script, so concurrent replicas never both spend the last unit).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "mcp/status.h"

namespace mcp::server {

struct BucketDecision {
  bool allowed = false;
  double remaining = 0;            // tokens left after this call
  double retry_after_seconds = 0;  // when refused: until one more call would be allowed
};

struct WindowDecision {
  bool allowed = false;
  long long used = 0;              // units spent in the current window, this call included when allowed
  double retry_after_seconds = 0;  // until the current window ends
};

class LimitStore {
 public:
  virtual ~LimitStore() = default;
  // Token bucket `key` with capacity `burst`, refilled at `per_second`; takes `cost` tokens if available.
  virtual StatusOr<BucketDecision> take(const std::string& key, double per_second, double burst, double cost) = 0;
  // Fixed window `key` of `window_seconds` (aligned to the epoch); spends `cost` if used + cost <= limit.
  virtual StatusOr<WindowDecision> spend(const std::string& key, long long cost, long long limit, long long window_seconds) = 0;
  virtual std::string describe() const = 0;
  // Whether the store answers now (readiness probes); the memory store always does.
  virtual Status ping() { return ok_status(); }
  // Whether other processes share this store (then tool executions are counted in it).
  virtual bool shared() const { return false; }
  // Counts one run of `tool` in hash `key`; reads the counts back, by tool.
  virtual Status add_execution(const std::string& key, const std::string& tool) { (void)key, (void)tool; return ok_status(); }
  virtual StatusOr<std::map<std::string, long long>> executions(const std::string& key) {
    (void)key;
    return std::map<std::string, long long>();
  }
};

std::unique_ptr<LimitStore> make_memory_store();
// address "host:port". Opens `connections` connections now (a pool: a decision holds
// one for a round trip), so that a misconfigured address fails at start-up.
StatusOr<std::unique_ptr<LimitStore>> make_redis_store(const std::string& address, int connections = 4);

}  // namespace mcp::server
