// _meta keys of the production profile (docs/profile.md) that the reference server
// and the harness both read or write: one spelling for both sides.
#pragma once

namespace mcp::profile {

// The agent run a request belongs to: budgets, cost and log lines are per run.
inline constexpr const char* kRunIdMetaKey = "dev.mcp-harness/run-id";

}  // namespace mcp::profile
