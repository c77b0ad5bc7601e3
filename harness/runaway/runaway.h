// The runaway-agent simulator: misbehaving agents (a tight loop, parallel
// fan-out, a retry storm, a polite agent, many sessions, a slow drip) against any
// server, bounded in time and calls, with a per-second timeline and a verdict per
// scenario.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/engine/check.h"
#include "harness/engine/context.h"

namespace mcp::harness {

struct RunawayOptions {
  std::vector<std::string> scenarios;  // empty: all, in the standard order
  std::uint64_t seed = 1;
  std::chrono::milliseconds duration{3000};  // per scenario
  int max_calls = 5000;                      // per scenario
  int fan_out = 8;                           // parallel agents in fan-out
  int sessions = 16;                         // agents in many-sessions
  std::string tool;                          // empty: the first read-only tool that works
};

struct CallEvent {
  double at_ms;  // since the scenario started
  int agent;
  enum Kind { kAccepted, kRefused, kError } kind;
  double latency_ms;
};

struct TimelineRow {
  int second;
  int calls = 0, accepted = 0, refused = 0, errors = 0;
  double p50_ms = 0, p99_ms = 0;
};

struct ScenarioResult {
  std::string name;
  std::string description;
  std::string verdict_id;  // e.g. runaway.tight-loop.refused
  Outcome verdict;
  std::vector<CallEvent> events;
  std::vector<TimelineRow> timeline;
  double seconds = 0;
};

struct RunawayReport {
  std::string target;
  std::string tool;
  std::uint64_t seed = 0;
  std::vector<ScenarioResult> scenarios;
  bool passed() const;
};

const std::vector<std::string>& runaway_scenario_names();

// progress(scenario index, scenario name, calls so far, fraction of the scenario's time spent)
using RunawayProgress = std::function<void(std::size_t, const std::string&, int, double)>;

StatusOr<RunawayReport> run_runaway(const TargetConfig& target, const RunawayOptions& options,
                                    const RunawayProgress& progress = {});

std::vector<TimelineRow> build_timeline(const std::vector<CallEvent>& events);
std::string render_runaway_csv(const RunawayReport& report);
nlohmann::json render_runaway_json(const RunawayReport& report);
std::string render_runaway_html(const RunawayReport& report);

}  // namespace mcp::harness
