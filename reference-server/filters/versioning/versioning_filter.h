// Tool versioning (docs/profile.md "Versioning"): tools are named name_vN, each
// version declares its lifecycle in _meta["dev.mcp-harness/lifecycle"]. Calls to
// a deprecated version succeed with a deprecation notice in the result's _meta
// and a log line; calls to a retired version (or a deprecated one past its
// sunset) get a structured tool error naming the replacement.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mcp/status.h"
#include "reference-server/core/server.h"
#include "reference-server/filters/filter.h"

namespace mcp::server {

inline constexpr const char* kLifecycleMetaKey = "dev.mcp-harness/lifecycle";
inline constexpr const char* kDeprecationMetaKey = "dev.mcp-harness/deprecation";

struct ToolLifecycle {
  std::string status = "current";  // current | deprecated | retired
  std::string sunset;              // YYYY-MM-DD; required unless current
  std::string replacement;         // a registered tool; required unless current
};

// Built once from configuration and validated against the registry; immutable.
class VersioningConfig {
 public:
  // `lifecycles`: {"tool_vN": {"status": ..., "sunset": ..., "replacement": ...}}.
  // Fails on unknown tools or statuses, bad dates, missing or unknown replacements.
  static StatusOr<std::shared_ptr<const VersioningConfig>> create(const nlohmann::json& lifecycles,
                                                                   const ToolRegistry& tools, std::string today);
  ToolLifecycle lifecycle_of(const std::string& tool) const;
  // The lifecycle as the call sees it today: deprecated past its sunset counts as retired.
  ToolLifecycle effective(const std::string& tool) const;
  nlohmann::json meta_for(const std::string& tool) const;

 private:
  std::map<std::string, ToolLifecycle> lifecycles_;
  std::string today_;
};

class VersioningFilter final : public ToolCallFilter {
 public:
  explicit VersioningFilter(std::shared_ptr<const VersioningConfig> config) : config_(std::move(config)) {}
  std::string_view name() const override { return "versioning"; }
  FilterVerdict on_call(const ToolCall& call) override;
  void on_result(const ToolCall& call, nlohmann::json& result) override;
  void register_stats(MetricsRegistry& registry) const override;

 private:
  std::shared_ptr<const VersioningConfig> config_;
  Counter retired_refused_{0}, deprecated_served_{0};
};

// Validates the configuration, publishes every tool's lifecycle in its _meta and
// installs the filter.
Status install_versioning(McpServer& server, const nlohmann::json& lifecycles, const std::string& today);

// Today's date in UTC as YYYY-MM-DD.
std::string utc_today();
// The version number of a tool named name_vN, if it is.
std::optional<int> tool_version(const std::string& name);

}  // namespace mcp::server
