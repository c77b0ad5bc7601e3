// What the harness sees on servers that follow none of our conventions, each beside
// its correct twin: telemetry judged from the server's log when it exports no spans,
// and the run-wide comparison of every tool listing (fixtures in
// fixtures/foreign_defects.cpp; the failing halves are in fixtures/manifest.json).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

json run_report(const std::vector<std::string>& options, const std::vector<std::string>& target) {
  std::string report_path = temp_path("foreign-report.json");
  std::remove(report_path.c_str());
  std::vector<std::string> argv = {bin_dir() + "/mcp-harness", "run", "--quiet", "--report-json", report_path};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.insert(argv.end(), target.begin(), target.end());
  ProgramRun run = run_program(argv, std::chrono::seconds(120));
  json report = json::parse(read_file(report_path), nullptr, false);
  std::remove(report_path.c_str());
  EXPECT_TRUE(report.is_object()) << run.out << run.err;
  return report;
}

json check_of(const json& report, const std::string& id) {
  for (const json& c : report.value("checks", json::array())) {
    if (c["id"] == id) return c;
  }
  return json();
}

std::vector<std::string> fixture_stdio(const std::string& defect) {
  return {"--stdio", "--", bin_dir() + "/mcp-fixture-server", "--defect", defect, "--stdio"};
}

TEST(ForeignServers, ATraceIdInTheLogCountsWhenNoSpanIsExported) {
  json report = run_report({"--suite", "observability.trace.*"}, fixture_stdio("exports-no-spans"));
  for (const char* id : {"observability.trace.parent", "observability.trace.continuity"}) {
    json c = check_of(report, id);
    EXPECT_EQ(c["status"], "pass") << c;
    EXPECT_NE(c["message"].get<std::string>().find("its log carries the caller's trace id"), std::string::npos) << c;
  }
}

TEST(ForeignServers, ASteadyToolListPassesTheRunWideComparison) {
  int port = free_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  std::string launch = bin_dir() + "/mcp-reference-server --http --port " + std::to_string(port);
  json report = run_report({"--suite", "versioning.*", "--suite", "tools.*"}, {"--url", url, "--launch", launch});
  json c = check_of(report, "versioning.tools.stable-across-run");
  EXPECT_EQ(c["status"], "pass") << c;
  EXPECT_NE(c["message"].get<std::string>().find("each with one contract across the run"), std::string::npos) << c;
}

}  // namespace
}  // namespace mcp::testing
