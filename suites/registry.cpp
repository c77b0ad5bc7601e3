#include "suites/auth/auth_suites.h"
#include "suites/suites.h"

namespace mcp::harness {

namespace suites {

void register_auth(Registry& registry) {
  auth::register_session_checks(registry);
  auth::register_token_checks(registry);
  auth::register_gateway_checks(registry);
}

}  // namespace suites

const Registry& builtin_checks() {
  static const Registry registry = [] {
    Registry r;
    suites::register_lifecycle(r);
    suites::register_discover(r);
    suites::register_jsonrpc(r);
    suites::register_utilities(r);
    suites::register_tools(r);
    suites::register_tool_header_annotations(r);
    suites::register_resources(r);
    suites::register_resource_errors(r);
    suites::register_prompts(r);
    suites::register_server_utilities(r);
    suites::register_per_request_logging(r);
    suites::register_caching(r);
    suites::register_mrtr(r);
    suites::register_subscriptions(r);
    suites::register_tasks(r);
    suites::register_versioning(r);
    suites::register_limits(r);
    suites::register_observability(r);
    suites::register_transport_stdio(r);
    suites::register_transport_http(r);
    suites::register_per_request_http(r);
    suites::register_robustness(r);
    suites::register_auth(r);
    suites::register_schema(r);
    return r;
  }();
  return registry;
}

}  // namespace mcp::harness
