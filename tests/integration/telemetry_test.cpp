// The reference server's metrics endpoint and cost attribution, over real HTTP.
#include <gtest/gtest.h>

#include "harness/client/http_connection.h"
#include "harness/client/mcp_client.h"
#include "harness/launch/launcher.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

TEST(Telemetry, MetricsAndCostFollowTheCalls) {
  int port = free_port();
  auto server = harness::ServerLauncher::start(bin_dir() + "/mcp-reference-server --http --port " + std::to_string(port),
                                               "127.0.0.1", port, std::chrono::seconds(10));
  ASSERT_TRUE(server.ok()) << server.status().to_string();
  harness::Transcript transcript;
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  harness::McpClient client(std::make_unique<harness::HttpConnection>(*harness::parse_http_url(base + "/mcp"), transcript,
                                                                      std::chrono::seconds(5)),
                            nullptr, std::chrono::seconds(5));
  ASSERT_TRUE(client.handshake("2025-11-25").ok());
  auto call = [&](const std::string& tool, json args, json meta = json::object()) {
    auto r = client.request("tools/call", {{"name", tool}, {"arguments", args}, {"_meta", meta}});
    EXPECT_TRUE(r.ok());
  };
  for (int i = 0; i < 3; ++i) call("echo_v1", {{"message", "hi"}});
  call("fail_v1", json::object());
  call("search_tickets_v2", {{"query", "x"}}, {{"dev.mcp-harness/run-id", "run-7"}});

  harness::HttpConnection metrics(*harness::parse_http_url(base + "/metrics"), transcript, std::chrono::seconds(5));
  harness::HttpRequestSpec get;
  get.method = "GET";
  get.with_session = false;
  harness::HttpReply reply = metrics.exchange(get);
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("mcp_tool_calls_total{tool=\"echo_v1\",outcome=\"ok\"} 3"), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.find("mcp_tool_calls_total{tool=\"fail_v1\",outcome=\"tool_error\"} 1"), std::string::npos);
  EXPECT_NE(reply.body.find("mcp_tool_call_duration_seconds_count{tool=\"echo_v1\"} 3"), std::string::npos);
  EXPECT_NE(reply.body.find("mcp_tool_cost_units_total{tool=\"search_tickets_v2\"} 5"), std::string::npos);

  // Each step of the HTTP request chain counts its own refusals where it decides.
  harness::HttpRequestSpec foreign;
  foreign.body = R"({"jsonrpc":"2.0","id":99,"method":"ping"})";
  foreign.headers["Origin"] = "http://evil.example";
  foreign.with_session = false;
  harness::HttpConnection endpoint(*harness::parse_http_url(base + "/mcp"), transcript, std::chrono::seconds(5));
  EXPECT_EQ(endpoint.exchange(foreign).status, 403);
  harness::HttpRequestSpec no_session;
  no_session.body = foreign.body;
  no_session.with_session = false;
  EXPECT_EQ(endpoint.exchange(no_session).status, 400);
  std::string counters = metrics.exchange(get).body;
  EXPECT_NE(counters.find("mcp_http_guard_refused_total{header=\"origin\"} 1\n"), std::string::npos) << counters;
  EXPECT_NE(counters.find("mcp_http_session_refused_total{reason=\"missing_id\"} 1\n"), std::string::npos) << counters;
  EXPECT_NE(counters.find("mcp_http_sessions_total{event=\"opened\"} 1\n"), std::string::npos) << counters;
  EXPECT_NE(counters.find("mcp_versioning_calls_total{action=\"refused_retired\"} 0\n"), std::string::npos) << counters;

  auto cost = client.request("resources/read", {{"uri", "mcp-ref://stats/cost"}});
  ASSERT_TRUE(cost.ok());
  json totals = json::parse((*cost)["result"]["contents"][0]["text"].get<std::string>());
  EXPECT_EQ(totals["by_tool"]["echo_v1"], 3);
  EXPECT_EQ(totals["by_run"]["run-7"], 5);
  std::string session = *dynamic_cast<harness::HttpConnection&>(client.connection()).session_id();
  EXPECT_EQ(totals["by_session"][session], 3 + 1 + 5);
  EXPECT_EQ(totals["by_principal"][session], 3 + 1 + 5) << "without authentication the session is the principal";
}

}  // namespace
}  // namespace mcp::testing
