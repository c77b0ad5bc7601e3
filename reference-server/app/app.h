// Assembles the reference server from configuration: storage, demo and domain
// tools, and the filter chain. Both the reference server and the fixture
// servers start from here, so fixtures differ only in their one defect.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/status.h"
#include "reference-server/core/server.h"
#include "reference-server/observability/metrics_registry.h"
#include "reference-server/observability/otlp_exporter.h"
#include "reference-server/observability/telemetry.h"
#include "reference-server/storage/database.h"

namespace mcp::server {

struct AppConfig {
  ServerOptions server;
  std::string database = ":memory:";
  // Merged over the built-in schedule (default_tool_lifecycles()), tool by tool.
  nlohmann::json tool_lifecycle = nlohmann::json::object();
  std::string today;  // empty: the current UTC date (tests pin it)
  nlohmann::json limits;  // LimitsConfig::from_json; null = defaults
  std::string network_transport = "pipe";  // "pipe" (stdio) or "tcp" (HTTP), for telemetry
  bool log_redaction = true;
  // Tools of a server built from this one (docs/template.md), registered before the
  // filter chain is configured so that limits and tool_lifecycle can name them.
  std::function<Status(McpServer&)> register_tools;
  // false: no versioning, limits or telemetry (bench/ measures the chain's overhead this way).
  bool filters = true;
  // The official conformance suite's fixture tools, resources and prompts (conformance/).
  bool conformance_fixtures = false;
  nlohmann::json auth;  // auth::AuthConfig::from_json; applied by the transports (null = no auth)
};

// Reads a JSON configuration file ({"database", "page_size", "tool_lifecycle", "limits", "auth"}).
Status load_config_file(const std::string& path, AppConfig& config);
nlohmann::json default_tool_lifecycles();

class ReferenceApp {
 public:
  static StatusOr<std::unique_ptr<ReferenceApp>> create(const AppConfig& config);
  ~ReferenceApp();
  McpServer& server() { return server_; }
  Database& database() { return *database_; }
  // Prometheus text for /metrics: telemetry's per-tool series, then every registered counter.
  std::string metrics() const;
  // Filters register their counters here; so does the HTTP transport (main.cpp).
  MetricsRegistry& metrics_registry() { return metrics_; }

 private:
  explicit ReferenceApp(const AppConfig& config) : server_(config.server) {}
  std::unique_ptr<Database> database_;
  McpServer server_;
  MetricsRegistry metrics_;
  std::shared_ptr<obs::Telemetry> telemetry_;
  std::shared_ptr<obs::OtlpExporter> exporter_;
};

}  // namespace mcp::server
