#include "harness/engine/refusal.h"

#include <regex>

namespace mcp::harness {

using json = nlohmann::json;

namespace {

std::string result_text(const json& result) {
  std::string text;
  for (const json& block : result.value("content", json::array())) {
    if (block.is_object()) text += block.value("text", "");
  }
  return text;
}

}  // namespace

json refusal_of(const json& response, const LimitsProfile& profile) {
  if (!response.is_object()) return nullptr;
  if (profile.refusal_error_code != 0 && response.contains("error") && response["error"].is_object() &&
      response["error"].value("code", 0) == profile.refusal_error_code) {
    json data = response["error"].value("data", json::object());
    json refusal = data.is_object() ? data : json::object();
    if (!refusal.contains("code")) refusal["code"] = "rate_limited";
    return refusal;
  }
  if (!response.contains("result")) return nullptr;
  const json& result = response["result"];
  if (!result.is_object() || result.value("isError", false) != true) return nullptr;
  if (!profile.refusal_pointer.empty()) {
    try {
      json::json_pointer pointer(profile.refusal_pointer);
      if (result.contains(pointer) && result.at(pointer).is_object()) return result.at(pointer);
    } catch (const json::exception&) {
    }
  }
  if (!profile.refusal_text_pattern.empty()) {
    std::smatch match;
    std::string text = result_text(result);
    if (std::regex_search(text, match, std::regex(profile.refusal_text_pattern))) {
      json refusal = {{"code", "rate_limited"}};
      if (match.size() > 1) {
        try {
          refusal["retry_after_seconds"] = std::stod(match[1]);
        } catch (const std::exception&) {
        }
      }
      return refusal;
    }
  }
  json structured = result.value("structuredContent", json());
  if (structured.is_object() && structured.contains("code")) return structured;
  json meta = result.value("_meta", json::object());
  if (meta.is_object() && meta.contains(profile.refusal_meta_key) && meta[profile.refusal_meta_key].is_object()) {
    return meta[profile.refusal_meta_key];
  }
  return nullptr;
}

std::string refusal_code(const json& response, const LimitsProfile& profile) {
  json refusal = refusal_of(response, profile);
  return refusal.is_object() && refusal.contains("code") && refusal["code"].is_string() ? refusal["code"].get<std::string>()
                                                                                        : std::string();
}

bool is_refusal(const json& response, const LimitsProfile& profile) {
  std::string code = refusal_code(response, profile);
  return code == "rate_limited" || code == "budget_exhausted";
}

}  // namespace mcp::harness
