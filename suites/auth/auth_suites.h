// The auth suite's parts; suites/registry.cpp calls register_auth.
#pragma once

#include "harness/engine/check.h"

namespace mcp::harness::suites::auth {

void register_token_checks(Registry& registry);    // forged and malformed bearer tokens
void register_session_checks(Registry& registry);  // challenges, metadata, scopes, sessions, expiry, rotation
void register_gateway_checks(Registry& registry);  // identity asserted by a gateway; secrets in output

}  // namespace mcp::harness::suites::auth
