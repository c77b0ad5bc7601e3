// Tool arguments generated from a tool's inputSchema with RapidCheck: valid ones
// that reach every branch (enums, optionals, nesting, bounds, unicode) and
// near-valid ones (one mutation: wrong type, missing required, extra property,
// out of range, too long, huge, deeply nested). A case is fully determined by
// (seed, size), so a failure can be regenerated and shrunk along RapidCheck's
// shrink tree. RapidCheck stays inside argument_fuzzer.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace mcp::harness::fuzz {

struct GeneratedArguments {
  nlohmann::json value;
  std::string mutation;  // "" for a value meant to be valid; otherwise what was broken
};

class ArgumentFuzzer {
 public:
  explicit ArgumentFuzzer(nlohmann::json input_schema);
  ~ArgumentFuzzer();

  GeneratedArguments generate(std::uint64_t seed, int size, bool valid) const;
  // Walks the shrink tree of generate(seed, size, valid) greedily towards a smaller
  // value for which `still_fails` holds; at most max_steps evaluations of it.
  GeneratedArguments shrink(std::uint64_t seed, int size, bool valid,
                            const std::function<bool(const GeneratedArguments&)>& still_fails, int max_steps) const;

 private:
  nlohmann::json schema_;
};

}  // namespace mcp::harness::fuzz
