#include <charconv>
#include <limits>

#include "mcp/base64.h"
#include "reference-server/domain/domain.h"

namespace mcp::server {

using json = nlohmann::json;

namespace {

const json kCurrencies = {"USD", "EUR", "GBP", "JPY"};

json invoice_summary_properties() {
  return {{"invoice_id", {{"type", "integer"}}},
          {"customer", {{"type", "string"}}},
          {"currency", {{"type", "string"}}},
          {"total_cents", {{"type", "integer"}}}};
}

json created_invoice_output(bool with_lines) {
  json properties = invoice_summary_properties();
  properties["replayed"] = {{"type", "boolean"}};
  json required = {"invoice_id", "customer", "currency", "total_cents", "replayed"};
  if (with_lines) {
    properties["line_count"] = {{"type", "integer"}};
    required.push_back("line_count");
  }
  return {{"type", "object"}, {"properties", properties}, {"required", required}};
}

StatusOr<long long> insert_invoice(SqlConnection& conn, const std::string& owner, const std::string& customer,
                                   const std::string& currency, long long total) {
  Statement insert(conn, "INSERT INTO invoices (owner, customer, currency, total_cents) VALUES (?1, ?2, ?3, ?4) RETURNING id");
  if (!insert.bind(1, owner).bind(2, customer).bind(3, currency).bind(4, total).step()) return statement_error(insert, "inserting invoice");
  return insert.integer(0);
}

}  // namespace

Status register_invoice_tools(McpServer& server, Database& db) {
  ToolRegistry& tools = server.tools();
  RETURN_IF_ERROR(tools.add(
      {.name = "create_invoice_v1",
       .title = "Create an invoice (single amount)",
       .description = "Creates an invoice in USD for one amount. Superseded by create_invoice_v2 (currencies, lines).",
       .input_schema = object_schema({{"customer", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                                      {"amount_cents", {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000000000000}}},
                                      {"idempotency_key", idempotency_key_property()}},
                                     {"customer", "amount_cents", "idempotency_key"}),
       .output_schema = created_invoice_output(false),
       .annotations = write_annotations()},
      [&db](ToolContext& ctx) {
        const json& args = ctx.arguments();
        return idempotent_tool_result(db, ctx, "create_invoice_v1", [&](SqlConnection& conn) -> StatusOr<json> {
          std::string customer = args["customer"];
          long long total = args["amount_cents"];
          ASSIGN_OR_RETURN(long long id, insert_invoice(conn, ctx.session().owner(), customer, "USD", total));
          return json{{"invoice_id", id}, {"customer", customer}, {"currency", "USD"}, {"total_cents", total}};
        });
      }));

  json line_item = object_schema({{"description", {{"type", "string"}, {"minLength", 1}, {"maxLength", 500}}},
                                  {"quantity", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000000}}},
                                  {"unit_cents", {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000000000}}}},
                                 {"description", "quantity", "unit_cents"});
  RETURN_IF_ERROR(tools.add(
      {.name = "create_invoice_v2",
       .title = "Create an invoice",
       .description = "Creates an invoice in a given currency from line items.",
       .input_schema = object_schema({{"customer", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                                      {"currency", {{"type", "string"}, {"enum", kCurrencies}}},
                                      {"line_items", {{"type", "array"}, {"minItems", 1}, {"maxItems", 100}, {"items", line_item}}},
                                      {"idempotency_key", idempotency_key_property()}},
                                     {"customer", "currency", "line_items", "idempotency_key"}),
       .output_schema = created_invoice_output(true),
       .annotations = write_annotations()},
      [&db](ToolContext& ctx) {
        const json& args = ctx.arguments();
        return idempotent_tool_result(db, ctx, "create_invoice_v2", [&](SqlConnection& conn) -> StatusOr<json> {
          long long total = 0;
          for (const json& line : args["line_items"]) total += line["quantity"].get<long long>() * line["unit_cents"].get<long long>();
          std::string customer = args["customer"], currency = args["currency"];
          ASSIGN_OR_RETURN(long long id, insert_invoice(conn, ctx.session().owner(), customer, currency, total));
          long long position = 0;
          for (const json& line : args["line_items"]) {
            Statement insert(conn, "INSERT INTO invoice_lines VALUES (?1, ?2, ?3, ?4, ?5)");
            insert.bind(1, id).bind(2, ++position).bind(3, line["description"].get<std::string>())
                .bind(4, line["quantity"].get<long long>()).bind(5, line["unit_cents"].get<long long>()).step();
            if (!insert.error().empty()) return statement_error(insert, "inserting invoice line");
          }
          return json{{"invoice_id", id}, {"customer", customer}, {"currency", currency}, {"total_cents", total},
                      {"line_count", position}};
        });
      }));

  json get_output = invoice_summary_properties();
  get_output["created_at"] = {{"type", "string"}};
  get_output["line_items"] = {{"type", "array"}, {"items", line_item}};
  RETURN_IF_ERROR(tools.add(
      {.name = "get_invoice_v1",
       .title = "Get an invoice",
       .description = "Returns one invoice with its line items.",
       .input_schema = object_schema({{"invoice_id", {{"type", "integer"}, {"minimum", 1}}}}, {"invoice_id"}),
       .output_schema = {{"type", "object"}, {"properties", get_output},
                         {"required", {"invoice_id", "customer", "currency", "total_cents", "created_at", "line_items"}}},
       .annotations = read_annotations()},
      [&db](ToolContext& ctx) {
        long long id = ctx.arguments()["invoice_id"];
        json invoice;
        Status status = db.read([&](SqlConnection& conn) -> Status {
          // Another principal's invoice does not exist for this caller.
          Statement select(conn, "SELECT customer, currency, total_cents, created_at FROM invoices WHERE id = ?1 AND owner = ?2");
          if (!select.bind(1, id).bind(2, ctx.session().owner()).step()) return select.error().empty() ? not_found("") : statement_error(select, "reading invoice");
          invoice = {{"invoice_id", id}, {"customer", select.text(0)}, {"currency", select.text(1)},
                     {"total_cents", select.integer(2)}, {"created_at", select.text(3)}, {"line_items", json::array()}};
          Statement lines(conn, "SELECT description, quantity, unit_cents FROM invoice_lines WHERE invoice_id = ?1 ORDER BY position");
          lines.bind(1, id);
          while (lines.step()) {
            invoice["line_items"].push_back({{"description", lines.text(0)}, {"quantity", lines.integer(1)}, {"unit_cents", lines.integer(2)}});
          }
          return lines.error().empty() ? ok_status() : statement_error(lines, "reading invoice lines");
        });
        if (status.code() == StatusCode::kNotFound) {
          return error_result("invoice " + std::to_string(id) + " does not exist", {{"code", "not_found"}});
        }
        if (!status.ok()) return error_result(status.message(), {{"code", "storage_error"}});
        return structured_result(invoice);
      }));

  // The customer is mirrored into Mcp-Param-Customer over Streamable HTTP (2026-07-28
  // x-mcp-header), so a gateway can route or shard by customer without reading bodies.
  RETURN_IF_ERROR(tools.add(
      {.name = "invoice_totals_v1",
       .title = "Invoice totals",
       .description = "Totals one customer's invoices per currency: how many, and their sum in cents.",
       .input_schema = object_schema({{"customer", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}, {"x-mcp-header", "Customer"}}},
                                      {"currency", {{"type", "string"}, {"enum", kCurrencies}, {"x-mcp-header", "Currency"}}}},
                                     {"customer"}),
       .output_schema = {{"type", "object"},
                         {"properties",
                          {{"customer", {{"type", "string"}}},
                           {"totals", {{"type", "array"},
                                       {"items", {{"type", "object"},
                                                  {"properties", {{"currency", {{"type", "string"}}},
                                                                  {"invoice_count", {{"type", "integer"}}},
                                                                  {"total_cents", {{"type", "integer"}}}}}}}}}}},
                         {"required", {"customer", "totals"}}},
       .annotations = read_annotations()},
      [&db](ToolContext& ctx) {
        const json& args = ctx.arguments();
        json summary = {{"customer", args["customer"]}, {"totals", json::array()}};
        Status status = db.read([&](SqlConnection& conn) -> Status {
          Statement select(conn,
                           "SELECT currency, COUNT(*), SUM(total_cents) FROM invoices WHERE customer = ?1 "
                           "AND (?2 = '' OR currency = ?2) AND owner = ?3 GROUP BY currency ORDER BY currency");
          select.bind(1, args["customer"].get<std::string>()).bind(2, args.value("currency", std::string()))
              .bind(3, ctx.session().owner());
          while (select.step()) {
            summary["totals"].push_back(
                {{"currency", select.text(0)}, {"invoice_count", select.integer(1)}, {"total_cents", select.integer(2)}});
          }
          return select.error().empty() ? ok_status() : statement_error(select, "totalling invoices");
        });
        if (!status.ok()) return error_result(status.message(), {{"code", "storage_error"}});
        return structured_result(summary);
      }));

  return tools.add(
      {.name = "list_invoices_v1",
       .title = "List invoices",
       .description = "Lists invoices, newest first, optionally for one customer. Pass next_cursor back for more.",
       .input_schema = object_schema({{"customer", {{"type", "string"}, {"maxLength", 200}}},
                                      {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 50}}},
                                      {"cursor", {{"type", "string"}, {"maxLength", 64}}}},
                                     json::array()),
       .output_schema = {{"type", "object"},
                         {"properties", {{"invoices", {{"type", "array"}, {"items", {{"type", "object"}, {"properties", invoice_summary_properties()}}}}},
                                         {"next_cursor", {{"type", "string"}}}}},
                         {"required", {"invoices"}}},
       .annotations = read_annotations()},
      [&db](ToolContext& ctx) {
        const json& args = ctx.arguments();
        long long limit = args.value("limit", 10);
        long long before = std::numeric_limits<long long>::max();
        if (args.contains("cursor")) {
          auto raw = base64_decode(args["cursor"].get<std::string>());
          const char* end = raw ? raw->data() + raw->size() : nullptr;
          auto parsed = raw && raw->rfind("inv:", 0) == 0 ? std::from_chars(raw->data() + 4, end, before)
                                                          : std::from_chars_result{nullptr, std::errc::invalid_argument};
          if (parsed.ec != std::errc() || parsed.ptr != end) {
            return error_result("cursor is not one this tool issued; start without a cursor", {{"code", "invalid_cursor"}});
          }
        }
        json page = {{"invoices", json::array()}};
        Status status = db.read([&](SqlConnection& conn) -> Status {
          Statement select(conn,
                           "SELECT id, customer, currency, total_cents FROM invoices WHERE id < ?1 AND (?2 = '' OR customer = ?2) "
                           "AND owner = ?4 ORDER BY id DESC LIMIT ?3");
          select.bind(1, before).bind(2, args.value("customer", std::string())).bind(3, limit + 1)
              .bind(4, ctx.session().owner());
          while (select.step()) {
            if (static_cast<long long>(page["invoices"].size()) == limit) {
              page["next_cursor"] = base64url_encode("inv:" + std::to_string(page["invoices"].back()["invoice_id"].get<long long>()));
              break;
            }
            page["invoices"].push_back({{"invoice_id", select.integer(0)}, {"customer", select.text(1)},
                                        {"currency", select.text(2)}, {"total_cents", select.integer(3)}});
          }
          return select.error().empty() ? ok_status() : statement_error(select, "listing invoices");
        });
        if (!status.ok()) return error_result(status.message(), {{"code", "storage_error"}});
        return structured_result(page);
      });
}

}  // namespace mcp::server
