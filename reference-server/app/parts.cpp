#include "reference-server/app/parts.h"

#include "reference-server/conformance/conformance.h"
#include "reference-server/demo/demo.h"
#include "reference-server/domain/domain.h"

namespace mcp::server {

AppPart demo_part() {
  return {.name = "demo", .install = [](McpServer& server, Database&) -> Status {
            RETURN_IF_ERROR(register_demo_tools(server));
            RETURN_IF_ERROR(register_demo_resources(server));
            return register_demo_prompts(server);
          }};
}

AppPart invoices_part() {
  return {.name = "invoices",
          .install = register_invoice_tools,
          .tool_lifecycle = {{"create_invoice_v1",
                              {{"status", "deprecated"}, {"sunset", "2027-03-31"}, {"replacement", "create_invoice_v2"}}}},
          .tool_limits = {{"list_invoices_v1", {{"cost", 5}}}}};
}

AppPart tickets_part() {
  return {.name = "tickets",
          .install = register_ticket_tools,
          .tool_lifecycle = {{"search_tickets_v1",
                              {{"status", "deprecated"}, {"sunset", "2027-06-30"}, {"replacement", "search_tickets_v2"}}},
                             {"search_tickets_v0",
                              {{"status", "retired"}, {"sunset", "2026-06-30"}, {"replacement", "search_tickets_v2"}}}},
          .tool_limits = {{"search_tickets_v1", {{"cost", 5}}}, {"search_tickets_v2", {{"cost", 5}}}}};
}

AppPart conformance_part() {
  return {.name = "conformance", .install = [](McpServer& server, Database&) { return register_conformance_fixtures(server); }};
}

std::vector<AppPart> reference_parts() { return {demo_part(), invoices_part(), tickets_part()}; }

}  // namespace mcp::server
