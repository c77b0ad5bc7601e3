// The tool-call policy (--call-tools) on a server that annotates nothing, as most real
// servers do: by default the harness calls no tool and says so loudly (never a quiet
// pass), fuzz exits 5 "nothing fuzzed", and --call-tools all or a list of names lets
// the checks reach the tools, where the defects are.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

std::vector<std::string> unannotated(const std::string& defect = "unannotated") {
  return {"--stdio", "--", bin_dir() + "/mcp-fixture-server", "--defect", defect, "--stdio"};
}

struct HarnessRun {
  ProgramRun program;
  json report;
};

HarnessRun harness(std::vector<std::string> argv, const std::vector<std::string>& target) {
  std::string report_path = temp_path("call-policy-report.json");
  std::remove(report_path.c_str());
  argv.insert(argv.begin(), bin_dir() + "/mcp-harness");
  if (argv[1] == "run") argv.insert(argv.begin() + 2, {"--report-json", report_path});
  argv.insert(argv.end(), target.begin(), target.end());
  HarnessRun out{run_program(argv, std::chrono::seconds(200)), json()};
  out.report = json::parse(read_file(report_path), nullptr, false);
  std::remove(report_path.c_str());
  return out;
}

const json& check(const json& report, const std::string& id) {
  for (const json& c : report["checks"]) {
    if (c["id"] == id) return c;
  }
  static const json none;
  return none;
}

TEST(CallPolicy, ByDefaultNoUnannotatedToolIsCalledAndTheRunSaysSo) {
  HarnessRun run = harness({"run", "--suite", "tools.call.*", "--suite", "transport-stdio.*"}, unannotated("unannotated-prints-from-tool"));
  ASSERT_TRUE(run.report.is_object()) << run.program.err;
  EXPECT_EQ(run.program.exit_code, 0) << "the stray print is never reached: " << run.program.out;
  std::size_t uncalled = run.report["summary"]["skipped_without_callable_tool"];
  EXPECT_GE(uncalled, 3u) << run.report["summary"];
  EXPECT_EQ(run.report["tool_policy"], "read-only tools (annotated readOnlyHint: true)");
  EXPECT_NE(run.program.out.find("could not run: the harness may call only read-only tools"), std::string::npos)
      << "named even with --quiet? this run is not quiet; the line must be there: " << run.program.out;
  EXPECT_EQ(check(run.report, "transport-stdio.stdout-only-mcp")["message"], "no tool called (see --call-tools)");
}

TEST(CallPolicy, CallingEveryToolFindsAPrintInsideAToolHandler) {
  HarnessRun run = harness({"run", "--quiet", "--call-tools", "all", "--suite", "transport-stdio.*"},
                    unannotated("unannotated-prints-from-tool"));
  ASSERT_TRUE(run.report.is_object()) << run.program.err;
  EXPECT_EQ(run.program.exit_code, 1);
  const json& stdout_check = check(run.report, "transport-stdio.stdout-only-mcp");
  EXPECT_EQ(stdout_check["status"], "fail");
  EXPECT_NE(stdout_check["message"].get<std::string>().find("after"), std::string::npos) << stdout_check;
  EXPECT_EQ(stdout_check["actual"], "debug: tool called");
  EXPECT_NE(run.program.err.find("calling every tool (--call-tools all)"), std::string::npos) << run.program.err;
}

TEST(CallPolicy, TheCorrectTwinPassesWithEveryToolCalled) {
  HarnessRun run = harness({"run", "--quiet", "--call-tools", "all", "--suite", "transport-stdio.*", "--suite", "tools.call.*"},
                    unannotated());
  ASSERT_TRUE(run.report.is_object()) << run.program.err;
  EXPECT_EQ(run.report["summary"]["must_failed"], 0) << run.program.out;
  EXPECT_EQ(run.report["summary"]["skipped_without_callable_tool"], 0) << run.program.out;
  EXPECT_EQ(check(run.report, "tools.call.result-schema")["status"], "pass") << run.program.out;
}

TEST(CallPolicy, NamedToolsAreTheOnlyOnesCalled) {
  HarnessRun run = harness({"run", "--quiet", "--call-tools", "echo_v1", "--suite", "tools.call.result-schema"}, unannotated());
  ASSERT_TRUE(run.report.is_object()) << run.program.err;
  const json& c = check(run.report, "tools.call.result-schema");
  EXPECT_EQ(c["status"], "pass") << c;
  EXPECT_EQ(c["message"], "1 tools called") << c;
}

TEST(CallPolicy, AnEmptyNameIsAUsageError) {
  HarnessRun run = harness({"run", "--call-tools", "echo_v1,"}, unannotated());
  EXPECT_EQ(run.program.exit_code, 2);
  EXPECT_NE(run.program.err.find("an empty tool name"), std::string::npos) << run.program.err;
}

TEST(CallPolicy, FuzzWithNoCallableToolSaysNothingFuzzedAndExits5) {
  HarnessRun run = harness({"fuzz", "--seed", "3", "--max-calls", "200"}, unannotated());
  EXPECT_EQ(run.program.exit_code, 5) << run.program.out << run.program.err;
  EXPECT_NE(run.program.err.find("NOTHING FUZZED"), std::string::npos) << run.program.err;
  EXPECT_EQ(run.program.out.find("no property violated"), std::string::npos) << run.program.out;
}

TEST(CallPolicy, FuzzWithEveryToolAllowedFuzzesThem) {
  HarnessRun run = harness({"fuzz", "--quiet", "--seed", "3", "--max-calls", "300", "--call-tools", "all", "--no-protocol"}, unannotated());
  EXPECT_EQ(run.program.exit_code, 0) << run.program.out << run.program.err;
}

}  // namespace
}  // namespace mcp::testing
