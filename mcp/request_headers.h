// Streamable HTTP request metadata headers of the modern era (2026-07-28
// basic/transports/streamable-http.mdx "Request Metadata"): the body fields a POST
// mirrors into Mcp-Method and Mcp-Name, and the Base64 sentinel encoding for values
// that are not safe as plain header text. The harness builds them, the server checks them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mcp {

// The body value Mcp-Name mirrors: params.name (tools/call, prompts/get) or
// params.uri (resources/read); nullopt for every other method or a non-string value.
std::optional<std::string> mcp_name_source(const std::string& method, const nlohmann::json& params);

// Plain when every character is visible ASCII or an inner space/tab; otherwise (and
// for values that look like the sentinel) "=?base64?...?=".
std::string encode_header_value(const std::string& value);
// The value a header carries, the sentinel decoded; nullopt for a malformed sentinel.
std::optional<std::string> decode_header_value(const std::string& header);

}  // namespace mcp
