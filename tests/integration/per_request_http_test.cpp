// The reference server's 2026-07-28 Streamable HTTP over real sockets: closing a
// response stream cancels its request, and abandoned subscriptions give back their
// threads, so clients that hang up cannot starve the server.
#include <gtest/gtest.h>

#include <thread>

#include "harness/client/http_connection.h"
#include "harness/client/mcp_client.h"
#include "harness/launch/launcher.h"
#include "mcp/json_rpc.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

class PerRequestHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = free_port();
    auto started = harness::ServerLauncher::start(bin_dir() + "/mcp-reference-server --http --port " + std::to_string(port_),
                                                  "127.0.0.1", port_, std::chrono::seconds(10));
    ASSERT_TRUE(started.ok()) << started.status().to_string();
    server_ = std::move(started).value();
    client_ = std::make_unique<harness::McpClient>(connect("/mcp"), nullptr, std::chrono::seconds(5));
    ASSERT_TRUE(client_->handshake("2026-07-28").ok());
  }
  std::unique_ptr<harness::HttpConnection> connect(const std::string& path) {
    return std::make_unique<harness::HttpConnection>(*harness::parse_http_url("http://127.0.0.1:" + std::to_string(port_) + path),
                                                     transcript_, std::chrono::seconds(5));
  }
  // POSTs `method` as a 2026-07-28 client would and stops reading after `events` SSE events.
  harness::HttpReply post_and_hang_up(const std::string& method, json params, std::size_t events) {
    params["_meta"].update(client_->request_meta());
    json message = jsonrpc::make_request(client_->next_id(), method, params);
    harness::HttpRequestSpec spec;
    spec.body = jsonrpc::serialize(message);
    spec.headers = harness::request_metadata_headers(message);
    spec.headers["MCP-Protocol-Version"] = "2026-07-28";
    spec.max_events = events;
    spec.timeout = std::chrono::seconds(3);
    return connect("/mcp")->exchange(spec);
  }
  std::string metrics() {
    harness::HttpRequestSpec get;
    get.method = "GET";
    return connect("/metrics")->exchange(get).body;
  }

  int port_ = 0;
  std::unique_ptr<harness::ServerLauncher> server_;
  harness::Transcript transcript_;
  std::unique_ptr<harness::McpClient> client_;
};

TEST_F(PerRequestHttp, ClosingTheResponseStreamCancelsTheToolCall) {
  // 40 steps of 100 ms: four seconds unless the server notices the hang-up.
  harness::HttpReply reply = post_and_hang_up(
      "tools/call", {{"name", "slow_operation_v1"}, {"arguments", {{"steps", 40}, {"step_ms", 100}}}, {"_meta", {{"progressToken", "p"}}}}, 1);
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(reply.events.size(), 1u) << reply.body;
  const std::string cancelled = "mcp_tool_calls_total{tool=\"slow_operation_v1\",outcome=\"cancelled\"} 1";
  std::string seen;
  for (int i = 0; i < 30 && seen.find(cancelled) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = metrics();
  }
  EXPECT_NE(seen.find(cancelled), std::string::npos) << "the call ran on after its stream closed:\n" << seen;
}

TEST_F(PerRequestHttp, AbandonedSubscriptionsGiveBackTheirThreads) {
  // More subscriptions than the server has threads (32), each closed after its acknowledgement.
  for (int i = 0; i < 40; ++i) {
    harness::HttpReply reply = post_and_hang_up("subscriptions/listen", {{"notifications", json::object()}}, 1);
    ASSERT_EQ(reply.status, 200) << "subscription " << i << ": " << reply.error.to_string();
    ASSERT_EQ(reply.events.size(), 1u) << "subscription " << i << " was not acknowledged";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto listed = client_->request("tools/list", json::object());
  ASSERT_TRUE(listed.ok()) << listed.status().to_string();
  EXPECT_TRUE(listed->contains("result"));
}

}  // namespace
}  // namespace mcp::testing
