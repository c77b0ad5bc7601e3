#include "harness/fuzz/planner.h"

#include <algorithm>

namespace mcp::harness::fuzz {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

PlannedCases CasePlanner::next(long long budget) {
  PlannedCases planned;
  long long first = index_;
  std::uint64_t first_seed = splitmix64(run_seed_ + static_cast<std::uint64_t>(first));
  if (options_.protocol_cases && (active_.empty() || protocol_turn(first))) {
    ++index_;
    planned.what = PlannedCases::What::kProtocol;
    planned.seed = first_seed;
    planned.protocol = make_protocol_case(first_seed, stdio_);
    return planned;
  }
  if (active_.empty()) return planned;
  planned.what = PlannedCases::What::kTools;
  for (long long k = first; static_cast<int>(planned.tools.size()) < std::max(options_.in_flight, 1); ++k) {
    if (static_cast<long long>(planned.tools.size()) >= budget) break;
    if (k > first && protocol_turn(k)) break;
    std::uint64_t seed = k == first ? first_seed : splitmix64(run_seed_ + static_cast<std::uint64_t>(k));
    ToolUnderTest* tool = active_[static_cast<std::size_t>(k) % active_.size()];
    int size = static_cast<int>(k % 100);
    bool want_valid = seed % 5 < 3;
    GeneratedArguments generated = tool->arguments.generate(seed, size, want_valid);
    bool valid = tool->input.validate(generated.value).empty();
    planned.tools.push_back({tool, seed, size, want_valid, std::move(generated), valid});
  }
  index_ = first + std::max<long long>(static_cast<long long>(planned.tools.size()), 1);
  return planned;
}

bool CasePlanner::in_rotation(const ToolUnderTest* tool) const {
  return std::find(active_.begin(), active_.end(), tool) != active_.end();
}

void CasePlanner::drop(ToolUnderTest& tool, const std::string& why, std::vector<std::string>& skipped) {
  auto it = std::find(active_.begin(), active_.end(), &tool);
  if (it == active_.end()) return;
  active_.erase(it);
  skipped.push_back(tool.name + ": " + why);
}

}  // namespace mcp::harness::fuzz
