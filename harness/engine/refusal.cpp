#include "harness/engine/refusal.h"

namespace mcp::harness {

using json = nlohmann::json;

json refusal_of(const json& response, const std::string& meta_key) {
  if (!response.is_object() || !response.contains("result")) return nullptr;
  const json& result = response["result"];
  if (!result.is_object() || result.value("isError", false) != true) return nullptr;
  json structured = result.value("structuredContent", json());
  if (structured.is_object() && structured.contains("code")) return structured;
  json meta = result.value("_meta", json::object());
  if (meta.is_object() && meta.contains(meta_key) && meta[meta_key].is_object()) return meta[meta_key];
  return nullptr;
}

std::string refusal_code(const json& response) {
  json refusal = refusal_of(response);
  return refusal.is_object() && refusal.contains("code") && refusal["code"].is_string() ? refusal["code"].get<std::string>()
                                                                                        : std::string();
}

bool is_refusal(const json& response) {
  std::string code = refusal_code(response);
  return code == "rate_limited" || code == "budget_exhausted";
}

}  // namespace mcp::harness
