// Small statistics shared by the runaway simulator and the load driver.
#pragma once

#include <algorithm>
#include <vector>

namespace mcp::harness {

// The p-quantile (0..1) by nearest rank; 0 for no values.
inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace mcp::harness
