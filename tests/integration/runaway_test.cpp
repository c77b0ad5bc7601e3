// mcp-harness runaway against the reference server and against fixtures whose
// limits are broken: each broken behaviour shows up in its scenario's verdict.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

json runaway(const std::vector<std::string>& server, std::vector<std::string> extra, int expected_exit) {
  std::string report = temp_path("runaway.json");
  std::vector<std::string> argv = {bin_dir() + "/mcp-harness", "runaway", "--quiet", "--duration", "600", "--report-json", report};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("--stdio");
  argv.push_back("--");
  argv.insert(argv.end(), server.begin(), server.end());
  ProgramRun run = run_program(argv);
  EXPECT_EQ(run.exit_code, expected_exit) << run.out << run.err;
  json parsed = json::parse(read_file(report), nullptr, false);
  std::remove(report.c_str());
  return parsed;
}

std::string status_of(const json& report, const std::string& scenario) {
  for (const json& s : report["scenarios"]) {
    if (s["name"] == scenario) return s["status"];
  }
  return "missing";
}

TEST(Runaway, ReferenceServerHoldsInEveryScenario) {
  std::string csv = temp_path("timeline.csv"), html = temp_path("runaway.html");
  json report = runaway({bin_dir() + "/mcp-reference-server", "--stdio"}, {"--csv", csv, "--report-html", html}, 0);
  ASSERT_TRUE(report.is_object());
  ASSERT_EQ(report["scenarios"].size(), 7u);
  for (const json& s : report["scenarios"]) {
    EXPECT_NE(s["status"], "fail") << s["name"] << ": " << s["message"];
    EXPECT_FALSE(s["timeline"].empty()) << s["name"];
  }
  EXPECT_EQ(status_of(report, "tight-loop"), "pass");
  EXPECT_EQ(status_of(report, "task-polling"), "pass") << "build_report_v1 runs as a task";
  EXPECT_EQ(read_file(csv).rfind("scenario,second,calls,accepted,refused,errors,p50_ms,p99_ms\ntight-loop,0,", 0), 0u);
  std::string page = read_file(html);
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_NE(page.find("runaway.polite.retry-after-honest"), std::string::npos);
  std::remove(csv.c_str());
  std::remove(html.c_str());
}

TEST(Runaway, ServerWithoutLimitsFailsTheTightLoop) {
  json report = runaway({bin_dir() + "/mcp-fixture-server", "--defect", "no-limits", "--stdio"},
                        {"--scenario", "tight-loop", "--max-calls", "300"}, 1);
  EXPECT_EQ(status_of(report, "tight-loop"), "fail");
}

TEST(Runaway, LyingRetryAfterFailsThePoliteAgent) {
  json report = runaway({bin_dir() + "/mcp-fixture-server", "--defect", "lying-retry-after", "--stdio"},
                        {"--scenario", "polite", "--scenario", "slow-drip"}, 1);
  EXPECT_EQ(status_of(report, "polite"), "fail");
  EXPECT_EQ(status_of(report, "slow-drip"), "pass");
}

TEST(Runaway, PollsThatFailUnderAStormFailTheTaskPollingAgent) {
  for (const char* version : {"2026-07-28", "2025-11-25"}) {
    json report = runaway({bin_dir() + "/mcp-fixture-server", "--defect", "task-polls-fail", "--stdio"},
                          {"--scenario", "task-polling", "--protocol-version", version}, 1);
    EXPECT_EQ(status_of(report, "task-polling"), "fail") << version;
  }
}

TEST(Runaway, SameSeedSamePlanAndBadScenariosAreUsageErrors) {
  json first = runaway({bin_dir() + "/mcp-reference-server", "--stdio"}, {"--scenario", "many-sessions", "--seed", "42"}, 0);
  json second = runaway({bin_dir() + "/mcp-reference-server", "--stdio"}, {"--scenario", "many-sessions", "--seed", "42"}, 0);
  EXPECT_EQ(first["scenarios"][0]["calls"], second["scenarios"][0]["calls"]) << "each session makes the same number of calls";
  EXPECT_EQ(first["seed"], 42);
  ProgramRun bad = run_program({bin_dir() + "/mcp-harness", "runaway", "--scenario", "stampede", "--stdio", "--",
                                bin_dir() + "/mcp-reference-server", "--stdio"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown scenario stampede"), std::string::npos);
}

}  // namespace
}  // namespace mcp::testing
