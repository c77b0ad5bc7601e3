// What the limits checks share: the server's declared limits, recognising a
// refusal, and driving calls in a tight loop.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/engine/refusal.h"
#include "mcp/profile_meta.h"
#include "suites/suite_support.h"

namespace mcp::harness::suites {

struct DeclaredLimits {
  bool present = false;
  double per_second = 0, burst = 0;
  long long budget_units = 0, window_seconds = 0;
  nlohmann::json tools = nlohmann::json::object();
  std::string executions_resource;
  std::string run_id_key = mcp::profile::kRunIdMetaKey;
  double rate_for(const std::string& tool) const;
  double burst_for(const std::string& tool) const;
  long long cost_of(const std::string& tool) const;
};

DeclaredLimits declared_limits(const Session& session, const LimitsProfile& profile);
// The same, from a handshake response (initialize or server/discover).
DeclaredLimits declared_limits(const nlohmann::json& handshake_response, const LimitsProfile& profile);

struct Loop {
  int accepted = 0;
  int refused = 0;
  int first_refusal_at = -1;  // index of the first refused call
  Clock::time_point first_refusal_sent{};  // when that call was sent: the server refused it after this
  nlohmann::json first_refusal;  // the whole response message; {"http_status": 429, "body"} for a bare HTTP 429
  nlohmann::json other_failure;  // a response that was neither a success nor a refusal
  double seconds = 0;
};

// Calls `tool` back to back until `max_calls` or `stop_after_refused` refusals.
StatusOr<Loop> tight_loop(const LimitsProfile& profile, McpClient& client, const std::string& tool,
                          const nlohmann::json& arguments, int max_calls,
                          int stop_after_refused = 1, const nlohmann::json& meta = nullptr);

// A current tool the call policy allows, to hammer: {name, arguments}, or nullopt.
std::optional<std::pair<std::string, nlohmann::json>> loop_tool(const CheckContext& ctx,
                                                              const std::vector<nlohmann::json>& tools);

}  // namespace mcp::harness::suites
