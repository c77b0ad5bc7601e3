#include "reference-server/app/app.h"

#include <fstream>

#include "reference-server/demo/demo.h"
#include "reference-server/domain/domain.h"
#include "reference-server/filters/versioning/versioning_filter.h"

namespace mcp::server {

using json = nlohmann::json;

json default_tool_lifecycles() {
  return {{"create_invoice_v1", {{"status", "deprecated"}, {"sunset", "2027-03-31"}, {"replacement", "create_invoice_v2"}}},
          {"search_tickets_v1", {{"status", "deprecated"}, {"sunset", "2027-06-30"}, {"replacement", "search_tickets_v2"}}},
          {"search_tickets_v0", {{"status", "retired"}, {"sunset", "2026-06-30"}, {"replacement", "search_tickets_v2"}}}};
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
    else return invalid_argument(path + ": unknown or mistyped setting \"" + key + "\"");
  }
  return ok_status();
}

StatusOr<std::unique_ptr<ReferenceApp>> ReferenceApp::create(const AppConfig& config) {
  std::unique_ptr<ReferenceApp> app(new ReferenceApp(config));
  ASSIGN_OR_RETURN(app->database_, Database::open(config.database));
  McpServer& server = app->server_;
  RETURN_IF_ERROR(register_demo_tools(server));
  RETURN_IF_ERROR(register_invoice_tools(server, *app->database_));
  RETURN_IF_ERROR(register_ticket_tools(server, *app->database_));
  RETURN_IF_ERROR(register_demo_resources(server));
  RETURN_IF_ERROR(register_demo_prompts(server));
  json lifecycles = default_tool_lifecycles();
  for (const auto& [tool, lifecycle] : config.tool_lifecycle.items()) lifecycles[tool] = lifecycle;
  RETURN_IF_ERROR(install_versioning(server, lifecycles, config.today.empty() ? utc_today() : config.today)
                      .with_context("tool lifecycle configuration"));
  return app;
}

}  // namespace mcp::server
