// One registration function per suite folder; builtin_checks() calls them in order.
#pragma once

#include "harness/engine/check.h"

namespace mcp::harness::suites {

void register_lifecycle(Registry& registry);
void register_jsonrpc(Registry& registry);
void register_utilities(Registry& registry);
void register_tools(Registry& registry);
void register_resources(Registry& registry);
void register_prompts(Registry& registry);
void register_server_utilities(Registry& registry);  // completion, logging, progress
void register_versioning(Registry& registry);
void register_limits(Registry& registry);
void register_observability(Registry& registry);
void register_transport_stdio(Registry& registry);
void register_transport_http(Registry& registry);
// suites/robustness/: a long session, large and invalid tool arguments; the server answers and lives on.
void register_robustness(Registry& registry);
// suites/per-request/: the 2026-07-28 era (server/discover, per-request _meta, MRTR,
// subscriptions/listen, HTTP request headers); skipped for initialize-based versions.
void register_per_request(Registry& registry);
void register_per_request_interactions(Registry& registry);
void register_per_request_http(Registry& registry);
void register_auth(Registry& registry);  // suites/auth/: needs --auth (or --auth-token), skips otherwise
void register_schema(Registry& registry);  // last: it reports on everything the run saw

}  // namespace mcp::harness::suites
