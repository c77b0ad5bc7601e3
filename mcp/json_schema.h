// A JSON Schema validator covering what MCP uses (draft-07 and 2020-12 keywords):
// $ref into the same document ($defs / definitions), type, properties, required,
// additionalProperties, patternProperties, items / prefixItems, enum, const,
// anyOf / oneOf / allOf / not, if/then/else, numeric, string and array bounds, pattern.
// Remote $refs are refused, never fetched (the spec forbids auto-dereferencing).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace mcp {

struct SchemaError {
  std::string instance_pointer;  // JSON pointer into the validated value ("" = root)
  std::string schema_pointer;    // JSON pointer to the failing keyword in the schema
  std::string message;
};

std::string describe_errors(const std::vector<SchemaError>& errors, std::size_t max_errors = 5);

class SchemaValidator {
 public:
  explicit SchemaValidator(nlohmann::json document);

  // Validates against the schema at `schema_pointer` inside the document ("" = the root).
  std::vector<SchemaError> validate(const nlohmann::json& instance, const std::string& schema_pointer = "") const;
  // Validates against a named definition under $defs or definitions.
  std::vector<SchemaError> validate_definition(const nlohmann::json& instance, std::string_view name) const;
  bool has_definition(std::string_view name) const;
  const nlohmann::json& document() const { return document_; }

 private:
  struct Cursor;
  void check(const nlohmann::json& schema, const nlohmann::json& instance, Cursor& at,
             std::vector<SchemaError>& errors) const;
  void check_object(const nlohmann::json& schema, const nlohmann::json& instance, Cursor& at,
                    std::vector<SchemaError>& errors) const;
  void check_array(const nlohmann::json& schema, const nlohmann::json& instance, Cursor& at,
                   std::vector<SchemaError>& errors) const;
  void check_scalar(const nlohmann::json& schema, const nlohmann::json& instance, Cursor& at,
                    std::vector<SchemaError>& errors) const;
  void check_combinators(const nlohmann::json& schema, const nlohmann::json& instance, Cursor& at,
                         std::vector<SchemaError>& errors) const;
  const std::regex* regex_for(const std::string& pattern) const;
  std::string definition_pointer(std::string_view name) const;

  nlohmann::json document_;
  mutable std::mutex regex_mutex_;
  mutable std::map<std::string, std::unique_ptr<std::regex>> regexes_;  // null = invalid pattern
};

// True when `value` has the JSON Schema type `type` ("integer" accepts 2.0).
bool json_has_type(const nlohmann::json& value, std::string_view type);

}  // namespace mcp
