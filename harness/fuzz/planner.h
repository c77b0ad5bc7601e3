// What the fuzzer sends next, decided from the run's seed alone so that a run can be
// repeated: which tools are still in rotation, when a protocol case comes (every
// tenth case), and each tool case's arguments (valid three times in five).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/fuzz/fuzzer.h"
#include "harness/fuzz/judge.h"
#include "harness/fuzz/protocol_cases.h"

namespace mcp::harness::fuzz {

std::uint64_t splitmix64(std::uint64_t x);

struct ToolCase {
  ToolUnderTest* tool;
  std::uint64_t seed;
  int size;
  bool want_valid;
  GeneratedArguments generated;
  bool valid;  // the generated arguments satisfy the input schema
};

struct PlannedCases {
  enum class What { kProtocol, kTools, kNoToolLeft } what = What::kNoToolLeft;
  ProtocolCase protocol;   // kProtocol
  std::uint64_t seed = 0;  // kProtocol: the case's seed
  std::vector<ToolCase> tools;  // kTools: consecutive cases, pipelined on the session
};

class CasePlanner {
 public:
  CasePlanner(std::uint64_t run_seed, const FuzzOptions& options, std::vector<ToolUnderTest*> tools, bool stdio)
      : run_seed_(run_seed), options_(options), active_(std::move(tools)), stdio_(stdio) {}

  // The next cases, at most `budget` of them (the calls left under --max-calls).
  PlannedCases next(long long budget);
  bool in_rotation(const ToolUnderTest* tool) const;
  // Takes a tool out of rotation, saying why in the report's skipped tools.
  void drop(ToolUnderTest& tool, const std::string& why, std::vector<std::string>& skipped);

 private:
  bool protocol_turn(long long index) const { return options_.protocol_cases && index % 10 == 9; }

  std::uint64_t run_seed_;
  const FuzzOptions& options_;
  std::vector<ToolUnderTest*> active_;
  bool stdio_;
  long long index_ = 0;
};

}  // namespace mcp::harness::fuzz
