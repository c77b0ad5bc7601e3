// Registration functions by spec area (a folder each); builtin_checks() calls them in
// order. Checks of one revision only carry version bounds (min_version), whatever folder.
#pragma once

#include "harness/engine/check.h"

namespace mcp::harness::suites {

void register_lifecycle(Registry& registry);
void register_discover(Registry& registry);  // 2026-07-28: server/discover and per-request _meta
void register_jsonrpc(Registry& registry);
void register_utilities(Registry& registry);
void register_tools(Registry& registry);
void register_tool_header_annotations(Registry& registry);  // 2026-07-28 x-mcp-header
void register_resources(Registry& registry);
void register_resource_errors(Registry& registry);  // 2026-07-28 -32602 for unknown resources
void register_prompts(Registry& registry);
void register_server_utilities(Registry& registry);  // completion, logging, progress
void register_per_request_logging(Registry& registry);  // 2026-07-28 log level per request
void register_caching(Registry& registry);  // 2026-07-28 ttlMs and cacheScope
void register_versioning(Registry& registry);
void register_limits(Registry& registry);
void register_observability(Registry& registry);
void register_transport_stdio(Registry& registry);
void register_transport_http(Registry& registry);
// suites/transport-http/per_request_http_checks.cpp: the 2026-07-28 request headers.
void register_per_request_http(Registry& registry);
// suites/robustness/: a long session, large and invalid tool arguments; the server answers and lives on.
void register_robustness(Registry& registry);
// suites/patterns/: 2026-07-28 multi round-trip requests and subscriptions/listen.
void register_mrtr(Registry& registry);
void register_subscriptions(Registry& registry);
void register_tasks(Registry& registry);  // 2026-07-28 extension and 2025-11-25 utility
void register_auth(Registry& registry);  // suites/auth/: needs --auth (or --auth-token), skips otherwise
void register_schema(Registry& registry);  // last: it reports on everything the run saw

}  // namespace mcp::harness::suites
