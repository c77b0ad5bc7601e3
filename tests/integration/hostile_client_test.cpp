// Hostile clients against the reference server (docs/security.md): each attack from the
// attacker's review runs over real sockets, and a legitimate client must be served
// within a second while it runs, with the server's memory bounded.
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "harness/client/http_connection.h"
#include "harness/client/mcp_client.h"
#include "harness/launch/launcher.h"
#include "mcp/base64.h"
#include "mcp/json_rpc.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

class HostileClients : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& flags = {}, const std::vector<std::pair<std::string, std::string>>& env = {}) {
    port_ = free_port();
    std::string command = bin_dir() + "/mcp-reference-server --http --port " + std::to_string(port_);
    for (const std::string& flag : flags) command += " " + flag;
    auto started = harness::ServerLauncher::start(command, "127.0.0.1", port_, std::chrono::seconds(10), env);
    ASSERT_TRUE(started.ok()) << started.status().to_string();
    server_ = std::move(started).value();
  }
  std::unique_ptr<harness::HttpConnection> connect(const std::string& path = "/mcp") {
    return std::make_unique<harness::HttpConnection>(*harness::parse_http_url("http://127.0.0.1:" + std::to_string(port_) + path),
                                                     transcript_, std::chrono::seconds(5));
  }
  // A legitimate client: a fresh session that lists tools and calls one. Returns the seconds it took.
  double legitimate_call(const std::string& version = "2025-11-25") {
    auto start = Clock::now();
    harness::McpClient client(connect(), nullptr, std::chrono::seconds(5));
    EXPECT_TRUE(client.handshake(version).ok()) << "the legitimate client could not start a session";
    auto called = client.request("tools/call", {{"name", "echo_v1"}, {"arguments", {{"message", "still here"}}}});
    EXPECT_TRUE(called.ok() && called->contains("result")) << (called.ok() ? called->dump() : called.status().to_string());
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // The figures docs/security.md quotes: how long a legitimate client waited, and the server's memory.
    std::printf("FIGURE %s: legitimate client served in %.1f ms; server RSS %ld KiB\n",
                ::testing::UnitTest::GetInstance()->current_test_info()->name(), seconds * 1000, server_rss());
    return seconds;
  }
  // A raw HTTP POST of `body` with the headers an MCP client sends.
  static std::string post(const std::string& body, const std::string& extra_headers = "") {
    return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Accept: application/json, text/event-stream\r\n" + extra_headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  long server_rss() { return rss_kib(server_->process().pid()); }

  int port_ = 0;
  std::unique_ptr<harness::ServerLauncher> server_;
  harness::Transcript transcript_;
};

// JSON objects nested 200,000 deep: an object, so that a server that decodes it keeps
// and copies it (an array was refused as "not an object" before any copy).
std::string deeply_nested_object() {
  std::string nested;
  for (int i = 0; i < 200000; ++i) nested += "{\"a\":";
  return nested + "1" + std::string(200000, '}');
}

json modern_call(const std::string& tool, json params) {
  params["name"] = tool;
  params["_meta"] = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                     {"io.modelcontextprotocol/clientCapabilities", {{"elicitation", json::object()}}}};
  return jsonrpc::make_request(1, "tools/call", params);
}

std::string modern_headers(const json& message) {
  std::string headers = "MCP-Protocol-Version: 2026-07-28\r\n";
  for (const auto& [name, value] : harness::request_metadata_headers(message)) headers += name + ": " + value + "\r\n";
  return headers;
}

// Finding 1: requestState holding base64 of JSON nested 200k deep (533 KB) crashed the server.
TEST_F(HostileClients, DeeplyNestedRequestStateIsRefusedAndTheServerStaysUp) {
  ASSERT_NO_FATAL_FAILURE(start());
  json message = modern_call("greet_user_v1", {{"requestState", base64url_encode(deeply_nested_object())}});
  auto attacker = RawSocket::connect(port_);
  ASSERT_TRUE(attacker->send(post(jsonrpc::serialize(message), modern_headers(message))));
  std::string answer = attacker->receive_response(std::chrono::seconds(5));
  EXPECT_NE(answer.find("-32602"), std::string::npos) << status_line(answer);
  EXPECT_NE(answer.find("requestState"), std::string::npos) << answer.substr(0, 400);
  EXPECT_LT(legitimate_call(), 1.0);
}

TEST(HostileStdioClient, DeeplyNestedRequestStateIsRefusedAndTheServerStaysUp) {
  json message = modern_call("greet_user_v1", {{"requestState", base64url_encode(deeply_nested_object())}});
  std::string input = jsonrpc::serialize(message) + "\n" + jsonrpc::serialize(modern_call("echo_v1", {{"arguments", {{"message", "after"}}}})) + "\n";
  std::string path = temp_path("deep-state.jsonl");
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fwrite(input.data(), 1, input.size(), file);
    std::fclose(file);
  }
  // stdin stays open a moment after the lines: at EOF the server drops work not yet started.
  ProgramRun run = run_program({"sh", "-c", "(cat " + path + "; sleep 1) | " + bin_dir() + "/mcp-reference-server --stdio"},
                               std::chrono::seconds(20));
  EXPECT_EQ(run.exit_code, 0) << "the server died: " << run.err.substr(0, 500);
  EXPECT_NE(run.out.find("-32602"), std::string::npos);
  EXPECT_NE(run.out.find("after"), std::string::npos) << "the call after the attack was not served";
}

// Finding 13: after stdin closed, queued stdio work still ran (12 calls of 2 s on 4 workers: 6 s).
TEST(HostileStdioClient, QueuedWorkDoesNotRunAfterEof) {
  std::string input = jsonrpc::serialize(jsonrpc::make_request(0, "initialize", {{"protocolVersion", "2025-11-25"},
                                                                                {"capabilities", json::object()}})) + "\n";
  for (int i = 1; i <= 12; ++i) {
    input += jsonrpc::serialize(jsonrpc::make_request(i, "tools/call", {{"name", "slow_operation_v1"},
                                                                        {"arguments", {{"steps", 20}, {"step_ms", 100}}}})) + "\n";
  }
  std::string path = temp_path("queued.jsonl");
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fwrite(input.data(), 1, input.size(), file);
    std::fclose(file);
  }
  ProgramRun run = run_program({"sh", "-c", bin_dir() + "/mcp-reference-server --stdio < " + path}, std::chrono::seconds(20));
  EXPECT_EQ(run.exit_code, 0) << run.err.substr(0, 300);
  EXPECT_LT(run.seconds, 1.5) << "queued calls ran after the client had gone";
}

// Finding 2: slow headers held every thread (httplib restarts its read timeout per byte).
// A client locked out would wait for the tricklers' 408s (3 s); a served one waits
// milliseconds, and under ASan on a loaded machine about a second.
TEST_F(HostileClients, TricklingHeadersGet408AndNeverLockOutOthers) {
  ASSERT_NO_FATAL_FAILURE(start({"--header-timeout-ms", "3000"}));
  std::vector<std::unique_ptr<RawSocket>> attackers;
  for (int i = 0; i < 40; ++i) {
    attackers.push_back(RawSocket::connect(port_));
    ASSERT_TRUE(attackers.back() && attackers.back()->send("P"));
  }
  std::thread trickle([&] {
    for (int round = 0; round < 4; ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      for (auto& attacker : attackers) (void)attacker->send("O");
    }
  });
  EXPECT_LT(legitimate_call(), 2.0) << "a legitimate client waited behind 40 slow senders";
  trickle.join();
  for (auto& attacker : attackers) {
    std::string answer = attacker->receive_response(std::chrono::seconds(4));
    EXPECT_EQ(status_line(answer), "HTTP/1.1 408 Request Timeout") << "the head was allowed to take longer than 3 s";
  }
}

// Finding 2: open subscriptions/listen streams and GET streams are capped per client.
TEST_F(HostileClients, OneClientsOpenStreamsAreCappedAndOthersAreServed) {
  ASSERT_NO_FATAL_FAILURE(start({"--max-inflight-per-client", "8"}));
  std::vector<std::unique_ptr<RawSocket>> streams;
  json listen = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "subscriptions/listen"},
                 {"params", {{"notifications", json::object()},
                             {"_meta", {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                                        {"io.modelcontextprotocol/clientCapabilities", json::object()}}}}}};
  int refused = 0;
  for (int i = 0; i < 12; ++i) {
    auto stream = RawSocket::connect(port_, "127.0.0.2");
    ASSERT_TRUE(stream->send(post(jsonrpc::serialize(listen), modern_headers(listen))));
    std::string head = stream->receive(std::chrono::milliseconds(500), 2048);
    if (status_line(head) == "HTTP/1.1 503 Service Unavailable") {
      ++refused;
      EXPECT_NE(head.find("too_many_in_flight"), std::string::npos) << head;
      EXPECT_NE(head.find("Retry-After: 1"), std::string::npos) << head;
    }
    streams.push_back(std::move(stream));
  }
  EXPECT_EQ(refused, 4) << "12 streams against a cap of 8";
  EXPECT_LT(legitimate_call("2026-07-28"), 1.0) << "another client must not wait behind one client's streams";
}

// Finding 2: a legacy tool call whose client left is cancelled instead of holding its thread.
TEST_F(HostileClients, AbandonedLegacyToolCallsAreCancelled) {
  ASSERT_NO_FATAL_FAILURE(start());
  harness::McpClient session(connect(), nullptr, std::chrono::seconds(5));
  ASSERT_TRUE(session.handshake("2025-11-25").ok());
  std::string id = *dynamic_cast<harness::HttpConnection&>(session.connection()).session_id();
  json slow = jsonrpc::make_request(7, "tools/call", {{"name", "slow_operation_v1"}, {"arguments", {{"steps", 50}, {"step_ms", 100}}}});
  for (int i = 0; i < 10; ++i) {
    auto caller = RawSocket::connect(port_);
    ASSERT_TRUE(caller->send(post(jsonrpc::serialize(slow), "Mcp-Session-Id: " + id + "\r\nMCP-Protocol-Version: 2025-11-25\r\n")));
    (void)caller->receive(std::chrono::milliseconds(100), 512);
  }  // each caller hangs up at once
  const std::string cancelled = "outcome=\"cancelled\"} 10";
  std::string metrics;
  for (int i = 0; i < 40 && metrics.find(cancelled) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    harness::HttpRequestSpec get;
    get.method = "GET";
    metrics = connect("/metrics")->exchange(get).body;
  }
  EXPECT_NE(metrics.find(cancelled), std::string::npos) << "abandoned calls ran on (5 s each):\n" << metrics;
}

// Finding 3: a chunked body skipped the 4 MiB cap; 500k headers grew memory by 117 MB.
TEST_F(HostileClients, ChunkedBodiesAndHeaderFloodsAreRefusedBeforeBuffering) {
  ASSERT_NO_FATAL_FAILURE(start());
  long before = server_rss();
  auto chunked = RawSocket::connect(port_);
  ASSERT_TRUE(chunked->send("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            "Accept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string chunk(64 * 1024, ' ');
  std::string framed = "10000\r\n" + chunk + "\r\n";
  bool refused_early = false;
  for (int i = 0; i < 640 && !refused_early; ++i) refused_early = !chunked->send(framed);  // 40 MiB offered
  std::string answer = chunked->receive_response(std::chrono::seconds(3));
  EXPECT_EQ(status_line(answer), "HTTP/1.1 413 Payload Too Large") << answer.substr(0, 200);

  auto flood = RawSocket::connect(port_);
  std::string headers = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 20000; ++i) headers += "X-Flood-" + std::to_string(i) + ": y\r\n";  // ~420 KB of headers
  (void)flood->send(headers);
  answer = flood->receive_response(std::chrono::seconds(3));
  EXPECT_EQ(status_line(answer), "HTTP/1.1 431 Request Header Fields Too Large") << answer.substr(0, 200);
  // Buffering what was offered would grow the server by 40 MiB or more; the cap is 4 MiB.
  EXPECT_LT(server_rss() - before, 24 * 1024) << "KiB grown while refusing oversized requests";
  EXPECT_LT(legitimate_call(), 1.0);
}

// Finding 4: unknown tool names became permanent metric series; /metrics had no protection.
TEST_F(HostileClients, UnknownToolNamesMintNoMetricsAndMetricsNeedTheToken) {
  ASSERT_NO_FATAL_FAILURE(start({"--metrics-token", "s3cret"}));
  harness::McpClient client(connect(), nullptr, std::chrono::seconds(5));
  ASSERT_TRUE(client.handshake("2025-11-25").ok());
  std::string name = "evil\"} 1\nfake_metric{x=\"" + std::string(10000, 'n');
  for (int i = 0; i < 5; ++i) (void)client.request("tools/call", {{"name", name + std::to_string(i)}, {"arguments", json::object()}});
  harness::HttpRequestSpec get;
  get.method = "GET";
  EXPECT_EQ(connect("/metrics")->exchange(get).status, 401) << "no token";
  get.headers["Authorization"] = "Bearer s3cret";
  std::string metrics = connect("/metrics")->exchange(get).body;
  EXPECT_EQ(metrics.find("fake_metric"), std::string::npos);
  EXPECT_EQ(metrics.find("nnnnnnnn"), std::string::npos) << "an unknown tool's name reached /metrics";
  EXPECT_LT(metrics.size(), 20000u);
}

// Finding 6: mcp-ref://stats/cost showed every principal, run and session id.
TEST_F(HostileClients, CostTotalsShowCallersOnlyTheirOwn) {
  ASSERT_NO_FATAL_FAILURE(start());
  harness::McpClient victim(connect(), nullptr, std::chrono::seconds(5));
  ASSERT_TRUE(victim.handshake("2025-11-25").ok());
  ASSERT_TRUE(victim.request("tools/call", {{"name", "echo_v1"}, {"arguments", {{"message", "x"}}},
                                            {"_meta", {{"dev.mcp-harness/run-id", "victim-run"}}}}).ok());
  std::string victim_session = *dynamic_cast<harness::HttpConnection&>(victim.connection()).session_id();
  harness::McpClient snoop(connect(), nullptr, std::chrono::seconds(5));
  ASSERT_TRUE(snoop.handshake("2025-11-25").ok());
  auto cost = snoop.request("resources/read", {{"uri", "mcp-ref://stats/cost"}});
  ASSERT_TRUE(cost.ok());
  std::string text = (*cost)["result"]["contents"][0]["text"];
  EXPECT_EQ(text.find(victim_session), std::string::npos) << text;
  EXPECT_EQ(text.find("victim-run"), std::string::npos) << text;
}

// Finding 5: budgets keyed by a client-chosen run id.
TEST_F(HostileClients, RunIdsAreBoundedAndInventingThemHitsThePrincipalCeiling) {
  std::string config = temp_path("small-budget.json");
  {
    std::FILE* file = std::fopen(config.c_str(), "w");
    std::fputs(R"({"limits": {"budget": {"units": 10, "principal_units": 30}}})", file);
    std::fclose(file);
  }
  ASSERT_NO_FATAL_FAILURE(start({"--config", config}));
  harness::McpClient client(connect(), nullptr, std::chrono::seconds(5));
  ASSERT_TRUE(client.handshake("2025-11-25").ok());
  auto long_run = client.request("tools/call", {{"name", "echo_v1"}, {"arguments", {{"message", "x"}}},
                                                {"_meta", {{"dev.mcp-harness/run-id", std::string(129, 'r')}}}});
  ASSERT_TRUE(long_run.ok());
  EXPECT_EQ((*long_run)["result"]["structuredContent"]["code"], "invalid_run_id") << long_run->dump();
  // search_tickets_v2 costs 5: each run may spend 10 units, the principal 30, whatever the run ids.
  std::string code;
  int calls = 0;
  for (; calls < 20 && code.empty(); ++calls) {
    auto r = client.request("tools/call", {{"name", "search_tickets_v2"}, {"arguments", {{"query", "x"}}},
                                           {"_meta", {{"dev.mcp-harness/run-id", "run-" + std::to_string(calls)}}}});
    ASSERT_TRUE(r.ok());
    const json& refusal = (*r)["result"]["structuredContent"];
    if ((*r)["result"].value("isError", false) && refusal.value("code", "") == "budget_exhausted") code = refusal["scope"];
    if (refusal.value("code", "") == "rate_limited") std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(code, "principal") << "after " << calls << " calls with a new run id each";
  EXPECT_EQ(calls, 7) << "six calls of 5 units spend the ceiling of 30";
}

// Finding 7: ~10,000 initializes locked every new client out for 30 minutes.
TEST_F(HostileClients, SessionFloodsAreCappedPerPeerAndUnusedSessionsExpire) {
  ASSERT_NO_FATAL_FAILURE(start({"--max-sessions-per-principal", "20", "--unused-session-timeout", "3"}));
  json init = jsonrpc::make_request(1, "initialize", {{"protocolVersion", "2025-11-25"}, {"capabilities", json::object()},
                                                      {"clientInfo", {{"name", "flood"}, {"version", "1"}}}});
  int refused = 0;
  for (int i = 0; i < 30; ++i) {
    auto flood = RawSocket::connect(port_, "127.0.0.2");
    ASSERT_TRUE(flood->send(post(jsonrpc::serialize(init))));
    refused += status_line(flood->receive_response(std::chrono::seconds(2))) == "HTTP/1.1 503 Service Unavailable";
  }
  EXPECT_EQ(refused, 10) << "30 initializes from one peer against a cap of 20";
  EXPECT_LT(legitimate_call(), 1.0) << "another peer is not affected";
  std::this_thread::sleep_for(std::chrono::milliseconds(4100));  // whole seconds: 3 s and up to 1 s of rounding
  auto again = RawSocket::connect(port_, "127.0.0.2");
  ASSERT_TRUE(again->send(post(jsonrpc::serialize(init))));
  EXPECT_EQ(status_line(again->receive_response(std::chrono::seconds(2))), "HTTP/1.1 200 OK")
      << "sessions that never made a call expire after the unused-session timeout";
}

// Finding 8: 82k tools/list in one batch made an 87 MB response.
TEST_F(HostileClients, BatchesAreCappedInItems) {
  ASSERT_NO_FATAL_FAILURE(start());
  harness::McpClient client(connect(), nullptr, std::chrono::seconds(5));
  ASSERT_TRUE(client.handshake("2025-03-26").ok());
  json batch = json::array();
  for (int i = 0; i < 65; ++i) batch.push_back(jsonrpc::make_request(100 + i, "tools/list", json::object()));
  harness::HttpRequestSpec spec;
  spec.body = jsonrpc::serialize(batch);
  harness::HttpReply reply = dynamic_cast<harness::HttpConnection&>(client.connection()).exchange(spec);
  EXPECT_EQ(reply.status, 413) << reply.body.substr(0, 300);
  EXPECT_NE(reply.body.find("at most 64"), std::string::npos) << reply.body.substr(0, 300);
}

// Finding 12 and 13: duplicate Authorization headers, Host tricks, and what a 401 logs.
TEST_F(HostileClients, DuplicateAuthorizationAndBracketedHostTricksAreRefused) {
  // The issuer is never reached: both requests are refused before any token is read.
  ASSERT_NO_FATAL_FAILURE(start({"--auth", "signed-token"}, {{"MCP_AUTH_ISSUER", "http://127.0.0.1:9"}, {"MCP_AUTH_JWKS_URI", "http://127.0.0.1:9/jwks"}}));
  auto twice = RawSocket::connect(port_);
  ASSERT_TRUE(twice->send(post("{}", "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n")));
  EXPECT_EQ(status_line(twice->receive_response(std::chrono::seconds(2))), "HTTP/1.1 400 Bad Request");
  auto host = RawSocket::connect(port_);
  ASSERT_TRUE(host->send("POST /mcp HTTP/1.1\r\nHost: [::1]evil.com\r\nContent-Length: 2\r\n\r\n{}"));
  EXPECT_EQ(status_line(host->receive_response(std::chrono::seconds(2))), "HTTP/1.1 403 Forbidden");
}

// Finding 13: SIGTERM cancels running legacy calls instead of waiting for them.
TEST_F(HostileClients, SigtermEndsTheServerPromptlyDespiteLongCalls) {
  ASSERT_NO_FATAL_FAILURE(start());
  harness::McpClient session(connect(), nullptr, std::chrono::seconds(5));
  ASSERT_TRUE(session.handshake("2025-11-25").ok());
  std::string id = *dynamic_cast<harness::HttpConnection&>(session.connection()).session_id();
  auto caller = RawSocket::connect(port_);
  json slow = jsonrpc::make_request(7, "tools/call", {{"name", "slow_operation_v1"}, {"arguments", {{"steps", 100}, {"step_ms", 100}}}});
  ASSERT_TRUE(caller->send(post(jsonrpc::serialize(slow), "Mcp-Session-Id: " + id + "\r\nMCP-Protocol-Version: 2025-11-25\r\n")));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto start = Clock::now();
  ::kill(server_->process().pid(), SIGTERM);
  auto ended = server_->process().wait_for(std::chrono::seconds(8));
  ASSERT_TRUE(ended.has_value()) << "the server did not stop";
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 2.0) << "stop waited for a 10 s tool call";
}

}  // namespace
}  // namespace mcp::testing
