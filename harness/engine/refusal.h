// Recognising a limits refusal (docs/profile.md "Limits"): a CallToolResult with
// isError whose structuredContent (or, in revisions without structuredContent,
// _meta mirror) carries a code.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mcp::harness {

// The refusal object of a response message, or null when it is no refusal.
nlohmann::json refusal_of(const nlohmann::json& response, const std::string& meta_key = "dev.mcp-harness/refusal");
std::string refusal_code(const nlohmann::json& response);
// rate_limited or budget_exhausted.
bool is_refusal(const nlohmann::json& response);

}  // namespace mcp::harness
