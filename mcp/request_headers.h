// Streamable HTTP request metadata headers of the modern era (2026-07-28
// basic/transports/streamable-http.mdx "Request Metadata"): the body fields a POST
// mirrors into Mcp-Method and Mcp-Name, and the Base64 sentinel encoding for values
// that are not safe as plain header text. The harness builds them, the server checks them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mcp {

// The body value Mcp-Name mirrors: params.name (tools/call, prompts/get) or
// params.uri (resources/read); nullopt for every other method or a non-string value.
std::optional<std::string> mcp_name_source(const std::string& method, const nlohmann::json& params);

// Plain when every character is visible ASCII or an inner space/tab; otherwise (and
// for empty values and values that look like the sentinel) "=?base64?...?=".
std::string encode_header_value(const std::string& value);
// The value a header carries, the sentinel decoded; nullopt for a malformed sentinel.
std::optional<std::string> decode_header_value(const std::string& header);

// A tool parameter mirrored into an Mcp-Param-{name} header (2026-07-28
// streamable-http.mdx "Custom Headers from Tool Parameters"): the chain of
// `properties` keys leading to it, and its declared primitive type.
struct HeaderParameter {
  std::vector<std::string> path;
  std::string name;  // the x-mcp-header value
  std::string type;  // "string", "integer" or "boolean"
  std::string header() const { return "Mcp-Param-" + name; }
};

struct HeaderParameters {
  std::vector<HeaderParameter> parameters;
  std::string invalid;  // why the declarations break the spec's constraints; empty when they do not
};

// Every x-mcp-header annotation of a tool's inputSchema, checked against the spec's
// constraints: a token, unique ignoring case, on an integer/string/boolean property
// reachable through `properties` alone.
HeaderParameters header_parameters(const nlohmann::json& input_schema);

// The header text for a parameter's value in `arguments` (before encoding): strings
// as they are, integers in decimal, booleans as true/false; nullopt when the value is
// absent or null (the header is then omitted).
std::optional<std::string> header_parameter_text(const HeaderParameter& parameter, const nlohmann::json& arguments);

// Whether a received header (already decoded) matches the value in the body;
// integers compare numerically ("42.0" matches 42).
bool header_parameter_matches(const HeaderParameter& parameter, const std::string& header, const nlohmann::json& arguments);

}  // namespace mcp
