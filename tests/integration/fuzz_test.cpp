// mcp-harness fuzz and replay as a user runs them: against fixture servers with a
// defect only a fuzzer finds (each found within the default budget and shrunk),
// and against the reference server, which must survive with no finding.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

std::string harness() { return bin_dir() + "/mcp-harness"; }

struct FuzzRun {
  ProgramRun run;
  json report;
};

FuzzRun fuzz(const std::vector<std::string>& options, const std::vector<std::string>& server) {
  std::string report_path = temp_path("fuzz-report.json");
  std::remove(report_path.c_str());
  std::vector<std::string> argv = {harness(), "fuzz", "--quiet", "--report-json", report_path, "--repro-dir", "/tmp"};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.insert(argv.end(), server.begin(), server.end());
  FuzzRun out{run_program(argv, std::chrono::seconds(200)), json()};
  out.report = json::parse(read_file(report_path), nullptr, false);
  std::remove(report_path.c_str());
  return out;
}

std::vector<std::string> fixture(const std::string& defect) {
  return {"--stdio", "--", bin_dir() + "/mcp-fixture-server", "--defect", defect, "--stdio"};
}

std::vector<std::string> reference_stdio() { return {"--stdio", "--", bin_dir() + "/mcp-reference-server", "--stdio"}; }

const json* finding(const json& report, const std::string& kind, const std::string& tool) {
  if (!report.contains("findings")) return nullptr;
  for (const json& f : report["findings"]) {
    if (f["kind"] == kind && f["tool"] == tool) return &f;
  }
  return nullptr;
}

struct DefectCase {
  std::string defect;
  std::string tool;
  std::string kind;
  std::function<void(const json& shrunk)> expect_shrunk;
  std::vector<std::string> options = {};
};

void PrintTo(const DefectCase& c, std::ostream* os) { *os << c.defect; }

class FuzzFinds : public ::testing::TestWithParam<DefectCase> {};

TEST_P(FuzzFinds, EachDefectWithinTheDefaultBudgetShrunkAndReplayable) {
  const DefectCase& c = GetParam();
  std::vector<std::string> options = {"--seed", "1", "--tool", c.tool};
  options.insert(options.end(), c.options.begin(), c.options.end());
  FuzzRun run = fuzz(options, fixture(c.defect));
  ASSERT_TRUE(run.report.is_object()) << run.run.out << run.run.err;
  EXPECT_EQ(run.run.exit_code, 1) << run.run.err;
  const json* found = finding(run.report, c.kind, c.tool);
  ASSERT_NE(found, nullptr) << run.report.dump(2);
  c.expect_shrunk((*found)["arguments"]);

  std::string repro = (*found)["repro"];
  ASSERT_FALSE(repro.empty());
  std::vector<std::string> replay = {harness(), "replay", repro};
  for (const std::string& word : fixture(c.defect)) replay.push_back(word);
  ProgramRun again = run_program(replay);
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  EXPECT_NE(again.out.find("reproduced " + c.kind), std::string::npos) << again.out;

  std::vector<std::string> on_reference = {harness(), "replay", repro};
  for (const std::string& word : reference_stdio()) on_reference.push_back(word);
  ProgramRun fixed = run_program(on_reference);
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  EXPECT_NE(fixed.out.find("did not reproduce"), std::string::npos) << fixed.out;
  std::remove(repro.c_str());
}

std::size_t non_ascii_bytes(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char ch : text) n += ch >= 0x80;
  return n;
}

INSTANTIATE_TEST_SUITE_P(
    Defects, FuzzFinds,
    ::testing::Values(
        DefectCase{"fuzz-crash-on-unicode", "echo_v1", "crash",
                   [](const json& a) {
                     ASSERT_TRUE(a["message"].is_string()) << a;
                     std::string message = a["message"];
                     EXPECT_GT(non_ascii_bytes(message), 0u) << a;
                     EXPECT_LE(message.size(), 4u) << "shrunk to the one code point that crashes it: " << a;
                   }},
        DefectCase{"fuzz-hang-on-large-input", "echo_v1", "hang",
                   [](const json& a) { EXPECT_GT(a.dump().size(), 2000u) << "still over the fixture's 2000-byte trigger"; },
                   {"--call-timeout", "500"}},
        DefectCase{"fuzz-violates-output-schema", "add_v1", "output-schema",
                   [](const json& a) {
                     // The generator's steps are whole numbers plus quarters: 5.25 is the smallest a over the threshold of 5.
                     EXPECT_GT(a["a"].get<double>(), 5.0) << a;
                     EXPECT_LE(a["a"].get<double>(), 6.0) << "shrunk to just over the fixture's threshold: " << a;
                     EXPECT_EQ(a["b"], 0.0) << a;
                   }},
        DefectCase{"fuzz-internal-error-on-invalid", "echo_v1", "internal-error",
                   [](const json& a) {
                     ASSERT_TRUE(a.contains("message")) << a;
                     EXPECT_FALSE(a["message"].is_string()) << a;
                     EXPECT_EQ(a.size(), 1u) << "nothing but the offending property: " << a;
                   }}),
    [](const auto& info) {
      std::string name = info.param.defect;
      for (char& ch : name) ch = ch == '-' ? '_' : ch;
      return name;
    });

TEST(FuzzReference, SurvivesThousandsOfCallsOverStdioWithSideEffectsAllowed) {
  FuzzRun run = fuzz({"--seed", "11", "--max-calls", "3000", "--allow-side-effects"}, reference_stdio());
  ASSERT_TRUE(run.report.is_object()) << run.run.err;
  EXPECT_EQ(run.run.exit_code, 0) << run.report.dump(2);
  EXPECT_TRUE(run.report["findings"].empty()) << run.report["findings"].dump(2);
  EXPECT_EQ(run.report["calls"].get<long long>() + run.report["protocol_cases"].get<long long>(), 3000);
  EXPECT_GT(run.report["calls_by_tool"].value("create_invoice_v2", 0), 0) << "write tools fuzzed when allowed";
}

TEST(FuzzReference, SurvivesOverStreamableHttp) {
  int port = free_port();
  FuzzRun run = fuzz({"--seed", "12", "--max-calls", "2000"},
                     {"--url", "http://127.0.0.1:" + std::to_string(port) + "/mcp", "--launch",
                      bin_dir() + "/mcp-reference-server --http --port " + std::to_string(port)});
  ASSERT_TRUE(run.report.is_object()) << run.run.err;
  EXPECT_EQ(run.run.exit_code, 0) << run.report.dump(2);
  EXPECT_TRUE(run.report["findings"].empty()) << run.report["findings"].dump(2);
}

TEST(FuzzReference, SameSeedSameCasesAndWriteToolsNeedConsent) {
  FuzzRun first = fuzz({"--seed", "99", "--max-calls", "300", "--call-timeout", "500"}, reference_stdio());
  FuzzRun second = fuzz({"--seed", "99", "--max-calls", "300", "--call-timeout", "500"}, reference_stdio());
  ASSERT_TRUE(first.report.is_object() && second.report.is_object());
  EXPECT_EQ(first.report["seed"], 99);
  EXPECT_EQ(first.report["calls_by_tool"], second.report["calls_by_tool"]);
  EXPECT_EQ(first.report["protocol_cases"], second.report["protocol_cases"]);
  bool skipped_write_tool = false;
  for (const json& s : first.report["skipped_tools"]) skipped_write_tool |= s.get<std::string>().rfind("create_invoice_v2:", 0) == 0;
  EXPECT_TRUE(skipped_write_tool) << first.report["skipped_tools"];
  EXPECT_EQ(first.report["calls_by_tool"].count("create_invoice_v2"), 0u);
}

}  // namespace
}  // namespace mcp::testing
