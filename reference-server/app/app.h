// Assembles a server from configuration: storage, the parts that bring its tools
// (app/parts.h), and the filter chain. The reference server, the fixture servers and
// servers copied from the template start here, so fixtures differ only in their defect.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/status.h"
#include "reference-server/core/server.h"
#include "reference-server/app/parts.h"
#include "reference-server/observability/metrics_registry.h"
#include "reference-server/observability/otlp_exporter.h"
#include "reference-server/observability/telemetry.h"
#include "reference-server/storage/database.h"

namespace mcp::server {

struct AppConfig {
  ServerOptions server;
  std::string database = ":memory:";
  // What the server serves, installed in order (a template copy replaces these).
  std::vector<AppPart> parts = reference_parts();
  // Merged over the parts' schedules, tool by tool.
  nlohmann::json tool_lifecycle = nlohmann::json::object();
  std::string today;  // empty: the current UTC date (tests pin it)
  nlohmann::json limits;  // LimitsConfig::from_json; null = defaults
  std::string network_transport = "pipe";  // "pipe" (stdio) or "tcp" (HTTP), for telemetry
  bool log_redaction = true;
  // false: no versioning, limits or telemetry (bench/ measures the chain's overhead this way).
  bool filters = true;
  nlohmann::json auth;  // auth::AuthConfig::from_json; applied by the transports (null = no auth)
  TaskOptions tasks;    // config file "tasks": {ttl_ms, poll_interval_ms, workers, max_unfinished_per_principal, lease_ms}
};

// The "tasks" settings of a configuration file.
Status read_task_options(const nlohmann::json& settings, TaskOptions& options);

// Reads a JSON configuration file ({"database", "page_size", "tool_lifecycle", "limits", "auth", "tasks"}).
Status load_config_file(const std::string& path, AppConfig& config);

class ReferenceApp {
 public:
  static StatusOr<std::unique_ptr<ReferenceApp>> create(const AppConfig& config);
  ~ReferenceApp();
  McpServer& server() { return server_; }
  Database& database() { return *database_; }
  // Prometheus text for /metrics: telemetry's per-tool series, then every registered counter.
  std::string metrics() const;
  // For GET /readyz: the database and the filters' stores answer. Failures are
  // logged with their details and returned as the name of what is down.
  Status readiness();
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
