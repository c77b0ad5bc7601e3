#include "mcp/schema_example.h"

#include <cmath>
#include <string>
#include <vector>

#include "mcp/json_schema.h"

namespace mcp {

using json = nlohmann::json;

namespace {

constexpr int kMaxDepth = 8;

const json& resolve(const json& schema, const json& root) {
  if (!schema.is_object() || !schema.contains("$ref") || !schema["$ref"].is_string()) return schema;
  const std::string& ref = schema["$ref"].get_ref<const std::string&>();
  if (ref.rfind("#", 0) != 0) return schema;
  try {
    return root.at(json::json_pointer(ref.substr(1)));
  } catch (const std::exception&) {
    return schema;
  }
}

// allOf folded into one schema: properties merged, required joined, other keywords
// taken from the first schema that names them.
json fold_all_of(const json& schema, const json& root) {
  json merged = schema;
  merged.erase("allOf");
  for (const json& part_ref : schema["allOf"]) {
    const json& part = resolve(part_ref, root);
    if (!part.is_object()) continue;
    for (const auto& [key, value] : part.items()) {
      if (key == "properties" && value.is_object()) {
        for (const auto& [name, property] : value.items()) {
          if (!merged["properties"].contains(name)) merged["properties"][name] = property;
        }
      } else if (key == "required" && value.is_array()) {
        for (const json& name : value) merged["required"].push_back(name);
      } else if (!merged.contains(key)) {
        merged[key] = value;
      }
    }
  }
  return merged;
}

std::string inferred_type(const json& schema) {
  if (schema.contains("properties") || schema.contains("required") || schema.contains("additionalProperties")) return "object";
  if (schema.contains("items") || schema.contains("prefixItems") || schema.contains("minItems")) return "array";
  if (schema.contains("minimum") || schema.contains("maximum") || schema.contains("multipleOf")) return "number";
  return "string";
}

std::optional<json> example(const json& schema_in, const json& root, int depth);

json string_example(const json& schema) {
  static const std::vector<std::pair<const char*, const char*>> kFormats = {
      {"date-time", "2026-01-01T00:00:00Z"}, {"date", "2026-01-01"}, {"time", "00:00:00Z"},
      {"email", "user@example.com"}, {"idn-email", "user@example.com"}, {"uri", "https://example.com/"},
      {"iri", "https://example.com/"}, {"uri-reference", "https://example.com/"}, {"url", "https://example.com/"},
      {"uuid", "00000000-0000-4000-8000-000000000000"}, {"hostname", "example.com"}, {"ipv4", "127.0.0.1"},
      {"ipv6", "::1"}, {"duration", "PT1S"}};
  if (schema.contains("format") && schema["format"].is_string()) {
    for (const auto& [format, value] : kFormats) {
      if (schema["format"] == format) return value;
    }
  }
  std::size_t length = 5;
  if (schema.contains("minLength") && schema["minLength"].is_number_unsigned()) length = std::max<std::size_t>(length, schema["minLength"].get<std::size_t>());
  if (schema.contains("maxLength") && schema["maxLength"].is_number_unsigned()) length = std::min<std::size_t>(length, schema["maxLength"].get<std::size_t>());
  return std::string(length, 'x');
}

json number_example(const json& schema, bool integer) {
  double low = -1e15, high = 1e15;
  if (schema.contains("minimum") && schema["minimum"].is_number()) low = schema["minimum"].get<double>();
  if (schema.contains("maximum") && schema["maximum"].is_number()) high = schema["maximum"].get<double>();
  if (schema.contains("exclusiveMinimum") && schema["exclusiveMinimum"].is_number()) low = schema["exclusiveMinimum"].get<double>() + (integer ? 1 : 0.5);
  if (schema.contains("exclusiveMaximum") && schema["exclusiveMaximum"].is_number()) high = schema["exclusiveMaximum"].get<double>() - (integer ? 1 : 0.5);
  double value = std::max(low, std::min(1.0, high));
  if (schema.contains("multipleOf") && schema["multipleOf"].is_number() && schema["multipleOf"].get<double>() > 0) {
    double step = schema["multipleOf"].get<double>();
    value = std::ceil(low > -1e15 ? low / step : 1.0) * step;
  }
  if (integer) return static_cast<long long>(std::ceil(value));
  return value;
}

std::optional<json> typed_example(const json& schema, const json& root, int depth, const std::string& type) {
  if (type == "string") return string_example(schema);
  if (type == "integer" || type == "number") return number_example(schema, type == "integer");
  if (type == "boolean") return true;
  if (type == "null") return json(nullptr);
  if (type == "object") {
    json object = json::object();
    const json& properties = schema.contains("properties") && schema["properties"].is_object() ? schema["properties"] : json::object();
    for (const json& name : schema.value("required", json::array())) {
      if (!name.is_string()) return std::nullopt;
      const json& property = properties.contains(name.get<std::string>()) ? properties[name.get<std::string>()]
                             : schema.contains("additionalProperties") && schema["additionalProperties"].is_object()
                                 ? schema["additionalProperties"]
                                 : json::object();
      auto value = example(property, root, depth + 1);
      if (!value) return std::nullopt;
      object[name.get<std::string>()] = std::move(*value);
    }
    return object;
  }
  if (type == "array") {
    json array = json::array();
    std::size_t count = schema.contains("minItems") && schema["minItems"].is_number_unsigned() ? schema["minItems"].get<std::size_t>() : 0;
    const json& prefix = schema.contains("prefixItems") && schema["prefixItems"].is_array() ? schema["prefixItems"] : json::array();
    for (std::size_t i = 0; i < std::max(count, prefix.size()) && i < 16; ++i) {
      const json& items = i < prefix.size() ? prefix[i] : schema.contains("items") ? schema["items"] : json::object();
      auto value = example(items, root, depth + 1);
      if (!value) return std::nullopt;
      array.push_back(std::move(*value));
    }
    return array;
  }
  return std::nullopt;
}

std::optional<json> example(const json& schema_in, const json& root, int depth) {
  if (depth > kMaxDepth) return std::nullopt;
  const json& schema = resolve(schema_in, root);
  if (schema.is_boolean()) return schema.get<bool>() ? std::optional<json>("x") : std::nullopt;
  if (!schema.is_object()) return std::nullopt;
  if (schema.contains("const")) return schema["const"];
  if (schema.contains("enum") && schema["enum"].is_array() && !schema["enum"].empty()) return schema["enum"][0];
  if (schema.contains("allOf") && schema["allOf"].is_array()) return example(fold_all_of(schema, root), root, depth + 1);
  for (const char* key : {"anyOf", "oneOf"}) {
    if (!schema.contains(key) || !schema[key].is_array()) continue;
    for (const json& branch : schema[key]) {
      // A branch carries the keywords beside anyOf too (a shared "type", say).
      json combined = schema;
      combined.erase(key);
      const json& resolved = resolve(branch, root);
      if (resolved.is_object()) combined.update(resolved);
      if (auto value = example(combined, root, depth + 1)) return value;
    }
    return std::nullopt;
  }
  std::vector<std::string> types;
  if (schema.contains("type") && schema["type"].is_string()) types.push_back(schema["type"]);
  if (schema.contains("type") && schema["type"].is_array()) {
    // Any listed type will do; null last, since servers often treat it as "absent".
    for (const json& t : schema["type"]) if (t.is_string() && t != "null") types.push_back(t);
    for (const json& t : schema["type"]) if (t == "null") types.push_back(t);
  }
  if (types.empty()) types.push_back(inferred_type(schema));
  for (const std::string& type : types) {
    if (auto value = typed_example(schema, root, depth, type)) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<json> example_instance(const json& schema) {
  std::optional<json> value = example(schema, schema, 0);
  if (!value) return std::nullopt;
  SchemaValidator validator(schema);
  if (!validator.validate(*value).empty()) return std::nullopt;
  return value;
}

}  // namespace mcp
