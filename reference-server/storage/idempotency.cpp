#include "reference-server/storage/idempotency.h"

namespace mcp::server {

using json = nlohmann::json;

StatusOr<IdempotentOutcome> run_idempotent(Database& db, const std::string& tool, const std::string& key,
                                           const json& request,
                                           const std::function<StatusOr<json>(sqlite3*)>& write) {
  IdempotentOutcome outcome;
  std::string canonical = request.dump();
  Status status = db.transaction([&](sqlite3* conn) -> Status {
    Statement lookup(conn, "SELECT request, result FROM idempotency_keys WHERE tool = ?1 AND key = ?2");
    lookup.bind(1, tool).bind(2, key);
    if (lookup.step()) {
      if (lookup.text(0) != canonical) {
        return failed_precondition("idempotency key \"" + key + "\" was already used for " + tool +
                                   " with different arguments");
      }
      outcome.result = json::parse(lookup.text(1));
      outcome.replayed = true;
      return ok_status();
    }
    if (!lookup.error().empty()) return statement_error(lookup, "idempotency lookup");
    auto written = write(conn);
    if (!written.ok()) return written.status();
    outcome.result = *written;
    Statement record(conn, "INSERT INTO idempotency_keys (tool, key, request, result) VALUES (?1, ?2, ?3, ?4)");
    record.bind(1, tool).bind(2, key).bind(3, canonical).bind(4, outcome.result.dump());
    record.step();
    if (!record.error().empty()) return statement_error(record, "recording idempotency key");
    return ok_status();
  });
  if (!status.ok()) return status;
  return outcome;
}

}  // namespace mcp::server
