// The harness, as a real process, against the reference server on both
// transports: every check passes or is skipped for a stated reason.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/launch/launcher.h"
#include "tests/support/test_support.h"
#include "tests/support/tls_terminator.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

std::string harness() { return bin_dir() + "/mcp-harness"; }
std::string reference() { return bin_dir() + "/mcp-reference-server"; }

json run_report(std::vector<std::string> args, int expected_exit) {
  std::string report = temp_path("report.json");
  std::vector<std::string> argv = {harness(), "run", "--no-color", "--report-json", report};
  argv.insert(argv.end(), args.begin(), args.end());
  ProgramRun run = run_program(argv);
  EXPECT_EQ(run.exit_code, expected_exit) << run.out << run.err;
  json parsed = json::parse(read_file(report), nullptr, false);
  std::remove(report.c_str());
  return parsed;
}

std::string lock_file() { return source_dir() + "/reference-server/tools.lock.json"; }

// Skips are allowed only for checks of the other transport or the other era.
void expect_all_pass_except_transport(const json& report, const std::string& other_transport_name) {
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["summary"]["failed"], 0);
  EXPECT_GE(report["summary"]["passed"].get<int>(), 28);
  for (const json& check : report["checks"]) {
    std::string id = check["id"];
    bool other_transport = check["message"] == "applies to " + other_transport_name + " servers only";
    bool other_version = check["message"].get<std::string>().rfind("does not apply to protocol version", 0) == 0;
    if (check["status"] == "skip" && other_version) {
      // Checks of the other era, and the 2025-03-26 batch check, run in EveryVersion.
    } else if (check["status"] == "skip" && id.rfind("auth.", 0) == 0 && !other_transport) {
      // Without --auth the auth suite has nothing to test (tests/integration/auth_test.cpp runs it).
      EXPECT_EQ(check["message"].get<std::string>().rfind("the run has no --auth", 0), 0u) << id << ": " << check["message"];
    } else if (check["status"] == "skip") {
      EXPECT_EQ(check["message"], "applies to " + other_transport_name + " servers only") << id;
    } else {
      EXPECT_EQ(check["status"], "pass") << id << ": " << check["message"];
    }
  }
}

TEST(ReferenceServer, PassesEveryCheckOverStdio) {
  json report = run_report({"--lock", lock_file(), "--stdio", "--", reference(), "--stdio"}, 0);
  expect_all_pass_except_transport(report, "Streamable HTTP");
  EXPECT_EQ(report["transport"], "stdio");
}

TEST(ReferenceServer, PassesEveryCheckOverStreamableHttp) {
  int port = free_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  json report =
      run_report({"--lock", lock_file(), "--url", url, "--launch", reference() + " --http --port " + std::to_string(port)}, 0);
  expect_all_pass_except_transport(report, "stdio");
}

// https:// as a staging deployment offers it: TLS terminated in front of the server,
// with a self-signed certificate. Trusted with --ca-cert (or --insecure), every check
// passes through TLS; untrusted, the run stops with a reason that names both options.
class OverTls : public ::testing::Test {
 protected:
  void SetUp() override {
    int port = free_port();
    auto started = harness::ServerLauncher::start(reference() + " --http --port " + std::to_string(port), "127.0.0.1", port,
                                                  std::chrono::seconds(10));
    ASSERT_TRUE(started.ok()) << started.status().to_string();
    server_ = std::move(started).value();
    tls_ = TlsTerminator::start(port);
    ASSERT_TRUE(tls_);
    url_ = "https://127.0.0.1:" + std::to_string(tls_->port()) + "/mcp";
  }
  std::unique_ptr<harness::ServerLauncher> server_;
  std::unique_ptr<TlsTerminator> tls_;
  std::string url_;
};

TEST_F(OverTls, EveryCheckPassesWithTheStagingCaTrusted) {
  json report = run_report({"--lock", lock_file(), "--protocol-version", "2025-11-25", "--ca-cert",
                            tls_->certificate_file(), "--url", url_},
                           0);
  // A server the harness did not start skips the checks that read its stderr or spans.
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["summary"]["failed"], 0);
  EXPECT_EQ(report["summary"]["harness_errors"], 0);
  EXPECT_GE(report["summary"]["passed"].get<int>(), 80);
}

TEST_F(OverTls, InsecureAcceptsTheSelfSignedCertificateAndSaysSo) {
  ProgramRun run = run_program({harness(), "run", "--no-color", "--insecure", "--suite", "lifecycle.*", "--url", url_});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("--insecure: the server's certificate is not verified"), std::string::npos) << run.err;
}

TEST_F(OverTls, AnUntrustedCertificateStopsTheRunWithWhatToDo) {
  ProgramRun run = run_program({harness(), "run", "--no-color", "--suite", "lifecycle.*", "--url", url_});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  std::string all = run.out + run.err;
  EXPECT_NE(all.find("TLS certificate is not trusted"), std::string::npos) << all;
  EXPECT_NE(all.find("--insecure"), std::string::npos) << all;
  EXPECT_NE(all.find("--ca-cert"), std::string::npos) << all;
}

TEST_F(OverTls, PlainHttpToATlsPortIsNamed) {
  std::string plain = "http://127.0.0.1:" + std::to_string(tls_->port()) + "/mcp";
  ProgramRun run = run_program({harness(), "run", "--no-color", "--suite", "lifecycle.*", "--timeout", "2000", "--url", plain},
                               std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("use https://"), std::string::npos) << run.err;
}

// Both eras: the initialize-based revisions and 2026-07-28, which the server speaks per request.
class EveryVersion : public ::testing::TestWithParam<std::string> {};

// From 2025-06-18 on every check applies (given the lock file) and must pass; before it,
// tools had no outputSchema and several checks have nothing to judge, so none may fail.
void expect_passes(const json& report, const std::string& version, const std::string& other_transport) {
  if (version >= "2025-06-18") {
    expect_all_pass_except_transport(report, other_transport);
  } else {
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(report["summary"]["failed"], 0);
  }
  EXPECT_EQ(report["protocol_version"], version);
}

std::vector<std::string> lock_for(const std::string& version) {
  return version >= "2025-06-18" ? std::vector<std::string>{"--lock", lock_file()} : std::vector<std::string>{};
}

TEST_P(EveryVersion, PassesOverStdio) {
  std::vector<std::string> args = lock_for(GetParam());
  args.insert(args.end(), {"--protocol-version", GetParam(), "--stdio", "--", reference(), "--stdio"});
  expect_passes(run_report(args, 0), GetParam(), "Streamable HTTP");
}

TEST_P(EveryVersion, PassesOverStreamableHttp) {
  int port = free_port();
  std::vector<std::string> args = lock_for(GetParam());
  args.insert(args.end(), {"--protocol-version", GetParam(), "--url", "http://127.0.0.1:" + std::to_string(port) + "/mcp",
                           "--launch", reference() + " --http --port " + std::to_string(port)});
  expect_passes(run_report(args, 0), GetParam(), "stdio");
}

INSTANTIATE_TEST_SUITE_P(Versions, EveryVersion,
                         ::testing::Values("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"));

// The spec's back-compat probe: server/discover first, initialize when that fails.
TEST(ProtocolVersionProbe, ChoosesThePerRequestEraWhenDiscoverAnswersAndInitializeOtherwise) {
  ProgramRun modern = run_program({harness(), "run", "--suite", "discover", "--stdio", "--", reference(), "--stdio"});
  EXPECT_EQ(modern.exit_code, 0) << modern.out << modern.err;
  EXPECT_NE(modern.err.find("protocol version 2026-07-28: server/discover answered"), std::string::npos) << modern.err;

  ProgramRun legacy = run_program({harness(), "run", "--suite", "lifecycle", "--stdio", "--", bin_dir() + "/mcp-fixture-server",
                                   "--defect", "legacy-only", "--stdio"});
  EXPECT_EQ(legacy.exit_code, 0) << legacy.out << legacy.err;
  EXPECT_NE(legacy.err.find("protocol version 2025-11-25: server/discover was refused"), std::string::npos) << legacy.err;
  EXPECT_NE(legacy.out.find("(protocol 2025-11-25)"), std::string::npos) << legacy.out;
}

TEST(ReferenceServer, WritesJunitAndHtmlReports) {
  std::string junit = temp_path("report.xml"), html = temp_path("report.html");
  // Not --quiet: should the run ever stall, the progress lines say on which check.
  ProgramRun run = run_program({harness(), "run", "--no-color", "--report-junit", junit, "--report-html", html, "--stdio",
                                "--", reference(), "--stdio"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  std::string xml = read_file(junit);
  EXPECT_NE(xml.find("<testsuites name=\"mcp-harness\""), std::string::npos);
  EXPECT_NE(xml.find("failures=\"0\""), std::string::npos);
  std::string page = read_file(html);
  EXPECT_NE(page.find("lifecycle.initialize.result-shape"), std::string::npos);
  EXPECT_NE(page.find("<b>PASS</b>CI verdict"), std::string::npos);
  std::remove(junit.c_str());
  std::remove(html.c_str());
}

TEST(ToolLock, CommittedLockMatchesTheReferenceServer) {
  std::string fresh = temp_path("tools.lock.json");
  ProgramRun snapshot = run_program({harness(), "snapshot", "-q", "-o", fresh, "--stdio", "--", reference(), "--stdio"});
  ASSERT_EQ(snapshot.exit_code, 0) << snapshot.err;
  ProgramRun diff = run_program({harness(), "diff", lock_file(), fresh});
  EXPECT_EQ(diff.exit_code, 0) << "the reference server broke its own lock file:\n" << diff.out;
  EXPECT_EQ(read_file(fresh), read_file(lock_file()))
      << "reference-server/tools.lock.json is stale; after checking the change is additive, regenerate it:\n"
         "  build/bin/mcp-harness snapshot -o reference-server/tools.lock.json --stdio -- build/bin/mcp-reference-server --stdio\n"
      << diff.out;
  std::remove(fresh.c_str());
}

TEST(ToolLock, DiffExitsOneOnBreakingChangesAndSpeaksJson) {
  json lock = json::parse(read_file(lock_file()));
  lock["tools"]["echo_v1"]["inputSchema"]["required"].push_back("extra");
  lock["tools"]["echo_v1"]["inputSchema"]["properties"]["extra"] = {{"type", "string"}};
  lock["tools"]["brand_new_v1"] = lock["tools"]["add_v1"];
  std::string changed = temp_path("changed.lock.json");
  std::ofstream(changed) << lock.dump(2);
  ProgramRun text = run_program({harness(), "diff", lock_file(), changed});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("breaking  echo_v1 inputSchema.properties.extra: new required input \"extra\""), std::string::npos) << text.out;
  ProgramRun as_json = run_program({harness(), "diff", "--format", "json", lock_file(), changed});
  json parsed = json::parse(as_json.out);
  EXPECT_TRUE(parsed["breaking"].get<bool>());
  EXPECT_EQ(parsed["changes"].size(), 2u);
  ProgramRun additive_only = run_program({harness(), "diff", changed, lock_file()});
  EXPECT_EQ(additive_only.exit_code, 1) << "removing a current tool is breaking too";
  EXPECT_EQ(run_program({harness(), "diff", lock_file(), "/nonexistent.json"}).exit_code, 2);
  std::remove(changed.c_str());
}

TEST(HarnessCli, CheckCatalogueInDocsIsGenerated) {
  ProgramRun run = run_program({harness(), "list-checks", "--format", "md"});
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, read_file(source_dir() + "/docs/checks.md"))
      << "docs/checks.md is stale: regenerate it with  build/bin/mcp-harness list-checks --format md > docs/checks.md";
}

TEST(HarnessCli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run_program({harness(), "run"}).exit_code, 2);
  EXPECT_EQ(run_program({harness(), "run", "--stdio"}).exit_code, 2);
  EXPECT_EQ(run_program({harness(), "run", "--bogus-flag"}).exit_code, 2);
  EXPECT_EQ(run_program({harness(), "run", "--url", "ftp://x"}).exit_code, 2);
  EXPECT_EQ(run_program({harness(), "run", "--suite", "nothing.matches", "--stdio", "--", reference(), "--stdio"}).exit_code, 2);
  EXPECT_EQ(run_program({harness(), "run", "--protocol-version", "1999-01-01", "--stdio", "--", reference(), "--stdio"}).exit_code, 2);
  ProgramRun help = run_program({harness(), "run", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Examples:"), std::string::npos);
}

TEST(HarnessCli, EverySubcommandHasHelpWithExamplesAndTheExitCodesAreDocumented) {
  for (const char* command : {"run", "list-checks", "snapshot", "diff", "runaway", "fuzz", "replay", "load", "call"}) {
    ProgramRun help = run_program({harness(), command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Example"), std::string::npos) << command << " --help shows no example";
    EXPECT_NE(help.out.find("mcp-harness " + std::string(command)), std::string::npos) << command;
  }
  ProgramRun top = run_program({harness(), "--help"});
  EXPECT_NE(top.out.find("Exit codes: 0 passed, 1 a MUST check failed, 2 usage error, 3 server could not be started"),
            std::string::npos);
  EXPECT_NE(read_file(source_dir() + "/docs/guide.md").find("| 3 | the server could not be started"), std::string::npos);
  ProgramRun version = run_program({harness(), "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_FALSE(version.out.empty());
}

TEST(HarnessCli, UnreachableServersSayWhatWentWrongAndWhatToTry) {
  ProgramRun refused = run_program({harness(), "run", "--url", "http://127.0.0.1:1/mcp"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("could not connect"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--launch"), std::string::npos) << "no hint to try --launch: " << refused.err;
  ProgramRun missing = run_program({harness(), "run", "--stdio", "--", "/nonexistent/mcp-server"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("No such file or directory"), std::string::npos) << missing.err;
}

TEST(HarnessCli, CommonMistakesGetAHint) {
  ProgramRun no_dashes = run_program({harness(), "run", "--stdio", reference(), "--stdio"});
  EXPECT_EQ(no_dashes.exit_code, 2);
  EXPECT_NE(no_dashes.err.find("Hint: put the server's command after '--'"), std::string::npos) << no_dashes.err;
  ProgramRun typo = run_program({harness(), "rn", "--stdio", "--", reference(), "--stdio"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("did you mean 'mcp-harness run'"), std::string::npos) << typo.err;
  int port = free_port();
  ProgramRun wrong_path = run_program({harness(), "run", "--url", "http://127.0.0.1:" + std::to_string(port) + "/wrong",
                                       "--launch", reference() + " --http --port " + std::to_string(port)});
  EXPECT_EQ(wrong_path.exit_code, 3);
  EXPECT_NE(wrong_path.err.find("is the path right?"), std::string::npos) << wrong_path.err;
}

TEST(HarnessCli, AServerThatRefusesTheHarnesssOwnTokenIsAnAuthFailureNotUnavailable) {
  int port = free_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  // The server trusts another issuer (nothing listens there), so every token of ours is refused.
  ProgramRun run = run_program({harness(), "run", "--auth", "oauth", "--url", url, "--launch",
                                "env MCP_AUTH_ISSUER=http://127.0.0.1:9 " + reference() + " --http --port " + std::to_string(port)});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("FAIL MUST auth.token.valid-accepted: the server refused the harness's own valid credentials "
                         "(oauth, a token signed RS256"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("WWW-Authenticate"), std::string::npos) << "the server's challenge is quoted: " << run.err;
}

TEST(HarnessCli, CallRunsOneToolByHand) {
  ProgramRun ok = run_program({harness(), "call", "echo_v1", "--args", R"({"message":"by hand"})", "--stdio", "--", reference(), "--stdio"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  json response = json::parse(ok.out, nullptr, false);
  ASSERT_TRUE(response.is_object()) << ok.out;
  EXPECT_NE(response["result"].dump().find("by hand"), std::string::npos) << ok.out;
  ProgramRun tool_error = run_program({harness(), "call", "fail_v1", "--stdio", "--", reference(), "--stdio"});
  EXPECT_EQ(tool_error.exit_code, 1) << tool_error.out << tool_error.err;
  ProgramRun listed = run_program({harness(), "call", "--list", "--stdio", "--", reference(), "--stdio"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.out.find("\"echo_v1\""), std::string::npos);
  EXPECT_EQ(run_program({harness(), "call", "echo_v1", "--args", "[1]", "--stdio", "--", reference(), "--stdio"}).exit_code, 2);
}

TEST(HarnessCli, SuiteSelectionRunsOnlyMatchingChecks) {
  json report = run_report({"--suite", "ping.*", "--suite", "jsonrpc.method-not-found", "--stdio", "--", reference(), "--stdio"}, 0);
  ASSERT_EQ(report["checks"].size(), 2u);
  EXPECT_EQ(report["checks"][0]["id"], "jsonrpc.method-not-found");
  EXPECT_EQ(report["checks"][1]["id"], "ping.empty-result");
}

}  // namespace
}  // namespace mcp::testing
