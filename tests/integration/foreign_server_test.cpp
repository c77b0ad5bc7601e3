// What the harness sees on servers that follow none of our conventions, each beside
// its correct twin: telemetry judged from the server's log when it exports no spans,
// and the run-wide comparison of every tool listing (fixtures in
// fixtures/foreign_defects.cpp; the failing halves are in fixtures/manifest.json).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

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

TEST(ForeignServers, LimitsAreFoundWithoutADeclarationOrAnnotationsOnTheCorrectTwin) {
  // The twin of fixture undeclared-raw-429 (fixtures/manifest.json): same tools, no annotations, structured refusals.
  int port = free_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  std::string launch = bin_dir() + "/mcp-fixture-server --defect unannotated --http --port " + std::to_string(port);
  json report = run_report({"--call-tools", "all", "--protocol-version", "2025-11-25", "--suite", "limits.*"},
                           {"--url", url, "--launch", launch});
  EXPECT_EQ(report["summary"]["failed"], 0) << report.dump(1).substr(0, 3000);
  EXPECT_EQ(check_of(report, "limits.refusal.structured")["status"], "pass");
  EXPECT_EQ(check_of(report, "limits.runaway.refused")["status"], "pass");
}

TEST(ForeignServers, RunawayJudgesABareRefusalWithoutADeclaration) {
  int port = free_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  auto runaway = [&](const std::string& defect) {
    return run_program({bin_dir() + "/mcp-harness", "runaway", "--scenario", "tight-loop", "--duration", "500", "--call-tools",
                        "all", "--protocol-version", "2025-11-25", "--url", url, "--launch",
                        bin_dir() + "/mcp-fixture-server --defect " + defect + " --http --port " + std::to_string(port)},
                       std::chrono::seconds(60));
  };
  ProgramRun bare = runaway("undeclared-raw-429");
  EXPECT_EQ(bare.exit_code, 1) << bare.out << bare.err;
  EXPECT_NE(bare.out.find("tight-loop     fail  calls failed outside a structured refusal"), std::string::npos) << bare.out;
  ProgramRun twin = runaway("unannotated");
  EXPECT_EQ(twin.exit_code, 0) << twin.out << twin.err;
}

TEST(ForeignServers, ADualEraServerIsTestedInBothErasByDefault) {
  std::string report_path = temp_path("dual-era.json");
  std::string legacy_path = temp_path("dual-era.2025-11-25.json");
  std::remove(legacy_path.c_str());
  ProgramRun run = run_program({bin_dir() + "/mcp-harness", "run", "--quiet", "--report-json", report_path, "--suite", "ping.*",
                                "--suite", "discover.*", "--stdio", "--", bin_dir() + "/mcp-reference-server", "--stdio"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  json modern = json::parse(read_file(report_path), nullptr, false);
  json legacy = json::parse(read_file(legacy_path), nullptr, false);
  std::remove(report_path.c_str());
  std::remove(legacy_path.c_str());
  ASSERT_TRUE(modern.is_object() && legacy.is_object()) << run.out << run.err;
  EXPECT_EQ(modern["protocol_version"], "2026-07-28");
  EXPECT_EQ(legacy["protocol_version"], "2025-11-25");
  EXPECT_EQ(check_of(modern, "discover.result-shape")["status"], "pass");
  EXPECT_EQ(check_of(legacy, "ping.empty-result")["status"], "pass") << "the legacy era's checks ran in the second run";
}

TEST(ForeignServers, AnInputThatKillsTheServerIsShrunkIntoAReplayableReproFile) {
  // The fixture dies on any string over 8 KiB: 64 KiB is halved to 32 and 16 KiB (both
  // still fatal), and 8 KiB passes, so the repro keeps 16 KiB.
  std::string dir = temp_path("robustness-repro");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<std::string> target = fixture_stdio("dies-on-large-argument");
  json report = run_report({"--suite", "robustness.large-argument", "--repro-dir", dir}, target);
  json c = check_of(report, "robustness.large-argument");
  EXPECT_EQ(c["status"], "fail") << c;
  EXPECT_NE(c["message"].get<std::string>().find("replay: mcp-harness replay " + dir + "/repro-robustness.large-argument-"), std::string::npos)
      << c;
  std::vector<std::filesystem::path> repros;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) repros.push_back(entry.path());
  ASSERT_EQ(repros.size(), 1u) << "one repro file for the one breaking input";
  json repro = json::parse(read_file(repros[0].string()), nullptr, false);
  ASSERT_TRUE(repro.is_object());
  EXPECT_EQ(repro["kind"], "crash");
  std::size_t longest = 0;
  for (const auto& [name, value] : repro["arguments"].items()) {
    if (value.is_string()) longest = std::max(longest, value.get<std::string>().size());
  }
  EXPECT_EQ(longest, 16u * 1024) << repro.dump();

  std::vector<std::string> replay = {bin_dir() + "/mcp-harness", "replay", repros[0].string()};
  replay.insert(replay.end(), target.begin(), target.end());
  ProgramRun replayed = run_program(replay, std::chrono::seconds(60));
  EXPECT_EQ(replayed.exit_code, 1) << replayed.out << replayed.err;
  EXPECT_NE(replayed.out.find("reproduced crash"), std::string::npos) << replayed.out;
  std::filesystem::remove_all(dir);
}

TEST(ForeignServers, MissingCorrelationIsReportedFromTheLogWhenNoSpanIsExported) {
  // The twin of ATraceIdInTheLogCountsWhenNoSpanIsExported: no spans, and the log names a trace of its own.
  json report = run_report({"--suite", "observability.trace.*"}, fixture_stdio("exports-no-spans-drops-traceparent"));
  json c = check_of(report, "observability.trace.parent");
  EXPECT_EQ(c["status"], "fail") << c;
  EXPECT_NE(c["message"].get<std::string>().find("its log does not carry the caller's trace id"), std::string::npos) << c;
}

}  // namespace
}  // namespace mcp::testing
