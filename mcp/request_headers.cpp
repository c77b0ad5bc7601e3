#include "mcp/request_headers.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "mcp/base64.h"

namespace mcp {

namespace {
constexpr std::string_view kPrefix = "=?base64?";
constexpr std::string_view kSuffix = "?=";

bool looks_encoded(const std::string& value) {
  return value.size() >= kPrefix.size() + kSuffix.size() && value.compare(0, kPrefix.size(), kPrefix) == 0 &&
         value.compare(value.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}
// RFC 9110 section 5.6.2 tchar.
bool is_token(const std::string& text) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Keywords under which a subschema is not statically reachable from the root.
constexpr std::string_view kDynamicKeywords[] = {"items", "prefixItems", "additionalProperties", "patternProperties",
                                                 "contains", "oneOf", "anyOf", "allOf", "not", "if", "then", "else",
                                                 "$defs", "definitions", "dependentSchemas", "unevaluatedProperties"};

// Annotations found below a keyword that makes them unreachable.
bool annotated_anywhere(const nlohmann::json& schema) {
  if (schema.is_object()) {
    if (schema.contains("x-mcp-header")) return true;
    for (const auto& [key, value] : schema.items()) {
      if (annotated_anywhere(value)) return true;
    }
  } else if (schema.is_array()) {
    for (const auto& value : schema) {
      if (annotated_anywhere(value)) return true;
    }
  }
  return false;
}

void collect(const nlohmann::json& schema, std::vector<std::string>& path, HeaderParameters& out) {
  if (!schema.is_object()) return;
  for (std::string_view keyword : kDynamicKeywords) {
    auto nested = schema.find(std::string(keyword));
    if (nested != schema.end() && annotated_anywhere(*nested) && out.invalid.empty()) {
      out.invalid = "an x-mcp-header sits under \"" + std::string(keyword) + "\", not reachable through properties alone";
    }
  }
  auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return;
  for (const auto& [key, property] : properties->items()) {
    path.push_back(key);
    if (property.is_object() && property.contains("x-mcp-header")) {
      const nlohmann::json& name = property["x-mcp-header"];
      std::string where = "property \"" + key + "\"";
      std::string type = property.value("type", nlohmann::json()).is_string() ? property["type"].get<std::string>() : "";
      if (!name.is_string() || name.get<std::string>().empty()) {
        if (out.invalid.empty()) out.invalid = "x-mcp-header of " + where + " is empty or not a string";
      } else if (!is_token(name.get<std::string>())) {
        if (out.invalid.empty()) out.invalid = "x-mcp-header \"" + name.get<std::string>() + "\" of " + where + " is not an HTTP token";
      } else if (type != "string" && type != "integer" && type != "boolean") {
        if (out.invalid.empty()) {
          out.invalid = "x-mcp-header \"" + name.get<std::string>() + "\" is on " + where + " of type " +
                        (type.empty() ? "(none)" : type) + "; only string, integer and boolean are allowed";
        }
      } else {
        out.parameters.push_back({path, name.get<std::string>(), type});
      }
    }
    collect(property, path, out);
    path.pop_back();
  }
}

const nlohmann::json* value_at(const std::vector<std::string>& path, const nlohmann::json& arguments) {
  const nlohmann::json* at = &arguments;
  for (const std::string& key : path) {
    if (!at->is_object()) return nullptr;
    auto next = at->find(key);
    if (next == at->end()) return nullptr;
    at = &*next;
  }
  return at->is_null() ? nullptr : at;
}

}  // namespace

HeaderParameters header_parameters(const nlohmann::json& input_schema) {
  HeaderParameters out;
  std::vector<std::string> path;
  collect(input_schema, path, out);
  for (std::size_t i = 0; i < out.parameters.size() && out.invalid.empty(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (lowercase(out.parameters[i].name) == lowercase(out.parameters[j].name)) {
        out.invalid = "x-mcp-header \"" + out.parameters[i].name + "\" is declared twice (names are case-insensitive)";
        break;
      }
    }
  }
  return out;
}

std::optional<std::string> header_parameter_text(const HeaderParameter& parameter, const nlohmann::json& arguments) {
  const nlohmann::json* value = value_at(parameter.path, arguments);
  if (!value) return std::nullopt;
  if (value->is_string()) return value->get<std::string>();
  if (value->is_boolean()) return value->get<bool>() ? "true" : "false";
  if (value->is_number_integer()) return value->dump();
  if (value->is_number_float() && std::floor(value->get<double>()) == value->get<double>()) {
    return std::to_string(static_cast<long long>(value->get<double>()));
  }
  return value->dump();  // not the declared type: mirrored as JSON so the server can still compare it
}

bool header_parameter_matches(const HeaderParameter& parameter, const std::string& header, const nlohmann::json& arguments) {
  std::optional<std::string> body = header_parameter_text(parameter, arguments);
  if (!body) return false;
  if (parameter.type == "integer") {
    char* end = nullptr;
    double number = std::strtod(header.c_str(), &end);
    const nlohmann::json* value = value_at(parameter.path, arguments);
    return !header.empty() && end && *end == '\0' && value->is_number() && number == value->get<double>();
  }
  return header == *body;
}

std::optional<std::string> mcp_name_source(const std::string& method, const nlohmann::json& params) {
  // The tasks extension routes by task (SEP-2663 "Streamable HTTP: Routing Headers").
  bool task_method = method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel";
  const char* key = method == "tools/call" || method == "prompts/get" ? "name"
                    : method == "resources/read"                       ? "uri"
                    : task_method                                      ? "taskId"
                                                                       : nullptr;
  if (!key || !params.is_object()) return std::nullopt;
  auto value = params.find(key);
  if (value == params.end() || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::string encode_header_value(const std::string& value) {
  bool safe = !value.empty() && value.front() != ' ' && value.front() != '\t' && value.back() != ' ' &&
              value.back() != '\t' && !looks_encoded(value);
  for (unsigned char c : value) safe = safe && ((c >= 0x21 && c <= 0x7E) || c == ' ' || c == '\t');
  if (safe) return value;  // an empty value is encoded too: many HTTP stacks drop empty headers
  return std::string(kPrefix) + base64_encode(value) + std::string(kSuffix);
}

std::optional<std::string> decode_header_value(const std::string& header) {
  if (!looks_encoded(header)) return header;
  // Strictly padded: the SEP-2243 test cases refuse "=?base64?SGVsbG8?=" (no padding).
  return base64_decode_padded(header.substr(kPrefix.size(), header.size() - kPrefix.size() - kSuffix.size()));
}

}  // namespace mcp
