// The validator against the official MCP schemas: every version loads, and valid
// and invalid samples of each server message type are told apart.
#include <gtest/gtest.h>

#include "mcp/json_rpc.h"
#include "mcp/official_schemas.h"

namespace mcp {
namespace {

using json = nlohmann::json;

class LegacySchemas : public ::testing::TestWithParam<std::string> {
 protected:
  const SchemaValidator& schema() const { return *official_schema(GetParam()); }
  bool valid(const json& value, const std::string& definition) const {
    return schema().validate_definition(value, definition).empty();
  }
};

TEST_P(LegacySchemas, InitializeResult) {
  json good = {{"protocolVersion", GetParam()}, {"capabilities", {{"tools", json::object()}}},
               {"serverInfo", {{"name", "s"}, {"version", "1"}}}};
  EXPECT_TRUE(valid(good, "InitializeResult"));
  json no_info = good;
  no_info.erase("serverInfo");
  EXPECT_FALSE(valid(no_info, "InitializeResult"));
  json bad_version = good;
  bad_version["protocolVersion"] = 2025;
  EXPECT_FALSE(valid(bad_version, "InitializeResult"));
}

TEST_P(LegacySchemas, ListToolsResult) {
  json good = {{"tools", {{{"name", "t"}, {"inputSchema", {{"type", "object"}}}}}}, {"nextCursor", "c"}};
  EXPECT_TRUE(valid(good, "ListToolsResult"));
  EXPECT_FALSE(valid({{"tools", {{{"name", "t"}}}}}, "ListToolsResult"));
  EXPECT_FALSE(valid({{"tools", {{{"name", "t"}, {"inputSchema", {{"type", "string"}}}}}}}, "ListToolsResult"));
  EXPECT_FALSE(valid(json::object(), "ListToolsResult"));
}

TEST_P(LegacySchemas, CallToolResult) {
  EXPECT_TRUE(valid({{"content", {{{"type", "text"}, {"text", "x"}}}}, {"isError", false}}, "CallToolResult"));
  EXPECT_TRUE(valid({{"content", {{{"type", "image"}, {"data", "AAAA"}, {"mimeType", "image/png"}}}}}, "CallToolResult"));
  EXPECT_FALSE(valid({{"content", {{{"type", "text"}, {"text", 5}}}}}, "CallToolResult"));
  EXPECT_FALSE(valid({{"content", {{{"type", "text"}, {"text", "x"}}}}, {"isError", "yes"}}, "CallToolResult"));
}

TEST_P(LegacySchemas, ResourcesAndPrompts) {
  EXPECT_TRUE(valid({{"resources", {{{"uri", "a://b"}, {"name", "n"}}}}}, "ListResourcesResult"));
  EXPECT_FALSE(valid({{"resources", {{{"uri", "a://b"}}}}}, "ListResourcesResult"));
  EXPECT_TRUE(valid({{"contents", {{{"uri", "a://b"}, {"text", "t"}}}}}, "ReadResourceResult"));
  EXPECT_FALSE(valid({{"contents", {{{"text", "t"}}}}}, "ReadResourceResult"));
  EXPECT_TRUE(valid({{"prompts", {{{"name", "p"}}}}}, "ListPromptsResult"));
  EXPECT_FALSE(valid({{"prompts", {{{"name", "p"}, {"description", 3}}}}}, "ListPromptsResult"));
  EXPECT_TRUE(valid({{"messages", {{{"role", "user"}, {"content", {{"type", "text"}, {"text", "x"}}}}}}}, "GetPromptResult"));
  EXPECT_FALSE(valid({{"messages", {{{"role", "robot"}, {"content", {{"type", "text"}, {"text", "x"}}}}}}}, "GetPromptResult"));
}

TEST_P(LegacySchemas, WholeServerMessages) {
  const SchemaValidator& s = schema();
  EXPECT_TRUE(validate_server_message(s, jsonrpc::make_result(1, {{"tools", json::array()}}), "tools/list").empty());
  auto bad = validate_server_message(s, jsonrpc::make_result(1, {{"tools", 3}}), "tools/list");
  ASSERT_FALSE(bad.empty());
  EXPECT_EQ(bad[0].instance_pointer, "/result/tools");
  EXPECT_TRUE(validate_server_message(s, jsonrpc::make_error(1, -32601, "nope"), "").empty());
  EXPECT_TRUE(validate_server_message(s, jsonrpc::make_error(nullptr, -32700, "parse"), "").empty())
      << "JSON-RPC's null id for unreadable requests is accepted";
  EXPECT_FALSE(validate_server_message(s, {{"jsonrpc", "2.0"}, {"id", 1}, {"error", {{"code", "x"}, {"message", "m"}}}}, "").empty());
  json progress = jsonrpc::make_notification("notifications/progress", {{"progressToken", "t"}, {"progress", 1}});
  EXPECT_TRUE(validate_server_message(s, progress, "").empty());
  progress["params"]["progress"] = "half";
  EXPECT_FALSE(validate_server_message(s, progress, "").empty());
  EXPECT_FALSE(validate_server_message(s, jsonrpc::make_notification("notifications/made-up"), "").empty());
}

TEST_P(LegacySchemas, ResultDefinitionsFollowTheRequestNames) {
  EXPECT_EQ(result_definition_for(schema(), "tools/list"), "ListToolsResult");
  EXPECT_EQ(result_definition_for(schema(), "tools/call"), "CallToolResult");
  EXPECT_EQ(result_definition_for(schema(), "initialize"), "InitializeResult");
  EXPECT_EQ(result_definition_for(schema(), "ping"), "EmptyResult");
  EXPECT_EQ(method_definition_for(schema(), "notifications/message", "Notification"), "LoggingMessageNotification");
}

INSTANTIATE_TEST_SUITE_P(Versions, LegacySchemas,
                         ::testing::Values("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"));

TEST(OfficialSchemas, EveryEmbeddedVersionLoadsAndUnknownOnesDoNot) {
  for (const char* v : {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"}) {
    ASSERT_NE(official_schema(v), nullptr) << v;
  }
  EXPECT_EQ(official_schema("1999-01-01"), nullptr);
  EXPECT_EQ(result_definition_for(*official_schema("2026-07-28"), "server/discover"), "DiscoverResult");
}

TEST(OfficialSchemas, BatchResponsesAreMessagesOnlyIn20250326) {
  json batch = json::array({jsonrpc::make_result(1, json::object()), jsonrpc::make_result("b", {{"bad", 1}, {"_meta", 5}})});
  auto errors = validate_server_message(*official_schema("2025-03-26"), batch, "");
  ASSERT_EQ(errors.size(), 1u) << "the second response's _meta is not an object";
  EXPECT_EQ(errors[0].instance_pointer.rfind("/1/", 0), 0u) << errors[0].instance_pointer;
  EXPECT_FALSE(validate_server_message(*official_schema("2025-06-18"), json::array({jsonrpc::make_result(1, json::object())}), "")
                   .empty());
}

TEST(OfficialSchemas, StructuredContentArrivedIn20250618) {
  json result = {{"content", json::array()}, {"structuredContent", {{"a", 1}}}};
  EXPECT_TRUE(official_schema("2025-06-18")->validate_definition(result, "CallToolResult").empty());
  EXPECT_TRUE(official_schema("2025-06-18")->has_definition("ElicitResult"));
  EXPECT_FALSE(official_schema("2024-11-05")->has_definition("ElicitResult"));
}

}  // namespace
}  // namespace mcp
