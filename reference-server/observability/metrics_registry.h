// One registry of counters for /metrics (after Envoy's stats): each filter owns a
// stats struct of atomic counters, bumps them at the decision it makes, and registers
// them here once; the registry only reads them when a scraper asks.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace mcp::server {

using Counter = std::atomic<unsigned long long>;

class MetricsRegistry {
 public:
  // `labels` is Prometheus label text without braces (`reason="origin"`), or empty.
  // The counter must outlive the registry's readers (filters live as long as the server).
  void add_counter(const std::string& name, const std::string& help, const std::string& labels, const Counter& counter);
  // A value computed on read (gauges, or counters kept elsewhere).
  void add_reader(const std::string& name, const std::string& help, const std::string& type, const std::string& labels,
                  std::function<double()> read);

  // Prometheus text exposition: one HELP/TYPE per family, then its series.
  std::string prometheus() const;

 private:
  struct Series {
    std::string labels;
    std::function<double()> read;
  };
  struct Family {
    std::string name, help, type;
    std::vector<Series> series;
  };
  Family& family(const std::string& name, const std::string& help, const std::string& type);

  mutable std::mutex mutex_;
  std::vector<Family> families_;
};

}  // namespace mcp::server
