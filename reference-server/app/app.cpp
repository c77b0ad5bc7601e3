#include "reference-server/app/app.h"

#include <fstream>

#include "reference-server/core/event_log.h"
#include "reference-server/filters/limits/limits_filter.h"
#include "reference-server/filters/versioning/versioning_filter.h"
#include "reference-server/storage/sql_task_store.h"

namespace mcp::server {

using json = nlohmann::json;

Status read_task_options(const json& settings, TaskOptions& options) {
  for (const auto& [key, value] : settings.items()) {
    if (!value.is_number_unsigned() || value.get<unsigned long long>() == 0) {
      return invalid_argument("tasks." + key + " must be a positive integer");
    }
    if (key == "ttl_ms") options.ttl_ms = value;
    else if (key == "poll_interval_ms") options.poll_interval_ms = value;
    else if (key == "workers") options.workers = value;
    else if (key == "max_unfinished_per_principal") options.max_unfinished_per_principal = value;
    else if (key == "lease_ms") options.lease_ms = value;
    else return invalid_argument("unknown setting tasks." + key);
  }
  return ok_status();
}

Status load_config_file(const std::string& path, AppConfig& config) {
  std::ifstream file(path);
  if (!file) return not_found("cannot read config file " + path);
  json parsed = json::parse(file, nullptr, false);
  if (!parsed.is_object()) return invalid_argument(path + " is not a JSON object");
  for (const auto& [key, value] : parsed.items()) {
    if (key == "database" && value.is_string()) config.database = value;
    else if (key == "page_size" && value.is_number_unsigned()) config.server.page_size = value;
    else if (key == "tool_lifecycle" && value.is_object()) config.tool_lifecycle = value;
    else if (key == "limits" && value.is_object()) config.limits = value;
    else if (key == "log_redaction" && value.is_boolean()) config.log_redaction = value;
    else if (key == "auth" && value.is_object()) config.auth = value;
    else if (key == "tasks" && value.is_object()) RETURN_IF_ERROR(read_task_options(value, config.tasks).with_context(path));
    else return invalid_argument(path + ": unknown or mistyped setting \"" + key + "\"");
  }
  return ok_status();
}

ReferenceApp::~ReferenceApp() {
  if (exporter_) obs::set_span_sink(nullptr);  // the exporter flushes as it goes
}

std::string ReferenceApp::metrics() const {
  return (telemetry_ ? telemetry_->prometheus() : "") + metrics_.prometheus();
}

Status ReferenceApp::readiness() {
  auto down = [](const char* dependency, const Status& status) {
    log_event("warn", "not_ready", {{"dependency", dependency}, {"error", status.message()}});
    return unavailable(dependency);
  };
  if (Status database = database_->ping(); !database.ok()) return down("database", database);
  if (Status filters = server_.filters().health(); !filters.ok()) return down("limit store", filters);
  return ok_status();
}

StatusOr<std::unique_ptr<ReferenceApp>> ReferenceApp::create(const AppConfig& config) {
  std::unique_ptr<ReferenceApp> app(new ReferenceApp(config));
  ASSIGN_OR_RETURN(app->database_, Database::open(config.database));
  McpServer& server = app->server_;
  // Parts register before the filter chain is configured, so that limits and
  // tool_lifecycle can name their tools.
  json lifecycles = json::object(), tool_limits = json::object();
  for (const AppPart& part : config.parts) {
    RETURN_IF_ERROR(part.install(server, *app->database_).with_context("installing the " + part.name + " part"));
    lifecycles.merge_patch(part.tool_lifecycle);
    tool_limits.merge_patch(part.tool_limits);
  }
  // Tasks live in the same database as the domain, so they survive a restart with it.
  server.enable_tasks(std::make_shared<SqlTaskStore>(*app->database_), config.tasks);
  // How often each handler ran: lets a harness prove that refused calls had no effect.
  RETURN_IF_ERROR(server.resources().add({.uri = "mcp-ref://stats/tool-executions",
                                          .name = "tool-executions",
                                          .description = "How many times each tool's handler ran, as JSON.",
                                          .mime_type = "application/json",
                                          .read = [&server] { return server.execution_counts().dump(); }}));
  if (!config.filters) return app;
  for (const auto& [tool, lifecycle] : config.tool_lifecycle.items()) lifecycles[tool] = lifecycle;
  // Filter order is the chain order: versioning answers retired calls before they
  // spend any budget; limits refuse before the handler runs.
  RETURN_IF_ERROR(install_versioning(server, lifecycles, config.today.empty() ? utc_today() : config.today)
                      .with_context("tool lifecycle configuration"));
  json limits_json = {{"tools", tool_limits}, {"executions_resource", "mcp-ref://stats/tool-executions"}};
  if (config.limits.is_object()) limits_json.merge_patch(config.limits);
  ASSIGN_OR_RETURN(LimitsConfig limits, LimitsConfig::from_json(limits_json, server.tools()));
  RETURN_IF_ERROR(install_limits(server, limits).with_context("limits configuration"));

  // Telemetry watches every request; spans leave the process only when OTEL_* names a collector.
  app->telemetry_ = std::make_shared<obs::Telemetry>(
      server, obs::TelemetryOptions{config.network_transport, [limits](const std::string& tool) { return limits.cost_of(tool); },
                                    config.log_redaction});
  server.set_observer(app->telemetry_);
  RETURN_IF_ERROR(server.resources().add({.uri = "mcp-ref://stats/cost",
                                          .name = "cost",
                                          .description = "Cost units spent, by tool, principal, session and agent run.",
                                          .mime_type = "application/json",
                                          .read = [telemetry = app->telemetry_] { return telemetry->cost_totals().dump(); }}));
  server.filters().register_stats(app->metrics_);
  app->metrics_.add_reader("mcp_log_lines_dropped_total", "Log lines dropped because the log queue was full.", "counter", "",
                           [] { return static_cast<double>(log_lines_dropped()); });
  if (auto otlp = obs::OtlpOptions::from_environment()) {
    app->exporter_ = std::make_shared<obs::OtlpExporter>(*otlp);
    obs::set_span_sink(app->exporter_);
    const obs::ExportCounters& counters = app->exporter_->counters();
    app->metrics_.add_reader("mcp_spans_dropped_total", "Spans dropped because the export queue was full.", "counter", "",
                             [&counters] { return static_cast<double>(counters.dropped.load()); });
    app->metrics_.add_reader("mcp_span_export_failures_total", "Span batches the collector did not accept.", "counter", "",
                             [&counters] { return static_cast<double>(counters.failed_batches.load()); });
  }
  return app;
}

}  // namespace mcp::server
