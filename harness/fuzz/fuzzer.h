// mcp-harness fuzz: schema-driven tool-call fuzzing and protocol-level fuzzing
// of a live server, with properties checked on every call, failing inputs shrunk
// and written as repro files that `mcp-harness replay` runs again.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/context.h"
#include "harness/fuzz/finding.h"

namespace mcp::harness::fuzz {

struct FuzzOptions {
  std::uint64_t seed = 0;  // 0: chosen from the clock (and printed)
  long long max_calls = 2000;
  std::chrono::milliseconds duration{60000};
  std::chrono::milliseconds call_timeout{2000};  // without a response or progress for this long, a call hangs
  std::vector<std::string> tools;                // globs over tool names; empty: every eligible tool
  bool protocol_cases = true;                    // every tenth case is a malformed or odd message instead
  std::string repro_dir = ".";
  int in_flight = 16;     // tool calls pipelined on the session at once (1: one at a time)
  int shrink_steps = 150;
  int max_findings = 10;  // stop after this many distinct failures
};

struct FuzzReport {
  std::uint64_t seed = 0;
  long long calls = 0;
  long long protocol_cases = 0;
  double seconds = 0;
  std::map<std::string, long long> calls_by_tool;
  std::vector<std::string> skipped_tools;  // "name: reason"
  std::vector<Finding> findings;
  std::string stopped_because;
};

using Progress = std::function<void(const std::string& line)>;

FuzzReport run_fuzz(const TargetConfig& target, const FuzzOptions& options, const Progress& progress);

// The repro file of a finding (JSON), and replaying one: nullopt when the input no
// longer fails, else the finding as it happened now.
nlohmann::json repro_json(const Finding& finding, const TargetConfig& target, std::uint64_t seed);
StatusOr<std::optional<Finding>> replay(const TargetConfig& target, const nlohmann::json& repro,
                                        std::chrono::milliseconds call_timeout);

nlohmann::json report_json(const FuzzReport& report);

}  // namespace mcp::harness::fuzz
