// Every check can fail: each fixture in fixtures/manifest.json, run on each of its
// transports, fails exactly the checks listed for it; and every registered check
// is listed for at least one fixture.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "harness/engine/check.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

const json& manifest() {
  static const json parsed = json::parse(read_file(source_dir() + "/fixtures/manifest.json"));
  return parsed;
}

struct FixtureCase {
  json fixture;
  std::string transport;
};

void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.fixture["defect"].get<std::string>() << " over " << c.transport; }

std::vector<FixtureCase> cases() {
  std::vector<FixtureCase> out;
  for (const json& fixture : manifest()["fixtures"]) {
    for (const json& transport : fixture["transports"]) out.push_back({fixture, transport.get<std::string>()});
  }
  return out;
}

std::string substitute(std::string word, const std::string& defect, int port) {
  auto replace = [&](const std::string& key, const std::string& value) {
    for (std::size_t at; (at = word.find(key)) != std::string::npos;) word.replace(at, key.size(), value);
  };
  replace("{bin}", bin_dir());
  replace("{source}", source_dir());
  replace("{defect}", defect);
  replace("{port}", std::to_string(port));
  return word;
}

class Fixture : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(Fixture, FailsExactlyItsListedChecks) {
  const FixtureCase& c = GetParam();
  std::string defect = c.fixture["defect"];
  int port = free_port();
  std::vector<std::string> server;
  for (const json& word : manifest()["launch"][c.transport]) server.push_back(substitute(word, defect, port));

  std::string report_path = temp_path(defect + "-" + c.transport + ".json");
  std::vector<std::string> argv = {bin_dir() + "/mcp-harness", "run", "--quiet", "--report-json", report_path};
  for (const json& arg : c.fixture.value("args", json::array())) argv.push_back(substitute(arg, defect, port));
  argv.push_back("--protocol-version");
  argv.push_back(c.fixture.value("protocol_version", "2025-11-25"));
  for (const json& suite : c.fixture.value("suites", json::array())) {
    argv.push_back("--suite");
    argv.push_back(suite);
  }
  if (c.transport == "stdio") {
    argv.push_back("--stdio");
    argv.push_back("--");
    argv.insert(argv.end(), server.begin(), server.end());
  } else {
    std::string launch;
    for (const std::string& word : server) launch += (launch.empty() ? "" : " ") + word;
    argv.insert(argv.end(), {"--url", "http://127.0.0.1:" + std::to_string(port) + "/mcp", "--launch", launch});
  }
  ProgramRun run = run_program(argv);
  json report = json::parse(read_file(report_path), nullptr, false);
  std::remove(report_path.c_str());
  ASSERT_TRUE(report.is_object()) << "no report; exit " << run.exit_code << "\n" << run.out << run.err;

  std::set<std::string> expected, failed;
  for (const json& id : c.fixture["must_fail"]) expected.insert(id);
  bool must_failed = false;
  for (const json& check : report["checks"]) {
    if (check["status"] != "fail") continue;
    failed.insert(check["id"]);
    must_failed |= check["level"] == "MUST";
  }
  std::string detail;
  for (const json& check : report["checks"]) {
    if (check["status"] == "fail") detail += "\n  " + check["id"].get<std::string>() + ": " + check["message"].get<std::string>();
  }
  EXPECT_EQ(failed, expected) << "defect " << defect << " over " << c.transport << " failed:" << detail;
  EXPECT_EQ(run.exit_code, must_failed ? 1 : 0) << "exit code follows MUST failures only";
}

std::string case_name(const ::testing::TestParamInfo<FixtureCase>& info) {
  std::string name = info.param.fixture["defect"].get<std::string>() + "_" + info.param.transport;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Manifest, Fixture, ::testing::ValuesIn(cases()), case_name);

TEST(FixtureManifest, EveryCheckHasAFixtureThatFailsIt) {
  std::set<std::string> covered;
  for (const json& fixture : manifest()["fixtures"]) {
    for (const json& id : fixture["must_fail"]) covered.insert(id);
  }
  for (const harness::CheckSpec& check : harness::builtin_checks().all()) {
    EXPECT_TRUE(covered.count(check.id)) << check.id << " has no fixture that fails it";
  }
  for (const std::string& id : covered) {
    EXPECT_NE(harness::builtin_checks().find(id), nullptr) << "manifest names unknown check " << id;
  }
}

TEST(FixtureManifest, TheFixtureServerWithoutADefectPassesLikeTheReference) {
  ProgramRun run = run_program({bin_dir() + "/mcp-harness", "run", "--quiet", "--stdio", "--",
                                bin_dir() + "/mcp-fixture-server", "--defect", "none", "--stdio"});
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find(" 0 failed"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace mcp::testing
