#include "reference-server/domain/domain.h"
#include "reference-server/tasks/task.h"  // iso8601_utc

namespace mcp::server {

using json = nlohmann::json;

namespace {

const json kStatuses = {"open", "in_progress", "resolved", "closed"};
const json kPriorities = {"low", "normal", "high", "urgent"};

json ticket_properties() {
  return {{"ticket_id", {{"type", "integer"}}},
          {"title", {{"type", "string"}}},
          {"status", {{"type", "string"}, {"enum", kStatuses}}},
          {"priority", {{"type", "string"}, {"enum", kPriorities}}}};
}

json ticket_output() {
  json properties = ticket_properties();
  properties["replayed"] = {{"type", "boolean"}};
  return {{"type", "object"}, {"properties", properties}, {"required", {"ticket_id", "title", "status", "priority", "replayed"}}};
}

json search_output(bool with_total) {
  json output = {{"type", "object"},
                 {"properties", {{"tickets", {{"type", "array"}, {"items", {{"type", "object"}, {"properties", ticket_properties()}}}}}}},
                 {"required", {"tickets"}}};
  if (with_total) {
    output["properties"]["total"] = {{"type", "integer"}};
    output["required"].push_back("total");
  }
  return output;
}

StatusOr<json> read_ticket(SqlConnection& conn, long long id) {
  Statement select(conn, "SELECT title, status, priority FROM tickets WHERE id = ?1");
  if (!select.bind(1, id).step()) {
    return select.error().empty() ? not_found("ticket " + std::to_string(id) + " does not exist")
                                  : statement_error(select, "reading ticket");
  }
  return json{{"ticket_id", id}, {"title", select.text(0)}, {"status", select.text(1)}, {"priority", select.text(2)}};
}

// Tickets whose title or body contains `query`, filtered by status and priority when given.
StatusOr<json> search(Database& db, const json& args, long long limit) {
  json tickets = json::array();
  Status status = db.read([&](SqlConnection& conn) -> Status {
    Statement select(conn,
                     "SELECT id, title, status, priority FROM tickets WHERE (instr(title, ?1) > 0 OR instr(body, ?1) > 0) "
                     "AND (?2 = '' OR status = ?2) AND (?3 = '' OR priority = ?3) ORDER BY id LIMIT ?4");
    select.bind(1, args["query"].get<std::string>()).bind(2, args.value("status", std::string()))
        .bind(3, args.value("priority", std::string())).bind(4, limit);
    while (select.step()) {
      tickets.push_back({{"ticket_id", select.integer(0)}, {"title", select.text(1)}, {"status", select.text(2)},
                         {"priority", select.text(3)}});
    }
    return select.error().empty() ? ok_status() : statement_error(select, "searching tickets");
  });
  if (!status.ok()) return status;
  return tickets;
}

}  // namespace

Status register_ticket_tools(McpServer& server, Database& db) {
  ToolRegistry& tools = server.tools();
  RETURN_IF_ERROR(tools.add(
      {.name = "create_ticket_v1",
       .title = "Create a ticket",
       .description = "Opens a support ticket.",
       .input_schema = object_schema({{"title", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                                      {"body", {{"type", "string"}, {"maxLength", 10000}}},
                                      {"priority", {{"type", "string"}, {"enum", kPriorities}}},
                                      {"idempotency_key", idempotency_key_property()}},
                                     {"title", "idempotency_key"}),
       .output_schema = ticket_output(),
       .annotations = write_annotations()},
      [&db](ToolContext& ctx) {
        const json& args = ctx.arguments();
        return idempotent_tool_result(db, ctx, "create_ticket_v1", [&](SqlConnection& conn) -> StatusOr<json> {
          Statement insert(conn, "INSERT INTO tickets (title, body, priority) VALUES (?1, ?2, ?3) RETURNING id");
          if (!insert.bind(1, args["title"].get<std::string>()).bind(2, args.value("body", std::string()))
                   .bind(3, args.value("priority", std::string("normal"))).step()) {
            return statement_error(insert, "inserting ticket");
          }
          return read_ticket(conn, insert.integer(0));
        });
      }));

  RETURN_IF_ERROR(tools.add(
      {.name = "update_ticket_v1",
       .title = "Update a ticket",
       .description = "Changes a ticket's status and/or priority.",
       .input_schema = object_schema({{"ticket_id", {{"type", "integer"}, {"minimum", 1}}},
                                      {"status", {{"type", "string"}, {"enum", kStatuses}}},
                                      {"priority", {{"type", "string"}, {"enum", kPriorities}}},
                                      {"idempotency_key", idempotency_key_property()}},
                                     {"ticket_id", "idempotency_key"}),
       .output_schema = ticket_output(),
       .annotations = write_annotations()},
      [&db](ToolContext& ctx) {
        const json& args = ctx.arguments();
        if (!args.contains("status") && !args.contains("priority")) {
          return error_result("nothing to update: give status and/or priority", {{"code", "invalid_arguments"}});
        }
        return idempotent_tool_result(db, ctx, "update_ticket_v1", [&](SqlConnection& conn) -> StatusOr<json> {
          long long id = args["ticket_id"];
          ASSIGN_OR_RETURN(json current, read_ticket(conn, id));
          Statement update(conn,
                           "UPDATE tickets SET status = ?2, priority = ?3, updated_at = ?4 WHERE id = ?1");
          update.bind(1, id).bind(2, args.value("status", current["status"].get<std::string>()))
              .bind(3, args.value("priority", current["priority"].get<std::string>()))
              .bind(4, iso8601_utc(unix_ms_now())).step();
          if (!update.error().empty()) return statement_error(update, "updating ticket");
          return read_ticket(conn, id);
        });
      }));

  json search_v1_input = object_schema({{"query", {{"type", "string"}, {"maxLength", 200}}},
                                        {"status", {{"type", "string"}, {"enum", kStatuses}}}},
                                       {"query"});
  RETURN_IF_ERROR(tools.add(
      {.name = "search_tickets_v0",
       .title = "Search tickets (retired)",
       .description = "Retired: use search_tickets_v2.",
       .input_schema = search_v1_input,
       .output_schema = search_output(false),
       .annotations = read_annotations()},
      [](ToolContext&) {
        // Unreachable while retired: the versioning filter answers first.
        return error_result("search_tickets_v0 is retired", {{"code", "tool_retired"}});
      }));

  RETURN_IF_ERROR(tools.add(
      {.name = "search_tickets_v1",
       .title = "Search tickets",
       .description = "Finds tickets whose title or body contains the query.",
       .input_schema = search_v1_input,
       .output_schema = search_output(false),
       .annotations = read_annotations()},
      [&db](ToolContext& ctx) {
        auto found = search(db, ctx.arguments(), 100);
        if (!found.ok()) return error_result(found.status().message(), {{"code", "storage_error"}});
        return structured_result({{"tickets", *found}});
      }));

  json search_v2_input = search_v1_input;
  search_v2_input["properties"]["priority"] = {{"type", "string"}, {"enum", kPriorities}};
  search_v2_input["properties"]["limit"] = {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}};
  return tools.add(
      {.name = "search_tickets_v2",
       .title = "Search tickets",
       .description = "Finds tickets whose title or body contains the query, by status and priority.",
       .input_schema = search_v2_input,
       .output_schema = search_output(true),
       .annotations = read_annotations()},
      [&db](ToolContext& ctx) {
        auto found = search(db, ctx.arguments(), ctx.arguments().value("limit", 20));
        if (!found.ok()) return error_result(found.status().message(), {{"code", "storage_error"}});
        json tickets = *found;
        std::size_t total = tickets.size();
        return structured_result({{"tickets", tickets}, {"total", total}});
      });
}

}  // namespace mcp::server
