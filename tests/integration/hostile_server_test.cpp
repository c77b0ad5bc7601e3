// Hostile or broken servers never hang or crash the harness, and leave no
// processes behind.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "harness/launch/launcher.h"
#include "harness/launch/subprocess.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

std::string harness() { return bin_dir() + "/mcp-harness"; }

ProgramRun harness_stdio(const std::vector<std::string>& server, std::vector<std::string> extra = {}) {
  // A short start-up allowance too: a stdio server gets --launch-timeout for its first answer.
  std::vector<std::string> argv = {harness(), "run", "--quiet", "--timeout", "500", "--launch-timeout", "1000"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("--stdio");
  argv.push_back("--");
  argv.insert(argv.end(), server.begin(), server.end());
  return run_program(argv, std::chrono::seconds(60));
}

bool process_running(const std::string& pattern) {
  return run_program({"pgrep", "-f", pattern}).exit_code == 0;
}

TEST(HostileServers, MissingCommandIsReportedAsUnstartable) {
  ProgramRun run = harness_stdio({"/nonexistent/mcp-server"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("cannot run"), std::string::npos) << run.err;
}

TEST(HostileServers, SilentServerTimesOutInsteadOfHanging) {
  // Reads nothing, writes nothing, keeps its stdout open: only the deadline ends the wait.
  ProgramRun run = harness_stdio({"sh", "-c", "exec sleep 316"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_FALSE(run.timed_out);
  EXPECT_LT(run.seconds, 10);
  EXPECT_NE(run.err.find("no response to initialize: no message from the server before the deadline"), std::string::npos)
      << run.err;
  EXPECT_FALSE(process_running("sleep 316")) << "the silent server outlived the run";
}

TEST(HostileServers, ServerThatExitsAtOnceIsReportedWithItsExitStatus) {
  ProgramRun run = harness_stdio({"sh", "-c", "echo dying >&2; exit 7"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_LT(run.seconds, 10);
  EXPECT_NE(run.err.find("dying"), std::string::npos) << "stderr of the server is quoted: " << run.err;
}

TEST(HostileServers, EndlessGarbageOnStdoutDoesNotHangOrExhaustMemory) {
  ProgramRun run = harness_stdio({"sh", "-c", "exec yes 'garbage garbage garbage'"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_FALSE(run.timed_out) << run.err;
  EXPECT_LT(run.seconds, 15);
}

TEST(HostileServers, AnEndlessLineIsCutOffNotBuffered) {
  ProgramRun run = harness_stdio({"sh", "-c", "exec tr -d '\\n' < /dev/zero"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_FALSE(run.timed_out);
}

TEST(HostileServers, ChildrenOfTheServerAreKilledWithIt) {
  ProgramRun run = harness_stdio({"sh", "-c", "sleep 313 & exec sleep 314"});
  EXPECT_EQ(run.exit_code, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(process_running("sleep 313")) << "the server's child outlived the run";
  EXPECT_FALSE(process_running("sleep 314"));
}

TEST(HostileServers, LaunchedServerThatNeverListensIsReported) {
  int port = free_port();
  ProgramRun run = run_program({harness(), "run", "--quiet", "--url", "http://127.0.0.1:" + std::to_string(port) + "/mcp",
                                "--launch", "sleep 315", "--launch-timeout", "1000"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("did not listen"), std::string::npos) << run.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(process_running("sleep 315"));
}

TEST(HostileServers, UnreachableUrlIsReported) {
  int port = free_port();
  ProgramRun run = run_program({harness(), "run", "--quiet", "--timeout", "500", "--url",
                                "http://127.0.0.1:" + std::to_string(port) + "/mcp"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("could not be initialized"), std::string::npos) << run.err;
}

TEST(HostileServers, ServerCrashingMidRunFailsChecksButNotTheHarness) {
  // Answers initialize, then dies on the next request: checks fail with evidence, the run completes.
  std::string script =
      "read line; id=$(echo \"$line\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/');"
      "echo '{\"jsonrpc\":\"2.0\",\"id\":'$id',\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
      "\"serverInfo\":{\"name\":\"crashy\",\"version\":\"1\"}}}'; read line; read line; exit 1";
  ProgramRun run = harness_stdio({"sh", "-c", script}, {"--suite", "ping.*", "--suite", "jsonrpc.*"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("FAILED"), std::string::npos);
  EXPECT_FALSE(run.timed_out);
}

// Answers initialize properly; what it does with everything after is the hostile part.
std::string answers_initialize_then(const std::string& rest) {
  return "read line; id=$(echo \"$line\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/');"
         "echo '{\"jsonrpc\":\"2.0\",\"id\":'$id',\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
         "\"serverInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}}'; " + rest;
}

TEST(HostileServers, BinaryGarbageIsReportedNotParsedForever) {
  ProgramRun run = harness_stdio({"sh", "-c", "head -c 300000 /dev/urandom; exec sleep 30"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_FALSE(run.timed_out);
  EXPECT_LT(run.seconds, 20);
}

TEST(HostileServers, ABareNumberForEveryReplyIsNoResponse) {
  // Random bytes can make a line that parses as a number; the era probe once took it for a reply and crashed.
  ProgramRun run = harness_stdio({"sh", "-c", "while read line; do echo 7; done"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(run.err.find("CRASHED"), std::string::npos) << run.err;
  EXPECT_FALSE(run.timed_out);
}

TEST(HostileServers, AnswersWithWrongIdsFailChecksWithinTheirDeadlines) {
  // Every request after initialize is answered, but always under id 424242.
  std::string script = answers_initialize_then(
      "while read line; do echo '{\"jsonrpc\":\"2.0\",\"id\":424242,\"result\":{}}'; done");
  ProgramRun run = harness_stdio({"sh", "-c", script}, {"--suite", "ping.*", "--suite", "tools.list*"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_FALSE(run.timed_out);
  EXPECT_LT(run.seconds, 30);
}

TEST(HostileServers, SilenceAfterInitializeCostsOneDeadlinePerCheck) {
  std::string script = answers_initialize_then("exec cat > /dev/null");
  ProgramRun run = harness_stdio({"sh", "-c", script}, {"--suite", "ping.*", "--suite", "jsonrpc.*"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_FALSE(run.timed_out);
  EXPECT_FALSE(process_running("exec cat > /dev/null")) << "a silent server outlived the run";
}

TEST(HostileServers, FuzzerSurvivesAServerThatDiesOnTheFirstToolCall) {
  std::string script = answers_initialize_then(
      "read line; read line; id=$(echo \"$line\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/');"
      "echo '{\"jsonrpc\":\"2.0\",\"id\":'$id',\"result\":{\"tools\":[{\"name\":\"t\",\"inputSchema\":{\"type\":\"object\"},"
      "\"annotations\":{\"readOnlyHint\":true}}]}}'; read line; exit 9");
  ProgramRun run = run_program({harness(), "fuzz", "--max-calls", "50", "--call-timeout", "500", "--no-protocol",
                                "--repro-dir", "/tmp", "--stdio", "--", "sh", "-c", script},
                               std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("FAIL crash in t"), std::string::npos) << run.out;
  EXPECT_FALSE(run.timed_out);
}

// ---- The attacker's review, harness side (docs/security.md, findings 14-18) ----

std::string hostile_script() { return source_dir() + "/tests/hostile/hostile_server.py"; }

// An HTTP server from tests/hostile/hostile_server.py, stopped at the end of the test.
class HostileHttpServer {
 public:
  explicit HostileHttpServer(const std::string& mode) : port_(free_port()) {
    harness::SpawnOptions options;
    options.argv = {"python3", hostile_script(), mode, std::to_string(port_)};
    options.pipe_stdin = false;
    options.pipe_stdout = false;
    process_ = std::move(harness::Subprocess::spawn(options)).value();
    for (int i = 0; i < 100 && !harness::tcp_port_open("127.0.0.1", port_, std::chrono::milliseconds(100)); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }

 private:
  int port_;
  std::unique_ptr<harness::Subprocess> process_;
};

ProgramRun harness_http(const std::string& url, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {harness(), "run", "--quiet", "--timeout", "1000", "--url", url};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_program(argv, std::chrono::seconds(90));
}

// Finding 14: a child that left the process group (setsid) and kept stdout hung close() for ever.
TEST(HostileServers, AChildThatEscapesTheProcessGroupCannotHangTheHarness) {
  std::string server = "setsid sleep 318 & exec " + bin_dir() + "/mcp-reference-server --stdio";
  ProgramRun run = harness_stdio({"sh", "-c", server}, {"--suite", "lifecycle.initialize.*"});
  (void)run_program({"pkill", "-f", "sleep 318"});
  EXPECT_FALSE(run.timed_out) << "the harness waited on a pipe the escaped child holds";
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_LT(run.seconds, 40);
}

// Finding 15: a server trickling response-header bytes defeated --timeout.
TEST(HostileServers, TricklingResponseHeadersEndAtTheDeadline) {
  HostileHttpServer server("trickle-headers");
  ProgramRun run = harness_http(server.url());
  EXPECT_FALSE(run.timed_out);
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_LT(run.seconds, 20) << "a 1 s deadline per request";
  EXPECT_NE(run.err.find("before the deadline"), std::string::npos) << run.err;
}

// Finding 16: an SSE flood reached 1.96 GB and a header flood 676 MB.
TEST(HostileServers, FloodsOfEventsOrHeadersKeepTheHarnessMemoryBounded) {
  for (const char* mode : {"sse-flood", "header-flood"}) {
    HostileHttpServer server(mode);
    ProgramRun run = harness_http(server.url());
    EXPECT_FALSE(run.timed_out) << mode;
    EXPECT_EQ(run.exit_code, 3) << mode << ": " << run.out << run.err;
    EXPECT_LT(run.max_rss_kib, 300 * 1024) << mode << ": the harness's memory grew with the flood";
    std::printf("FIGURE %s: harness ended in %.1f s with exit %d, peak RSS %ld KiB\n", mode, run.seconds, run.exit_code,
                run.max_rss_kib);
  }
}

// Finding 17: a reply nested 200k deep crashed the harness (a recursive copy).
TEST(HostileServers, ADeeplyNestedReplyIsRejectedNotACrash) {
  ProgramRun run = harness_stdio({"python3", hostile_script(), "deep-init"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("no response to initialize"), std::string::npos) << run.err;
}

// Finding 17: a 100,000-character tool name overflowed std::regex's recursion.
TEST(HostileServers, AHugeToolNameIsReportedNotACrash) {
  std::string report = temp_path("long-name.json");
  ProgramRun run = harness_stdio({"python3", hostile_script(), "long-tool-name"},
                                 {"--suite", "versioning.*", "--suite", "tools.names.*", "--report-json", report});
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << "a verdict, not a crash: " << run.exit_code << run.err;
  nlohmann::json parsed = nlohmann::json::parse(read_file(report), nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << "no report was written";
  bool flagged = false;
  for (const auto& check : parsed["checks"]) flagged |= check["id"] == "versioning.names.suffix" && check["status"] == "fail";
  EXPECT_TRUE(flagged) << "the unversioned (overlong) name is a finding, not a crash";
}

// Issue 20: an answer under another id is that, a JSON-RPC failure, not "no response" and exit 3.
TEST(HostileServers, AnswersUnderAnotherIdAreReportedAsSuch) {
  ProgramRun run = harness_stdio({"python3", hostile_script(), "string-ids"}, {"--suite", "jsonrpc.id-echo", "--suite", "ping.*"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("jsonrpc.id-echo"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("the server answered with id \"1\" instead of 1"), std::string::npos) << run.out;
}

// Finding 17: when the harness itself crashes, it names the check and leaves a report.
TEST(HostileServers, AHarnessCrashStillNamesTheCheckAndWritesAReport) {
  std::string report = temp_path("crash-report.json");
  // SIGSEGV in the middle of a run against the reference server stands in for a harness bug.
  std::string script = harness() + " run --quiet --report-json " + report + " --stdio -- " + bin_dir() +
                       "/mcp-reference-server --stdio & pid=$!; sleep 1.5; kill -SEGV $pid; wait $pid";
  ProgramRun run = run_program({"sh", "-c", script}, std::chrono::seconds(30));
  EXPECT_NE(run.err.find("CRASHED while running check"), std::string::npos) << run.err;
  nlohmann::json parsed = nlohmann::json::parse(read_file(report), nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << read_file(report);
  EXPECT_EQ(parsed["harness_crashed"], true);
  ASSERT_TRUE(parsed["crashed_in_check"].is_string()) << parsed;
  EXPECT_FALSE(parsed["crashed_in_check"].get<std::string>().empty());
}

// Finding 18: with the inbox full of legal notifications the initialize response was dropped.
TEST(HostileServers, ANotificationFloodDoesNotCostTheResponse) {
  ProgramRun run = harness_stdio({"python3", hostile_script(), "notification-flood"}, {"--suite", "lifecycle.initialize.*"});
  // End to end; Inbox.AFloodOfNotificationsNeverCostsAResponse pins the rule itself.
  EXPECT_NE(run.exit_code, 3) << "the initialize response was lost behind 200,000 notifications: " << run.err;
  EXPECT_FALSE(run.timed_out);
}

}  // namespace
}  // namespace mcp::testing
