// The check registry and the report formats.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "harness/engine/check.h"
#include "harness/engine/runner.h"
#include "harness/report/reports.h"

namespace mcp::harness {
namespace {

using json = nlohmann::json;

TEST(Glob, MatchesStarsAndQuestionMarks) {
  EXPECT_TRUE(glob_match("tools.*", "tools.list.pagination"));
  EXPECT_TRUE(glob_match("*.pagination", "tools.list.pagination"));
  EXPECT_TRUE(glob_match("t?ols.*", "tools.x"));
  EXPECT_FALSE(glob_match("tools.*", "resources.list"));
  EXPECT_TRUE(glob_match("*", ""));
}

TEST(BuiltinChecks, EveryCheckIsCompleteAndUniquelyNamed) {
  const Registry& registry = builtin_checks();
  ASSERT_GE(registry.all().size(), 35u);
  std::set<std::string> ids;
  std::regex id_format("^[a-z0-9-]+(\\.[a-z0-9-]+)+$");
  for (const CheckSpec& c : registry.all()) {
    EXPECT_TRUE(ids.insert(c.id).second) << c.id;
    EXPECT_TRUE(std::regex_match(c.id, id_format)) << c.id;
    EXPECT_FALSE(c.requirement.empty()) << c.id;
    EXPECT_FALSE(c.spec_ref.empty()) << c.id;
    EXPECT_FALSE(c.procedure.empty()) << c.id;
    EXPECT_TRUE(c.run) << c.id;
  }
  EXPECT_EQ(registry.all().back().id, "schema.server-messages") << "the schema check reports on the whole run, last";
}

TEST(BuiltinChecks, SelectionByGlobAndPrefix) {
  const Registry& registry = builtin_checks();
  auto tools = registry.select({"tools"});
  ASSERT_FALSE(tools.empty());
  for (const CheckSpec* c : tools) EXPECT_EQ(c->id.rfind("tools.", 0), 0u) << c->id;
  EXPECT_EQ(registry.select({}).size(), registry.all().size());
  EXPECT_TRUE(registry.select({"no-such-area.*"}).empty());
}

RunReport sample_report() {
  static CheckSpec must{.id = "demo.must", .level = Level::kMust, .requirement = "The server MUST <behave> & \"be\"",
                        .spec_ref = "docs/x.mdx", .procedure = "p"};
  static CheckSpec should{.id = "demo.should", .level = Level::kShould, .requirement = "r", .spec_ref = "s", .procedure = "p"};
  static CheckSpec skipped{.id = "demo.skip", .level = Level::kMust, .requirement = "r", .spec_ref = "s", .procedure = "p"};
  RunReport report;
  report.target = "stdio: server";
  report.transport = "stdio";
  report.protocol_version = "2025-11-25";
  report.started_at = "2026-01-01T00:00:00Z";
  report.results.push_back({&must, fail("bad <tag>", "x", "y"), 1.0, {{0.5, "send", "{\"a\":1}"}}});
  report.results.push_back({&should, fail("meh"), 1.0, {}});
  report.results.push_back({&skipped, skip("not offered"), 0.0, {}});
  return report;
}

TEST(Reports, JsonHasTheDocumentedShape) {
  json report = json::parse(render_json(sample_report()));
  EXPECT_EQ(report["summary"], json({{"passed", 0}, {"failed", 2}, {"skipped", 1}, {"must_failed", 1}, {"total", 3}}));
  ASSERT_EQ(report["checks"].size(), 3u);
  EXPECT_EQ(report["checks"][0]["id"], "demo.must");
  EXPECT_EQ(report["checks"][0]["level"], "MUST");
  EXPECT_EQ(report["checks"][0]["status"], "fail");
  EXPECT_EQ(report["checks"][0]["message"], "bad <tag>");
  EXPECT_EQ(report["checks"][0]["transcript"][0]["direction"], "send");
  EXPECT_EQ(report["checks"][2]["status"], "skip");
}

TEST(Reports, JunitEscapesAndCountsFailuresAndSkips) {
  std::string xml = render_junit(sample_report());
  EXPECT_NE(xml.find("tests=\"3\" failures=\"2\" skipped=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("bad &lt;tag&gt;"), std::string::npos);
  EXPECT_NE(xml.find("&lt;behave&gt; &amp; &quot;be&quot;"), std::string::npos);
  EXPECT_EQ(xml.find("<behave>"), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"not offered\"/>"), std::string::npos);
}

TEST(Reports, HtmlIsSelfContainedAndShowsFailuresWithEvidence) {
  std::string html = render_html(sample_report());
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_NE(html.find("id=\"demo.must\" open"), std::string::npos) << "failures are expanded";
  EXPECT_NE(html.find("bad &lt;tag&gt;"), std::string::npos);
  EXPECT_NE(html.find("{&quot;a&quot;:1}"), std::string::npos) << "the transcript is shown";
  EXPECT_NE(html.find("badge warn"), std::string::npos) << "SHOULD failures are warnings";
}

}  // namespace
}  // namespace mcp::harness
