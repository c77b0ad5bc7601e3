#include <chrono>
#include <cmath>
#include <map>
#include <mutex>

#include "reference-server/filters/limits/limit_store.h"

namespace mcp::server {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class MemoryStore final : public LimitStore {
 public:
  StatusOr<BucketDecision> take(const std::string& key, double per_second, double burst, double cost) override {
    std::lock_guard<std::mutex> lock(mutex_);
    double now = now_seconds();
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst, now});
    Bucket& b = it->second;
    b.tokens = std::min(burst, b.tokens + (now - b.updated) * per_second);
    b.updated = now;
    BucketDecision d;
    if (b.tokens >= cost) {
      b.tokens -= cost;
      d.allowed = true;
    } else {
      d.retry_after_seconds = (cost - b.tokens) / per_second;
    }
    d.remaining = b.tokens;
    prune(now);
    return d;
  }

  StatusOr<WindowDecision> spend(const std::string& key, long long cost, long long limit, long long window_seconds) override {
    std::lock_guard<std::mutex> lock(mutex_);
    double now = now_seconds();
    long long start = static_cast<long long>(now) - static_cast<long long>(now) % window_seconds;
    Window& w = windows_[key];
    if (w.start != start) w = Window{start, 0, start + window_seconds};
    WindowDecision d;
    d.retry_after_seconds = static_cast<double>(start + window_seconds) - now;
    if (w.used + cost <= limit) {
      w.used += cost;
      d.allowed = true;
    }
    d.used = w.used;
    prune(now);
    return d;
  }

  std::string describe() const override { return "memory"; }

 private:
  struct Bucket {
    double tokens;
    double updated;
  };
  struct Window {
    long long start = 0;
    long long used = 0;
    long long end = 0;
  };

  // Full buckets and ended windows carry no information: drop them now and then, so
  // that state keyed by client-chosen ids (run ids) does not grow for ever.
  void prune(double now) {
    if (++calls_ % 1024 != 0) return;
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = now - it->second.updated > 3600 ? buckets_.erase(it) : std::next(it);
    }
    for (auto it = windows_.begin(); it != windows_.end();) {
      it = static_cast<double>(it->second.end) <= now ? windows_.erase(it) : std::next(it);
    }
  }

  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
  std::map<std::string, Window> windows_;
  unsigned long calls_ = 0;
};

}  // namespace

std::unique_ptr<LimitStore> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace mcp::server
