#include <gtest/gtest.h>

#include "mcp/json_schema.h"
#include "mcp/schema_example.h"

namespace mcp {
namespace {

using json = nlohmann::json;

std::vector<SchemaError> check(const json& schema, const json& value) { return SchemaValidator(schema).validate(value); }
bool valid(const json& schema, const json& value) { return check(schema, value).empty(); }

TEST(JsonSchema, TypesIncludingIntegralFloats) {
  EXPECT_TRUE(valid({{"type", "integer"}}, 3));
  EXPECT_TRUE(valid({{"type", "integer"}}, 3.0));
  EXPECT_FALSE(valid({{"type", "integer"}}, 3.5));
  EXPECT_TRUE(valid({{"type", {"string", "null"}}}, nullptr));
  EXPECT_FALSE(valid({{"type", "object"}}, json::array()));
  EXPECT_TRUE(valid(true, 1));
  EXPECT_FALSE(valid(false, 1));
}

TEST(JsonSchema, ObjectKeywords) {
  json schema = {{"type", "object"},
                 {"properties", {{"a", {{"type", "string"}}}}},
                 {"patternProperties", {{"^x-", {{"type", "integer"}}}}},
                 {"required", {"a"}},
                 {"additionalProperties", false}};
  EXPECT_TRUE(valid(schema, {{"a", "s"}, {"x-n", 1}}));
  auto errors = check(schema, {{"b", 1}});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "missing required property \"a\"");
  EXPECT_EQ(errors[1].schema_pointer, "/additionalProperties");
  EXPECT_FALSE(valid(schema, {{"a", "s"}, {"x-n", "not int"}}));
  EXPECT_EQ(check(schema, {{"a", 1}})[0].instance_pointer, "/a");
}

TEST(JsonSchema, ArrayKeywordsAndTuples) {
  EXPECT_TRUE(valid({{"items", {{"type", "number"}}}, {"minItems", 1}, {"maxItems", 2}}, {1, 2}));
  EXPECT_FALSE(valid({{"items", {{"type", "number"}}}}, {1, "x"}));
  EXPECT_FALSE(valid({{"maxItems", 1}}, {1, 2}));
  EXPECT_FALSE(valid({{"uniqueItems", true}}, {1, 1}));
  EXPECT_TRUE(valid({{"prefixItems", {{{"type", "string"}}}}, {"items", {{"type", "number"}}}}, {"a", 1, 2}));
  EXPECT_FALSE(valid({{"items", json::array({{{"type", "string"}}})}, {"additionalItems", false}}, {"a", 1}));
  EXPECT_FALSE(valid({{"contains", {{"const", 3}}}}, {1, 2}));
}

TEST(JsonSchema, ScalarBoundsAndPatterns) {
  EXPECT_FALSE(valid({{"minimum", 2}}, 1));
  EXPECT_FALSE(valid({{"exclusiveMaximum", 2}}, 2));
  EXPECT_FALSE(valid({{"multipleOf", 0.5}}, 0.7));
  EXPECT_TRUE(valid({{"multipleOf", 0.1}}, 0.3));
  EXPECT_TRUE(valid({{"maxLength", 2}}, "é!"));  // counts characters, not bytes
  EXPECT_FALSE(valid({{"minLength", 3}}, "ab"));
  EXPECT_TRUE(valid({{"pattern", "^[a-z]+$"}}, "abc"));
  EXPECT_FALSE(valid({{"pattern", "^[a-z]+$"}}, "abc1"));
  EXPECT_FALSE(valid({{"pattern", "([unclosed"}}, "x")) << "a broken pattern is reported, not thrown";
  EXPECT_FALSE(valid({{"enum", {"a", "b"}}}, "c"));
  EXPECT_FALSE(valid({{"const", {{"k", 1}}}}, {{"k", 2}}));
}

TEST(JsonSchema, Combinators) {
  json any = {{"anyOf", {{{"type", "string"}}, {{"type", "integer"}}}}};
  EXPECT_TRUE(valid(any, 1));
  EXPECT_FALSE(valid(any, 1.5));
  json one = {{"oneOf", {{{"type", "number"}}, {{"type", "integer"}}}}};
  EXPECT_FALSE(valid(one, 1)) << "matches both";
  EXPECT_TRUE(valid(one, 1.5));
  EXPECT_FALSE(valid({{"allOf", {{{"minimum", 1}}, {{"maximum", 2}}}}}, 3));
  EXPECT_FALSE(valid({{"not", {{"type", "string"}}}}, "s"));
  json conditional = {{"if", {{"properties", {{"kind", {{"const", "a"}}}}}}},
                      {"then", {{"required", {"a"}}}},
                      {"else", {{"required", {"b"}}}}};
  EXPECT_TRUE(valid(conditional, {{"kind", "a"}, {"a", 1}}));
  EXPECT_FALSE(valid(conditional, {{"kind", "z"}, {"a", 1}}));
}

TEST(JsonSchema, AnyOfFailureNamesTheClosestBranch) {
  json schema = {{"anyOf",
                  {{{"properties", {{"type", {{"const", "text"}}}, {"text", {{"type", "string"}}}}}, {"required", {"type", "text"}}},
                   {{"properties", {{"type", {{"const", "image"}}}}}, {"required", {"type", "data", "mimeType"}}}}}};
  auto errors = check(schema, {{"type", "text"}, {"text", 5}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("closest"), std::string::npos);
  EXPECT_NE(errors[0].message.find("/text"), std::string::npos);
}

TEST(JsonSchema, LocalRefsResolveRemoteRefsAreRefusedCyclesAreBounded) {
  json doc = {{"$defs", {{"Name", {{"type", "string"}}}, {"Loop", {{"$ref", "#/$defs/Loop"}}}}},
              {"properties", {{"name", {{"$ref", "#/$defs/Name"}}}}}};
  EXPECT_TRUE(valid(doc, {{"name", "x"}}));
  EXPECT_FALSE(valid(doc, {{"name", 1}}));
  EXPECT_FALSE(valid({{"$ref", "https://example.com/schema.json"}}, 1));
  EXPECT_FALSE(valid({{"$ref", "#/$defs/Missing"}}, 1));
  SchemaValidator looping(doc);
  EXPECT_FALSE(looping.validate(1, "/$defs/Loop").empty()) << "a $ref cycle ends with an error, not a stack overflow";
  EXPECT_TRUE(looping.has_definition("Name"));
  EXPECT_TRUE(looping.validate_definition("x", "Name").empty());
}

}  // namespace
}  // namespace mcp

// ---- example_instance: what checks send as "some valid call" of a tool ----
namespace mcp {
namespace {

TEST(ExampleInstance, CoversTheVocabularyToolSchemasUse) {
  using json = nlohmann::json;
  // Each schema below broke the old generator (a harness error counted as a MUST failure).
  std::vector<json> schemas = {
      json::parse(R"({"type":"object","properties":{"flag":{"type":["boolean","string"]}},"required":["flag"]})"),
      json::parse(R"({"type":"object","properties":{"v":{"anyOf":[{"type":"integer","minimum":3},{"type":"null"}]}},"required":["v"]})"),
      json::parse(R"({"type":"object","$defs":{"id":{"type":"string","format":"uuid"}},"properties":{"id":{"$ref":"#/$defs/id"}},"required":["id"]})"),
      json::parse(R"({"type":"object","properties":{"k":{"const":"fixed"},"e":{"enum":["a","b"]}},"required":["k","e"]})"),
      json::parse(R"({"type":"object","properties":{"when":{"type":"string","format":"date-time"},"mail":{"type":"string","format":"email"}},"required":["when","mail"]})"),
      json::parse(R"({"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"type":"string","minLength":7}},"required":["b"]}]})"),
      json::parse(R"({"type":"object","properties":{"n":{"type":"number","minimum":0.5,"multipleOf":0.25},"xs":{"type":"array","minItems":2,"items":{"type":"integer"}}},"required":["n","xs"]})"),
      json::parse(R"({"type":"object","properties":{"o":{"oneOf":[{"type":"string","maxLength":2},{"type":"integer"}]}},"required":["o"]})"),
      json::parse(R"({"properties":{"x":{"type":"string"}},"required":["x"]})"),  // no "type": an object by its keywords
  };
  for (const json& schema : schemas) {
    std::optional<json> value = example_instance(schema);
    ASSERT_TRUE(value.has_value()) << schema.dump();
    EXPECT_TRUE(SchemaValidator(schema).validate(*value).empty()) << schema.dump() << " -> " << value->dump();
  }
  EXPECT_EQ((*example_instance(schemas[3]))["k"], "fixed");
}

TEST(ExampleInstance, AnswersNothingRatherThanSomethingInvalid) {
  using json = nlohmann::json;
  EXPECT_FALSE(example_instance(json::parse(R"({"type":"string","pattern":"^[0-9]{4}$"})")).has_value());
  EXPECT_FALSE(example_instance(json::parse(R"({"type":"object","required":["a"],"additionalProperties":false})")).has_value());
  EXPECT_FALSE(example_instance(json::parse(R"({"type":"integer","minimum":5,"maximum":2})")).has_value());
}

}  // namespace
}  // namespace mcp
