// Limits (docs/profile.md "Limits"): a budget of cost units per session (or per
// agent run, when the call names one in _meta) and window, and a token bucket per
// principal and tool. A refusal is a tool result an agent can reason about
// (isError, structuredContent with code, scope, limit, remaining, retry-after),
// never a transport error; the refused call never reaches the handler.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/profile_meta.h"
#include "mcp/status.h"
#include "reference-server/core/server.h"
#include "reference-server/filters/filter.h"
#include "reference-server/filters/limits/limit_store.h"

namespace mcp::server {

inline constexpr const char* kLimitsMetaKey = "dev.mcp-harness/limits";
using profile::kRunIdMetaKey;
// Longer run ids are refused: each one keys stored state.
inline constexpr std::size_t kMaxRunIdBytes = 128;
// The refusal object again in the result's _meta: revisions before 2025-06-18 have no structuredContent.
inline constexpr const char* kRefusalMetaKey = "dev.mcp-harness/refusal";

struct RateRule {
  double per_second = 10;
  double burst = 20;
};

struct LimitsConfig {
  long long budget_units = 200;
  long long budget_window_seconds = 600;
  // What all runs of one principal may spend in a window (0: ten runs' budgets), so that
  // a client naming a new run id per call cannot spend without end.
  long long budget_principal_units = 0;
  long long principal_units() const { return budget_principal_units > 0 ? budget_principal_units : 10 * budget_units; }
  RateRule rate;
  std::map<std::string, RateRule> tool_rates;  // overrides per tool
  std::map<std::string, long long> tool_costs;  // budget units per call (default 1)
  std::string backend = "memory";               // memory | redis
  std::string redis_address = "127.0.0.1:6379";
  int redis_connections = 4;                     // per process: decisions in flight at once
  std::string key_prefix = "mcp-ref";           // Redis key namespace, shared by replicas
  std::string executions_resource;              // declared so harnesses can see refused calls did nothing

  // {"budget": {"units", "window_seconds"}, "rate": {"per_second", "burst"},
  //  "tools": {"name": {"per_second", "burst", "cost"}}, "backend", "redis", "redis_connections", "key_prefix"}
  static StatusOr<LimitsConfig> from_json(const nlohmann::json& value, const ToolRegistry& tools);
  RateRule rate_for(const std::string& tool) const;
  long long cost_of(const std::string& tool) const;
  // What the server declares in the initialize result's _meta, for clients and harnesses.
  nlohmann::json declaration() const;
};

class LimitsFilter final : public ToolCallFilter {
 public:
  LimitsFilter(LimitsConfig config, std::unique_ptr<LimitStore> store)
      : config_(std::move(config)), store_(std::move(store)) {}
  std::string_view name() const override { return "limits"; }
  FilterVerdict on_call(const ToolCall& call) override;
  void register_stats(MetricsRegistry& registry) const override;
  bool may_block() const override { return config_.backend != "memory"; }
  Status health() override { return store_->ping(); }

 private:
  FilterVerdict store_unavailable(const Status& status);

  LimitsConfig config_;
  std::unique_ptr<LimitStore> store_;
  Counter rate_limited_{0}, budget_exhausted_{0}, store_unavailable_{0}, invalid_run_id_{0};
};

Status install_limits(McpServer& server, const LimitsConfig& config);

// "2026-11-26T10:00:03.250Z" for a moment `seconds_from_now` ahead.
std::string utc_timestamp_after(double seconds_from_now);

}  // namespace mcp::server
