// Idempotent writes: a retried call with the same key returns the first result
// and writes nothing; the same key with different arguments is refused. The
// lookup, the write and the record share one transaction, so concurrent retries
// (threads or processes) never both write.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "reference-server/storage/database.h"

namespace mcp::server {

struct IdempotentOutcome {
  nlohmann::json result;
  bool replayed = false;  // true when an earlier call with this key produced `result`
};

// `request` is what identifies the call (arguments without the key). `write`
// runs inside the transaction and returns the result to record. Keys are per
// principal: the same key from another principal is another call.
StatusOr<IdempotentOutcome> run_idempotent(Database& db, const std::string& principal, const std::string& tool,
                                           const std::string& key,
                                           const nlohmann::json& request,
                                           const std::function<StatusOr<nlohmann::json>(SqlConnection&)>& write);

}  // namespace mcp::server
