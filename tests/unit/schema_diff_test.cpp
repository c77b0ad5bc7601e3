// The change classifier, case by case: each row edits a baseline tool and states
// the one classification (and reason fragment) the diff must report.
#include <gtest/gtest.h>

#include <functional>

#include "harness/versioning/lockfile.h"
#include "harness/versioning/schema_diff.h"

namespace mcp::harness {
namespace {

using json = nlohmann::json;

json baseline_tool() {
  return {{"title", "Create invoice"},
          {"description", "Creates an invoice."},
          {"inputSchema",
           {{"type", "object"},
            {"properties",
             {{"customer", {{"type", "string"}, {"maxLength", 200}}},
              {"amount", {{"type", "integer"}, {"minimum", 0}}},
              {"currency", {{"type", "string"}, {"enum", {"USD", "EUR"}}}},
              {"note", {{"type", "string"}}},
              {"lines", {{"type", "array"}, {"items", {{"type", "object"}, {"properties", {{"qty", {{"type", "integer"}}}}}}}}}}},
            {"required", {"customer", "amount"}},
            {"additionalProperties", false}}},
          {"outputSchema",
           {{"type", "object"},
            {"properties", {{"invoice_id", {{"type", "integer"}}}, {"status", {{"type", "string"}, {"enum", {"draft", "sent"}}}},
                            {"memo", {{"type", "string"}}}}},
            {"required", {"invoice_id", "status"}}}},
          {"annotations", {{"readOnlyHint", false}, {"destructiveHint", false}, {"idempotentHint", true}}},
          {"lifecycle", {{"status", "current"}}}};
}

json lock_with(const json& tool, const std::string& name = "create_invoice_v1") {
  return {{"lockfile_version", 1}, {"tools", {{name, tool}}}};
}

struct Case {
  std::string name;
  std::function<void(json& tool)> edit;
  ChangeKind expected;
  std::string reason_fragment;
};

class DiffCase : public ::testing::TestWithParam<Case> {};

TEST_P(DiffCase, ClassifiesTheChange) {
  const Case& c = GetParam();
  json after = baseline_tool();
  c.edit(after);
  auto changes = diff_locks(lock_with(baseline_tool()), lock_with(after), "2026-11-26");
  ASSERT_EQ(changes.size(), 1u) << render_changes_text(changes);
  EXPECT_EQ(changes[0].kind, c.expected) << render_changes_text(changes);
  EXPECT_NE(changes[0].reason.find(c.reason_fragment), std::string::npos) << changes[0].reason;
  EXPECT_EQ(changes[0].tool, "create_invoice_v1");
}

json& input(json& t) { return t["inputSchema"]; }
json& in_prop(json& t, const char* name) { return t["inputSchema"]["properties"][name]; }
json& output(json& t) { return t["outputSchema"]; }
json& out_prop(json& t, const char* name) { return t["outputSchema"]["properties"][name]; }
void drop(json& array, const char* value) {
  array.erase(std::remove(array.begin(), array.end(), json(value)), array.end());
}

const Case kCases[] = {
    // Breaking: inputs the tool used to accept are refused now.
    {"InputPropertyRemoved", [](json& t) { input(t)["properties"].erase("note"); }, ChangeKind::kBreaking, "input property \"note\" removed"},
    {"InputPropertyRetyped", [](json& t) { in_prop(t, "customer")["type"] = "integer"; }, ChangeKind::kBreaking, "retyped"},
    {"NewRequiredInput", [](json& t) { in_prop(t, "due") = {{"type", "string"}}; input(t)["required"].push_back("due"); }, ChangeKind::kBreaking, "new required input \"due\""},
    {"OptionalBecameRequired", [](json& t) { input(t)["required"].push_back("note"); }, ChangeKind::kBreaking, "\"note\" is now required"},
    {"EnumNarrowed", [](json& t) { drop(in_prop(t, "currency")["enum"], "EUR"); }, ChangeKind::kBreaking, "enum narrowed (removed \"EUR\")"},
    {"EnumAddedToInput", [](json& t) { in_prop(t, "note")["enum"] = {"a", "b"}; }, ChangeKind::kBreaking, "enum constraint added"},
    {"MaxLengthLowered", [](json& t) { in_prop(t, "customer")["maxLength"] = 100; }, ChangeKind::kBreaking, "maxLength 200 -> 100 (tightened)"},
    {"MinimumRaised", [](json& t) { in_prop(t, "amount")["minimum"] = 1; }, ChangeKind::kBreaking, "minimum 0 -> 1 (tightened)"},
    {"PatternAdded", [](json& t) { in_prop(t, "note")["pattern"] = "^[a-z]+$"; }, ChangeKind::kBreaking, "pattern now"},
    {"NestedItemRetyped", [](json& t) { in_prop(t, "lines")["items"]["properties"]["qty"]["type"] = "string"; }, ChangeKind::kBreaking, "retyped"},
    // Breaking: outputs the tool promised may not come.
    {"OutputFieldRemoved", [](json& t) { output(t)["properties"].erase("memo"); }, ChangeKind::kBreaking, "output field \"memo\" removed"},
    {"OutputFieldMayBeMissing", [](json& t) { drop(output(t)["required"], "status"); }, ChangeKind::kBreaking, "may now be missing"},
    {"OutputEnumWidened", [](json& t) { out_prop(t, "status")["enum"].push_back("paid"); }, ChangeKind::kBreaking, "enum widened (added \"paid\")"},
    {"OutputRetyped", [](json& t) { out_prop(t, "invoice_id")["type"] = "string"; }, ChangeKind::kBreaking, "retyped"},
    {"OutputSchemaRemoved", [](json& t) { t.erase("outputSchema"); }, ChangeKind::kBreaking, "outputSchema removed"},
    {"BecameSideEffecting", [](json& t) { t["annotations"]["idempotentHint"] = false; }, ChangeKind::kBreaking, "no longer idempotent"},
    {"RetiredWithoutDeprecation", [](json& t) { t["lifecycle"] = {{"status", "retired"}, {"sunset", "2026-01-01"}, {"replacement", "x_v2"}}; }, ChangeKind::kBreaking, "retired without deprecation"},
    {"DeprecatedWithoutSunset", [](json& t) { t["lifecycle"] = {{"status", "deprecated"}, {"replacement", "x_v2"}}; }, ChangeKind::kBreaking, "without a sunset"},
    {"HeaderParameterAdded", [](json& t) { in_prop(t, "customer")["x-mcp-header"] = "Customer"; }, ChangeKind::kBreaking, "x-mcp-header \"none\" -> \"Customer\""},
    {"HeaderParameterAddedInItems", [](json& t) { in_prop(t, "lines")["items"]["properties"]["qty"]["x-mcp-header"] = "Qty"; }, ChangeKind::kBreaking, "x-mcp-header"},
    {"ClosedToExtraInputs", [](json& t) { in_prop(t, "lines")["items"]["additionalProperties"] = false; }, ChangeKind::kBreaking, "additional properties no longer allowed"},
    // Additive: everything that worked still works.
    {"NewOptionalInput", [](json& t) { in_prop(t, "po_number") = {{"type", "string"}}; }, ChangeKind::kAdditive, "new optional input \"po_number\""},
    {"RequiredBecameOptional", [](json& t) { drop(input(t)["required"], "amount"); }, ChangeKind::kAdditive, "\"amount\" is now optional"},
    {"EnumWidenedForInput", [](json& t) { in_prop(t, "currency")["enum"].push_back("GBP"); }, ChangeKind::kAdditive, "enum widened"},
    {"InputTypeWidened", [](json& t) { in_prop(t, "amount")["type"] = "number"; }, ChangeKind::kAdditive, "widened"},
    {"MaxLengthRaised", [](json& t) { in_prop(t, "customer")["maxLength"] = 400; }, ChangeKind::kAdditive, "loosened"},
    {"NewOutputField", [](json& t) { out_prop(t, "pdf_url") = {{"type", "string"}}; }, ChangeKind::kAdditive, "new output field \"pdf_url\""},
    {"OutputEnumNarrowed", [](json& t) { drop(out_prop(t, "status")["enum"], "sent"); }, ChangeKind::kAdditive, "enum narrowed"},
    {"DeprecatedOnSchedule", [](json& t) { t["lifecycle"] = {{"status", "deprecated"}, {"sunset", "2027-06-30"}, {"replacement", "create_invoice_v2"}}; }, ChangeKind::kAdditive, "deprecated: sunset 2027-06-30"},
    // Cosmetic.
    {"DescriptionChanged", [](json& t) { t["description"] = "Makes an invoice."; }, ChangeKind::kCosmetic, "description changed"},
    {"PropertyDescriptionChanged", [](json& t) { in_prop(t, "note")["description"] = "Free text"; }, ChangeKind::kCosmetic, "description changed"},
    {"TitleChanged", [](json& t) { t["title"] = "New invoice"; }, ChangeKind::kCosmetic, "title changed"},
};

INSTANTIATE_TEST_SUITE_P(Table, DiffCase, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(SchemaDiff, IdenticalLocksHaveNoChanges) {
  EXPECT_TRUE(diff_locks(lock_with(baseline_tool()), lock_with(baseline_tool()), "2026-11-26").empty());
}

TEST(SchemaDiff, ToolRemovalDependsOnTheSunset) {
  json deprecated = baseline_tool();
  deprecated["lifecycle"] = {{"status", "deprecated"}, {"sunset", "2027-01-31"}, {"replacement", "create_invoice_v2"}};
  json empty = {{"lockfile_version", 1}, {"tools", json::object()}};
  auto early = diff_locks(lock_with(deprecated), empty, "2026-11-26");
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].kind, ChangeKind::kBreaking);
  EXPECT_NE(early[0].reason.find("before its sunset"), std::string::npos);
  auto late = diff_locks(lock_with(deprecated), empty, "2027-02-01");
  EXPECT_EQ(late[0].kind, ChangeKind::kAdditive);
  auto unannounced = diff_locks(lock_with(baseline_tool()), empty, "2026-11-26");
  EXPECT_NE(unannounced[0].reason.find("without deprecation"), std::string::npos);
}

TEST(SchemaDiff, RetirementBeforeAndAfterTheSunset) {
  json deprecated = baseline_tool();
  deprecated["lifecycle"] = {{"status", "deprecated"}, {"sunset", "2027-01-31"}, {"replacement", "create_invoice_v2"}};
  json retired = deprecated;
  retired["lifecycle"]["status"] = "retired";
  EXPECT_EQ(diff_locks(lock_with(deprecated), lock_with(retired), "2026-11-26")[0].kind, ChangeKind::kBreaking);
  EXPECT_EQ(diff_locks(lock_with(deprecated), lock_with(retired), "2027-01-31")[0].kind, ChangeKind::kAdditive);
}

TEST(SchemaDiff, NewToolIsAdditiveAndRenderingsAgree) {
  json before = lock_with(baseline_tool());
  json after = before;
  after["tools"]["create_invoice_v2"] = baseline_tool();
  auto changes = diff_locks(before, after, "2026-11-26");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kAdditive);
  EXPECT_FALSE(has_breaking(changes));
  EXPECT_EQ(render_changes_json(changes)["changes"][0]["tool"], "create_invoice_v2");
  EXPECT_NE(render_changes_text(changes).find("0 breaking, 1 additive"), std::string::npos);
}

TEST(LockFile, IsCanonicalAndCarriesLifecycle) {
  json tools = json::array({{{"name", "b_v1"}, {"inputSchema", {{"type", "object"}}}},
                            {{"name", "a_v1"}, {"inputSchema", {{"type", "object"}}},
                             {"_meta", {{"dev.mcp-harness/lifecycle", {{"status", "deprecated"}}}}}}});
  json lock = make_lock(tools.get<std::vector<json>>());
  EXPECT_EQ(lock["tools"].begin().key(), "a_v1");
  EXPECT_EQ(lock["tools"]["a_v1"]["lifecycle"]["status"], "deprecated");
  EXPECT_EQ(lock["tools"]["b_v1"]["lifecycle"]["status"], "current");
  std::reverse(tools.begin(), tools.end());
  EXPECT_EQ(render_lock(make_lock(tools.get<std::vector<json>>())), render_lock(lock)) << "order of listing does not matter";
}

}  // namespace
}  // namespace mcp::harness
