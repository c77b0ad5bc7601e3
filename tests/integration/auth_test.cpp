// Auth end to end with real processes, real sockets and real signed JWTs: the
// harness against the reference server in each auth mode, and the server's own
// guarantees (audit log without secrets, bounded JWKS refetching) observed from
// outside with the harness's mock authorization server as the issuer.
#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "harness/auth/credentials.h"
#include "harness/client/http_connection.h"
#include "harness/launch/launcher.h"
#include "harness/launch/subprocess.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;
using harness::HttpConnection;
using harness::HttpRequestSpec;
using harness::MockAuthorizationServer;

std::string harness_bin() { return bin_dir() + "/mcp-harness"; }
std::string reference() { return bin_dir() + "/mcp-reference-server"; }

struct ModeCase {
  std::string mode;
  std::string transport;
  std::set<std::string> must_pass;  // auth checks that apply in this mode and must pass
  std::string protocol_version = "auto";  // auto finds 2026-07-28; sessions exist only before it
};

void PrintTo(const ModeCase& c, std::ostream* os) { *os << c.mode << " over " << c.transport << " (" << c.protocol_version << ")"; }

const std::set<std::string> kForgeries = {
    "auth.token.valid-accepted", "auth.token.expired",   "auth.token.not-yet-valid", "auth.token.wrong-audience",
    "auth.token.wrong-issuer",   "auth.token.bad-signature", "auth.token.alg-none",  "auth.token.alg-confusion",
    "auth.token.unknown-kid",    "auth.token.malformed", "auth.token.oversized",     "auth.token.query-string"};

std::set<std::string> with(std::set<std::string> base, const std::set<std::string>& more) {
  base.insert(more.begin(), more.end());
  return base;
}

std::vector<ModeCase> mode_cases() {
  const std::set<std::string> common = {"auth.unauthenticated.401", "auth.scope.insufficient", "auth.no-secrets-in-output"};
  const std::set<std::string> oauth = with(with(common, kForgeries), {"auth.unauthenticated.challenge", "auth.metadata.discoverable",
                                                                      "auth.metadata.document", "auth.token.expiry-mid-session",
                                                                      "auth.jwks.rotation"});
  const std::set<std::string> gateway = with(common, {"auth.gateway.forged-signature", "auth.gateway.stale-assertion"});
  const std::set<std::string> sessions = {"auth.session.bound-to-principal"};
  return {
      {"oauth", "http", oauth},
      {"signed-token", "http",
       with(with(common, kForgeries),
            {"auth.unauthenticated.challenge", "auth.token.replay", "auth.token.lifetime-cap", "auth.jwks.rotation"})},
      {"gateway", "http", gateway},
      {"oauth", "stdio", {"auth.no-secrets-in-output", "auth.stdio.env-credentials"}},
      {"oauth", "http", with(oauth, sessions), "2025-11-25"},
      {"gateway", "http", with(gateway, sessions), "2025-11-25"},
  };
}

class AuthMode : public ::testing::TestWithParam<ModeCase> {};

// Every suite runs with credentials, so the rest of the harness also works against an authenticated server.
TEST_P(AuthMode, ReferenceServerPassesEveryCheck) {
  const ModeCase& c = GetParam();
  std::string report_path = temp_path("auth-" + c.mode + "-" + c.transport + "-" + c.protocol_version + ".json");
  // Every algorithm the reference verifies (RS256, ES256, EdDSA), not only the RS256 default.
  std::vector<std::string> argv = {harness_bin(), "run", "--quiet", "--report-json", report_path, "--auth", c.mode,
                                   "--auth-alg", "all", "--protocol-version", c.protocol_version};
  if (c.transport == "stdio") {
    argv.insert(argv.end(), {"--stdio", "--", reference(), "--stdio"});
  } else {
    int port = free_port();
    argv.insert(argv.end(), {"--url", "http://127.0.0.1:" + std::to_string(port) + "/mcp", "--launch",
                             reference() + " --http --port " + std::to_string(port)});
  }
  ProgramRun run = run_program(argv);
  json report = json::parse(read_file(report_path), nullptr, false);
  std::remove(report_path.c_str());
  ASSERT_TRUE(report.is_object()) << run.out << run.err;
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(report["summary"]["failed"], 0);
  std::set<std::string> passed;
  for (const json& check : report["checks"]) {
    std::string id = check["id"];
    EXPECT_NE(check["status"], "fail") << id << ": " << check["message"];
    if (id.rfind("auth.", 0) == 0 && check["status"] == "pass") passed.insert(id);
  }
  EXPECT_EQ(passed, c.must_pass);
}

INSTANTIATE_TEST_SUITE_P(Modes, AuthMode, ::testing::ValuesIn(mode_cases()),
                         [](const auto& info) {
                           std::string name = info.param.mode + "_" + info.param.transport +
                                              (info.param.protocol_version == "auto" ? "" : "_" + info.param.protocol_version);
                           for (char& ch : name) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return name;
                         });

TEST(AuthModes, EveryAuthCheckPassesInSomeMode) {
  std::set<std::string> covered;
  for (const ModeCase& c : mode_cases()) covered.insert(c.must_pass.begin(), c.must_pass.end());
  ProgramRun list = run_program({harness_bin(), "list-checks", "--format", "json"});
  json checks = json::parse(list.out, nullptr, false);
  ASSERT_TRUE(checks.is_array()) << list.out;
  int auth_checks = 0;
  for (const json& check : checks) {
    std::string id = check["id"];
    if (id.rfind("auth.", 0) != 0) continue;
    ++auth_checks;
    EXPECT_TRUE(covered.count(id)) << id << " is never shown passing against the reference server";
  }
  EXPECT_GE(auth_checks, 25);
}

// A reference server started by the test, trusting the test's authorization server.
class OauthServer {
 public:
  explicit OauthServer(std::vector<std::string> extra_args = {}) {
    auto as = MockAuthorizationServer::start();
    EXPECT_TRUE(as.ok());
    as_ = *as;
    port_ = free_port();
    url_ = "http://127.0.0.1:" + std::to_string(port_) + "/mcp";
    log_ = temp_path("auth-audit.log");
    std::remove(log_.c_str());
    harness::SpawnOptions options;
    options.argv = {reference(), "--http", "--port", std::to_string(port_), "--log-file", log_};
    options.argv.insert(options.argv.end(), extra_args.begin(), extra_args.end());
    options.extra_env = {{"MCP_AUTH_MODE", "oauth"}, {"MCP_AUTH_ISSUER", as_->issuer()}, {"MCP_AUTH_RESOURCE", url_}};
    options.pipe_stdin = false;
    auto process = harness::Subprocess::spawn(options);
    EXPECT_TRUE(process.ok());
    process_ = std::move(process).value();
    for (int i = 0; i < 100 && !harness::tcp_port_open("127.0.0.1", port_, std::chrono::milliseconds(100)); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~OauthServer() { std::remove(log_.c_str()); }

  harness::HttpReply post_initialize(const std::string& token) {
    auto url = harness::parse_http_url(url_);
    HttpConnection connection(*url, transcript_, std::chrono::seconds(5));
    HttpRequestSpec spec;
    spec.body = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                R"("capabilities":{},"clientInfo":{"name":"auth-test","version":"1"},)"
                R"("_meta":{"dev.mcp-harness/correlation-id":"turn-42"}}})";
    spec.headers = {{"Authorization", "Bearer " + token}};
    return connection.exchange(spec);
  }

  MockAuthorizationServer& as() { return *as_; }
  const std::string& url() const { return url_; }
  std::string log() const { return read_file(log_); }

 private:
  std::shared_ptr<MockAuthorizationServer> as_;
  int port_ = 0;
  std::string url_, log_;
  harness::Transcript transcript_;
  std::unique_ptr<harness::Subprocess> process_;
};

TEST(OauthReferenceServer, AuditsEveryDecisionWithoutWritingCredentials) {
  OauthServer server;
  auto good = server.as().mint(server.as().claims("alice", server.url(), "invoices:write"));
  json expired_claims = server.as().claims("mallory", server.url(), "");
  expired_claims["exp"] = 1000;
  auto expired = server.as().mint(expired_claims);
  ASSERT_TRUE(good.ok() && expired.ok());
  EXPECT_EQ(server.post_initialize(*good).status, 200);
  EXPECT_EQ(server.post_initialize(*expired).status, 401);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  std::string log = server.log();
  bool allowed = false, denied = false;
  for (std::size_t start = 0; start < log.size();) {
    std::size_t end = log.find('\n', start);
    json line = json::parse(log.substr(start, end - start), nullptr, false);
    start = end == std::string::npos ? log.size() : end + 1;
    if (!line.is_object() || line.value("event", "") != "auth_decision") continue;
    if (line.value("decision", "") == "allow" && line.value("principal", "") == "alice") {
      allowed = true;
      EXPECT_EQ(line.value("correlation_id", ""), "turn-42");
      EXPECT_EQ(line.value("method", ""), "initialize");
    }
    if (line.value("decision", "") == "deny" && line.value("reason", "") == "token expired") denied = true;
  }
  EXPECT_TRUE(allowed) << log;
  EXPECT_TRUE(denied) << log;
  for (const std::string& token : {*good, *expired}) {
    EXPECT_EQ(log.find(token.substr(token.rfind('.') + 1)), std::string::npos) << "a token signature is in the log";
  }
}

TEST(OauthReferenceServer, UnknownKidsCannotMakeItHammerTheIssuer) {
  OauthServer server;
  auto good = server.as().mint(server.as().claims("alice", server.url(), ""));
  ASSERT_TRUE(good.ok());
  ASSERT_EQ(server.post_initialize(*good).status, 200);
  int fetches_before = server.as().jwks_fetches();
  for (int i = 0; i < 30; ++i) {
    auto forged = server.as().mint_with_unpublished_key(server.as().claims("mallory", server.url(), ""));
    ASSERT_TRUE(forged.ok());
    EXPECT_EQ(server.post_initialize(*forged).status, 401);
  }
  // 30 unknown kids within well under the 2 s refresh floor: at most one refetch.
  EXPECT_LE(server.as().jwks_fetches() - fetches_before, 1);
  EXPECT_GE(fetches_before, 1);
}

TEST(OauthReferenceServer, CapsTheSessionsOnePrincipalMayHold) {
  OauthServer server({"--max-sessions-per-principal", "2"});
  auto alice = server.as().mint(server.as().claims("alice", server.url(), ""));
  auto bob = server.as().mint(server.as().claims("bob", server.url(), ""));
  ASSERT_TRUE(alice.ok() && bob.ok());
  EXPECT_EQ(server.post_initialize(*alice).status, 200);
  EXPECT_EQ(server.post_initialize(*alice).status, 200);
  harness::HttpReply third = server.post_initialize(*alice);
  EXPECT_EQ(third.status, 503);
  EXPECT_NE(third.body.find("Too many sessions for this principal"), std::string::npos) << third.body;
  EXPECT_EQ(server.post_initialize(*bob).status, 200) << "another principal is not affected";
}

}  // namespace
}  // namespace mcp::testing
