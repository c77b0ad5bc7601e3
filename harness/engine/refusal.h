// Recognising a limits refusal (docs/profile.md "Limits"): by default a
// CallToolResult with isError whose structuredContent (or, in revisions without
// structuredContent, _meta mirror) carries a code; a profile can point elsewhere
// (a JSON pointer, a text pattern, a JSON-RPC error code).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/engine/profile.h"

namespace mcp::harness {

// The refusal object of a response message ({"code", "retry_after_seconds", ...}),
// or null when the response is no refusal.
nlohmann::json refusal_of(const nlohmann::json& response, const LimitsProfile& profile = {});
std::string refusal_code(const nlohmann::json& response, const LimitsProfile& profile = {});
// A refusal of any recognised code (rate_limited, budget_exhausted, or a profile's).
bool is_refusal(const nlohmann::json& response, const LimitsProfile& profile = {});

}  // namespace mcp::harness
