#include "mcp/request_headers.h"

#include "mcp/base64.h"

namespace mcp {

namespace {
constexpr std::string_view kPrefix = "=?base64?";
constexpr std::string_view kSuffix = "?=";

bool looks_encoded(const std::string& value) {
  return value.size() >= kPrefix.size() + kSuffix.size() && value.compare(0, kPrefix.size(), kPrefix) == 0 &&
         value.compare(value.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}
}  // namespace

std::optional<std::string> mcp_name_source(const std::string& method, const nlohmann::json& params) {
  const char* key = method == "tools/call" || method == "prompts/get" ? "name" : method == "resources/read" ? "uri" : nullptr;
  if (!key || !params.is_object()) return std::nullopt;
  auto value = params.find(key);
  if (value == params.end() || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::string encode_header_value(const std::string& value) {
  bool safe = !value.empty() && value.front() != ' ' && value.front() != '\t' && value.back() != ' ' &&
              value.back() != '\t' && !looks_encoded(value);
  for (unsigned char c : value) safe = safe && ((c >= 0x21 && c <= 0x7E) || c == ' ' || c == '\t');
  if (safe || value.empty()) return value;
  return std::string(kPrefix) + base64_encode(value) + std::string(kSuffix);
}

std::optional<std::string> decode_header_value(const std::string& header) {
  if (!looks_encoded(header)) return header;
  return base64_decode(header.substr(kPrefix.size(), header.size() - kPrefix.size() - kSuffix.size()));
}

}  // namespace mcp
