#include "reference-server/storage/idempotency.h"

#include "mcp/json_rpc.h"

namespace mcp::server {

using json = nlohmann::json;

StatusOr<IdempotentOutcome> run_idempotent(Database& db, const std::string& principal, const std::string& tool,
                                           const std::string& key,
                                           const json& request,
                                           const std::function<StatusOr<json>(SqlConnection&)>& write) {
  IdempotentOutcome outcome;
  std::string canonical = request.dump();
  Status status = db.transaction([&](SqlConnection& conn) -> Status {
    Statement lookup(conn, "SELECT request, result FROM idempotency_records WHERE principal = ?1 AND tool = ?2 AND key = ?3");
    lookup.bind(1, principal).bind(2, tool).bind(3, key);
    if (lookup.step()) {
      if (lookup.text(0) != canonical) {
        return failed_precondition("idempotency key \"" + key + "\" was already used for " + tool +
                                   " with different arguments");
      }
      std::optional<json> stored = jsonrpc::parse_untrusted(lookup.text(1));
      if (!stored) return internal_error("idempotency record for \"" + key + "\" is not valid JSON");
      outcome.result = std::move(*stored);
      outcome.replayed = true;
      return ok_status();
    }
    if (!lookup.error().empty()) return statement_error(lookup, "idempotency lookup");
    auto written = write(conn);
    if (!written.ok()) return written.status();
    outcome.result = *written;
    Statement record(conn, "INSERT INTO idempotency_records (principal, tool, key, request, result) VALUES (?1, ?2, ?3, ?4, ?5)");
    record.bind(1, principal).bind(2, tool).bind(3, key).bind(4, canonical).bind(5, outcome.result.dump());
    record.step();
    if (!record.error().empty()) return statement_error(record, "recording idempotency key");
    return ok_status();
  });
  if (!status.ok()) return status;
  return outcome;
}

}  // namespace mcp::server
