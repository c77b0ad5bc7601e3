// The check registry and the report formats.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "harness/client/connection.h"
#include "harness/engine/check.h"
#include "harness/engine/profile.h"
#include "harness/engine/refusal.h"
#include "harness/engine/runner.h"
#include "harness/report/reports.h"
#include "mcp/json_rpc.h"

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
  ASSERT_GE(registry.all().size(), 120u) << "the conformance bar: at least 120 distinct checks";
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
  // '!glob' excludes, alone (everything else) or beside inclusions.
  auto without = registry.select({"!observability.*"});
  EXPECT_EQ(without.size(), registry.all().size() - registry.select({"observability"}).size());
  for (const CheckSpec* c : without) EXPECT_NE(c->id.rfind("observability.", 0), 0u) << c->id;
  auto tools_but_list = registry.select({"tools.*", "!tools.list.*"});
  ASSERT_FALSE(tools_but_list.empty());
  for (const CheckSpec* c : tools_but_list) EXPECT_NE(c->id.rfind("tools.list.", 0), 0u) << c->id;
}

TEST(BuiltinChecks, MalformedStdioInputIsRobustnessNotAServerMust) {
  // Over stdio only a client breaking its own MUST writes malformed input; over HTTP anyone can.
  const CheckSpec* parse_error = builtin_checks().find("jsonrpc.parse-error");
  ASSERT_NE(parse_error, nullptr);
  EXPECT_EQ(parse_error->level_on(kHttp), Level::kMust);
  EXPECT_EQ(parse_error->level_on(kStdio), Level::kShould);
  EXPECT_NE(parse_error->stdio_level_reason.find("MUST NOT write anything"), std::string::npos);
}

// A connection whose inbox the test fills directly, faster than anything reads it.
class InboxOnly final : public Connection {
 public:
  using Connection::Connection;
  Status send(const json&) override { return ok_status(); }
  Status send_raw(const std::string&) override { return ok_status(); }
  void close() override {}
  void push(json message) { deliver(std::move(message)); }
};

TEST(Inbox, AFloodOfNotificationsNeverCostsAResponse) {
  Transcript transcript;
  InboxOnly connection(transcript);
  for (int i = 0; i < 20000; ++i) connection.push(jsonrpc::make_notification("notifications/message", {{"level", "info"}}));
  connection.push(jsonrpc::make_result(1, json::object()));  // the initialize response, behind a full inbox
  std::size_t kept = 0;
  bool response = false;
  for (;;) {
    auto message = connection.receive(deadline_in(std::chrono::milliseconds(0)));
    if (!message.ok()) break;
    ++kept;
    response |= message->contains("result");
  }
  EXPECT_TRUE(response) << "the response was dropped to make room for notifications";
  EXPECT_LE(kept, 10000u) << "the inbox is bounded";
}

TEST(Runner, AHarnessFaultIsAnErrorVerdictNotTheServersFailure) {
  static CheckSpec throws{.id = "demo.throws", .level = Level::kMust, .requirement = "r", .spec_ref = "s", .procedure = "p",
                          .run = [](CheckContext&) -> Outcome { throw std::runtime_error("generator bug"); }};
  TargetConfig target;
  target.transport = kStdio;
  target.protocol_version = "2025-11-25";
  RunReport report = run_checks({&throws}, target);
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].outcome.verdict, Verdict::kError);
  EXPECT_NE(report.results[0].outcome.message.find("generator bug"), std::string::npos);
  EXPECT_EQ(report.must_failures(), 0u) << "a harness fault never counts as a MUST failure";
  EXPECT_NE(render_junit(report).find("<error message="), std::string::npos);
  EXPECT_EQ(json::parse(render_json(report))["summary"]["harness_errors"], 1);
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
  report.results.push_back({&must, Level::kMust, fail("bad <tag>", "x", "y"), 1.0, {{0.5, "send", "{\"a\":1}"}}});
  report.results.push_back({&should, Level::kShould, fail("meh"), 1.0, {}});
  report.results.push_back({&skipped, skipped.level, skip("not offered"), 0.0, {}});
  return report;
}

TEST(Reports, JsonHasTheDocumentedShape) {
  json report = json::parse(render_json(sample_report()));
  EXPECT_EQ(report["summary"], json({{"passed", 0}, {"failed", 2}, {"skipped", 1}, {"harness_errors", 0}, {"must_failed", 1},
                                     {"should_failed", 1}, {"profile_failed", 0}, {"skipped_without_callable_tool", 0},
                                     {"total", 3}}));
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
  // Only MUST failures fail a test case: a SHOULD warning must not turn a green pipeline red.
  EXPECT_NE(xml.find("tests=\"3\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("skipped=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<system-out>WARNING (SHOULD): meh"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<failure message=\"meh\""), std::string::npos) << xml;
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

TEST(Reports, HtmlListsFailingIdsFirstLinksTheSpecMarksTheBrokenMessageAndAttachesTraces) {
  static CheckSpec linked{.id = "demo.linked", .level = Level::kMust, .requirement = "r",
                          .spec_ref = "docs/2025-11-25/basic/lifecycle.mdx \xC2\xA7 Version Negotiation (x)", .procedure = "p"};
  RunReport report = sample_report();
  std::string trace = "0af7651916cd43dd8448eb211c80319c";
  report.results.push_back({&linked, Level::kMust, fail("schema"), 1.0,
                            {{0.1, "send", "{\"traceparent\":\"00-" + trace + "-b7ad6b7169203331-01\"}"},
                             {0.2, "recv", "{\"broken\":true}"},
                             {0.3, "note", "schema violation at \"/result\": missing"}}});
  ReceivedSpan span;
  span.trace_id = trace;
  span.span_id = "00f067aa0ba902b7";
  span.name = "tools/call echo_v1";
  span.kind = 2;
  span.start_unix_nano = 1000;
  span.end_unix_nano = 5000;
  report.spans.push_back(span);
  std::string html = render_html(report);
  std::size_t list = html.find("<section class=\"failing\">");
  ASSERT_NE(list, std::string::npos);
  EXPECT_LT(list, html.find("<details class=\"check\"")) << "the failing ids come before the checks";
  EXPECT_LT(html.find("MUST failures", list), html.find("SHOULD warnings", list)) << "MUST first";
  EXPECT_NE(html.find("href=\"#demo.must\""), std::string::npos);
  EXPECT_NE(html.find("href=\"https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle#version-negotiation\""),
            std::string::npos);
  EXPECT_NE(html.find("<tr class=\"broke\"><td class=\"t\">0.2 ms"), std::string::npos) << "the schema-breaking message is marked";
  EXPECT_EQ(html.find("id=\"demo.should\" open"), std::string::npos) << "warnings start closed";
  std::size_t check = html.find("id=\"demo.linked\"");
  EXPECT_NE(html.find("trace " + trace, check), std::string::npos) << "the check's own trace is inside it";
}

}  // namespace
}  // namespace mcp::harness

namespace mcp::harness {
namespace {

TEST(Refusals, DefaultStructuredContentAndMetaMirror) {
  nlohmann::json structured = {{"result", {{"isError", true}, {"structuredContent", {{"code", "rate_limited"}}}}}};
  EXPECT_TRUE(is_refusal(structured));
  nlohmann::json mirrored = {{"result", {{"isError", true}, {"_meta", {{"dev.mcp-harness/refusal", {{"code", "budget_exhausted"}}}}}}}};
  EXPECT_EQ(refusal_code(mirrored), "budget_exhausted");
  nlohmann::json not_error = {{"result", {{"structuredContent", {{"code", "rate_limited"}}}}}};
  EXPECT_FALSE(is_refusal(not_error)) << "only isError results refuse";
  EXPECT_FALSE(is_refusal({{"result", {{"isError", true}, {"content", nlohmann::json::array()}}}}));
}

TEST(Refusals, ProfilePointsAtOtherLocations) {
  LimitsProfile profile;
  profile.refusal_pointer = "/structuredContent/error";
  nlohmann::json nested = {{"result", {{"isError", true}, {"structuredContent", {{"error", {{"code", "rate_limited"}, {"retry_after_seconds", 2}}}}}}}};
  EXPECT_TRUE(is_refusal(nested, profile));
  EXPECT_FALSE(is_refusal(nested)) << "without the profile the nested object is not found";

  LimitsProfile text;
  text.refusal_text_pattern = "Too many requests, retry in ([0-9.]+)s";
  nlohmann::json plain = {{"result", {{"isError", true}, {"content", {{{"type", "text"}, {"text", "Too many requests, retry in 1.5s"}}}}}}};
  EXPECT_TRUE(is_refusal(plain, text));
  EXPECT_DOUBLE_EQ(refusal_of(plain, text)["retry_after_seconds"].get<double>(), 1.5);

  LimitsProfile error;
  error.refusal_error_code = -32029;
  nlohmann::json rpc = {{"error", {{"code", -32029}, {"message", "slow down"}, {"data", {{"retry_after_seconds", 3}}}}}};
  EXPECT_TRUE(is_refusal(rpc, error));
  EXPECT_EQ(refusal_of(rpc, error)["retry_after_seconds"], 3);
  EXPECT_FALSE(is_refusal(rpc));
}

TEST(Profiles, LoadsAndRejectsTypos) {
  std::string path = "/tmp/mcp-profile-test.json";
  std::ofstream(path) << R"({"limits": {"refusal_error_code": -32029, "max_calls": 50},
                             "versioning": {"name_pattern": "^(.+)@([0-9]+)$"}})";
  auto profile = load_profile(path);
  ASSERT_TRUE(profile.ok()) << profile.status().to_string();
  EXPECT_EQ(profile->limits.refusal_error_code, -32029);
  EXPECT_EQ(profile->limits.max_calls, 50);
  EXPECT_EQ(profile->versioning.name_pattern, "^(.+)@([0-9]+)$");
  std::ofstream(path) << R"({"limits": {"max_cals": 50}})";
  EXPECT_FALSE(load_profile(path).ok());
  std::ofstream(path) << R"({"versioning": {"name_pattern": "^no-groups$"}})";
  EXPECT_FALSE(load_profile(path).ok());
  std::ofstream(path) << R"({"auth": {"scoped_tool": "delete_everything_v1", "scoped_tool_scope": "admin", "leeway_seconds": 30}})";
  auto with_auth = load_profile(path);
  ASSERT_TRUE(with_auth.ok()) << with_auth.status().to_string();
  EXPECT_EQ(with_auth->auth.scoped_tool, "delete_everything_v1");
  EXPECT_EQ(with_auth->auth.scoped_tool_scope, "admin");
  EXPECT_EQ(with_auth->auth.leeway_seconds, 30);
  EXPECT_EQ(with_auth->auth.scopes, AuthProfile{}.scopes);
  std::ofstream(path) << R"({"auth": {"leeway_seconds": -1}})";
  EXPECT_FALSE(load_profile(path).ok());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace mcp::harness
