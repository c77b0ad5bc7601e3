// mcp-harness load: a closed-loop load driver that speaks real MCP. Over stdio it
// pipelines up to --in-flight requests on one session; over HTTP each of
// --connections threads drives its own session, one request at a time (as wrk
// does). Every reply is verified; latencies go into percentiles.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/engine/context.h"

namespace mcp::harness {

struct LoadOptions {
  std::string tool = "echo_v1";
  nlohmann::json arguments = {{"message", "hello"}};
  std::string method = "tools/call";  // or "ping"
  int in_flight = 1;                  // stdio: requests outstanding at once
  int connections = 8;                // HTTP: sessions, one thread each
  std::chrono::milliseconds duration{5000};
  std::chrono::milliseconds warmup{500};  // calls in this window are not measured
};

struct LoadReport {
  std::string target;
  long long calls = 0;      // measured, verified replies
  long long failures = 0;   // errors, tool errors, mismatched replies
  double seconds = 0;       // measured window
  double per_second = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  std::string first_failure;
};

StatusOr<LoadReport> run_load(const TargetConfig& target, const LoadOptions& options);
nlohmann::json load_report_json(const LoadReport& report);

}  // namespace mcp::harness
