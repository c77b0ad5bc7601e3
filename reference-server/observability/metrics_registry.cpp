#include "reference-server/observability/metrics_registry.h"

#include <cmath>
#include <cstdio>

namespace mcp::server {

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help, const std::string& type) {
  for (Family& existing : families_) {
    if (existing.name == name) return existing;
  }
  families_.push_back({name, help, type, {}});
  return families_.back();
}

void MetricsRegistry::add_counter(const std::string& name, const std::string& help, const std::string& labels,
                                  const Counter& counter) {
  add_reader(name, help, "counter", labels, [&counter] { return static_cast<double>(counter.load()); });
}

void MetricsRegistry::add_reader(const std::string& name, const std::string& help, const std::string& type,
                                 const std::string& labels, std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mutex_);
  family(name, help, type).series.push_back({labels, std::move(read)});
}

std::string MetricsRegistry::prometheus() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const Family& f : families_) {
    out += "# HELP " + f.name + " " + f.help + "\n# TYPE " + f.name + " " + f.type + "\n";
    for (const Series& s : f.series) {
      double value = s.read();
      char number[32];
      std::snprintf(number, sizeof number, value == std::floor(value) ? "%.0f" : "%g", value);
      out += f.name + (s.labels.empty() ? "" : "{" + s.labels + "}") + " " + number + "\n";
    }
  }
  return out;
}

}  // namespace mcp::server
