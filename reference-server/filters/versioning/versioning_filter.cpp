#include "reference-server/filters/versioning/versioning_filter.h"

#include <ctime>
#include <regex>

#include "reference-server/core/event_log.h"

namespace mcp::server {

using json = nlohmann::json;

std::string utc_today() {
  std::time_t now = std::time(nullptr);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", std::gmtime(&now));
  return buffer;
}

std::optional<int> tool_version(const std::string& name) {
  static const std::regex kVersioned("^.+_v([0-9]{1,6})$");
  std::smatch match;
  if (!std::regex_match(name, match, kVersioned)) return std::nullopt;
  return std::stoi(match[1]);
}

StatusOr<std::shared_ptr<const VersioningConfig>> VersioningConfig::create(const json& lifecycles,
                                                                           const ToolRegistry& tools,
                                                                           std::string today) {
  static const std::regex kDate("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
  auto config = std::make_shared<VersioningConfig>();
  config->today_ = std::move(today);
  if (!lifecycles.is_object()) return invalid_argument("tool lifecycles must be an object keyed by tool name");
  for (const auto& [name, entry] : lifecycles.items()) {
    if (!tools.find(name)) return invalid_argument("lifecycle for unknown tool " + name);
    if (!entry.is_object()) return invalid_argument("lifecycle of " + name + " must be an object");
    ToolLifecycle lifecycle;
    lifecycle.status = entry.value("status", "current");
    lifecycle.sunset = entry.value("sunset", "");
    lifecycle.replacement = entry.value("replacement", "");
    if (lifecycle.status != "current" && lifecycle.status != "deprecated" && lifecycle.status != "retired") {
      return invalid_argument(name + ": status must be current, deprecated or retired");
    }
    if (lifecycle.status != "current") {
      if (!std::regex_match(lifecycle.sunset, kDate)) return invalid_argument(name + ": sunset must be a YYYY-MM-DD date");
      if (!tools.find(lifecycle.replacement)) {
        return invalid_argument(name + ": replacement \"" + lifecycle.replacement + "\" is not a registered tool");
      }
      if (lifecycle.replacement == name) return invalid_argument(name + " cannot replace itself");
    }
    config->lifecycles_[name] = lifecycle;
  }
  for (const auto& [name, lifecycle] : config->lifecycles_) {
    if (lifecycle.status != "current" && config->lifecycle_of(lifecycle.replacement).status == "retired") {
      return invalid_argument(name + ": replacement " + lifecycle.replacement + " is itself retired");
    }
  }
  return std::shared_ptr<const VersioningConfig>(config);
}

ToolLifecycle VersioningConfig::lifecycle_of(const std::string& tool) const {
  auto it = lifecycles_.find(tool);
  return it == lifecycles_.end() ? ToolLifecycle{} : it->second;
}

ToolLifecycle VersioningConfig::effective(const std::string& tool) const {
  ToolLifecycle lifecycle = lifecycle_of(tool);
  if (lifecycle.status == "deprecated" && lifecycle.sunset < today_) lifecycle.status = "retired";
  return lifecycle;
}

json VersioningConfig::meta_for(const std::string& tool) const {
  ToolLifecycle lifecycle = lifecycle_of(tool);
  json meta = {{"status", lifecycle.status}};
  if (auto version = tool_version(tool)) meta["version"] = *version;
  if (lifecycle.status != "current") {
    meta["sunset"] = lifecycle.sunset;
    meta["replacement"] = lifecycle.replacement;
  }
  return meta;
}

FilterVerdict VersioningFilter::on_call(const ToolCall& call) {
  ToolLifecycle lifecycle = config_->effective(call.tool);
  if (lifecycle.status != "retired") return FilterVerdict::proceed();
  ++retired_refused_;
  log_event("warn", "retired_tool_called", {{"tool", call.tool}, {"replacement", lifecycle.replacement}});
  return FilterVerdict::refuse(error_result(
      call.tool + " was retired on " + lifecycle.sunset + "; call " + lifecycle.replacement + " instead.",
      {{"code", "tool_retired"}, {"tool", call.tool}, {"retired_on", lifecycle.sunset},
       {"replacement", lifecycle.replacement}}));
}

void VersioningFilter::on_result(const ToolCall& call, json& result) {
  ToolLifecycle lifecycle = config_->effective(call.tool);
  if (lifecycle.status != "deprecated") return;
  std::string message = call.tool + " is deprecated and will be retired on " + lifecycle.sunset + "; use " +
                        lifecycle.replacement + ".";
  ++deprecated_served_;
  result["_meta"][kDeprecationMetaKey] = {
      {"tool", call.tool}, {"sunset", lifecycle.sunset}, {"replacement", lifecycle.replacement}, {"message", message}};
  log_event("warn", "deprecated_tool_called",
            {{"tool", call.tool}, {"sunset", lifecycle.sunset}, {"replacement", lifecycle.replacement}});
}

void VersioningFilter::register_stats(MetricsRegistry& registry) const {
  const char* help = "Calls to tool versions past current, by what the filter did.";
  registry.add_counter("mcp_versioning_calls_total", help, "action=\"refused_retired\"", retired_refused_);
  registry.add_counter("mcp_versioning_calls_total", help, "action=\"served_deprecated\"", deprecated_served_);
}

Status install_versioning(McpServer& server, const json& lifecycles, const std::string& today) {
  ASSIGN_OR_RETURN(auto config, VersioningConfig::create(lifecycles, server.tools(), today));
  for (const RegisteredTool& tool : server.tools().all()) {
    RETURN_IF_ERROR(server.tools().set_meta(tool.spec.name, kLifecycleMetaKey, config->meta_for(tool.spec.name)));
  }
  server.filters().add(std::make_unique<VersioningFilter>(config));
  return ok_status();
}

}  // namespace mcp::server
