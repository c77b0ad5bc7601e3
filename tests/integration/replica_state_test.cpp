// Input-required state (2026-07-28) across replicas: state one replica sealed opens on
// another when both have MCP_REQUEST_STATE_KEY, and is refused when each drew its own.
#include <gtest/gtest.h>

#include "harness/client/http_connection.h"
#include "harness/client/mcp_client.h"
#include "harness/launch/launcher.h"
#include "mcp/protocol_version.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

class ReplicaState : public ::testing::Test {
 protected:
  void start(const std::string& key) {
    for (int i = 0; i < 2; ++i) {
      ports_[i] = free_port();
      std::string env = key.empty() ? "" : "env MCP_REQUEST_STATE_KEY=" + key + " ";
      auto launched = harness::ServerLauncher::start(env + bin_dir() + "/mcp-reference-server --http --port " + std::to_string(ports_[i]),
                                                     "127.0.0.1", ports_[i], std::chrono::seconds(10));
      ASSERT_TRUE(launched.ok()) << launched.status().to_string();
      replicas_[i] = std::move(launched).value();
    }
  }
  std::unique_ptr<harness::McpClient> client(int replica) {
    auto url = harness::parse_http_url("http://127.0.0.1:" + std::to_string(ports_[replica]) + "/mcp");
    auto c = std::make_unique<harness::McpClient>(std::make_unique<harness::HttpConnection>(*url, transcript_, std::chrono::seconds(10)),
                                                  nullptr, std::chrono::seconds(10));
    EXPECT_TRUE(c->handshake("2026-07-28").ok());
    return c;
  }
  // Asks replica 0, answers through replica 1; the response to the answer.
  json ask_on_one_answer_on_other() {
    json meta = {{protocol::kMetaClientCapabilities, {{"elicitation", json::object()}}}, {"dev.mcp-harness/run-id", "state"}};
    auto a = client(0), b = client(1);
    auto asked = a->request("tools/call", {{"name", "greet_user_v1"}, {"arguments", json::object()}, {"_meta", meta}});
    EXPECT_TRUE(asked.ok());
    const json& result = (*asked)["result"];
    EXPECT_EQ(result.value("resultType", ""), "input_required") << *asked;
    if (!result.contains("inputRequests") || result["inputRequests"].empty()) return json();
    std::string key = result["inputRequests"].begin().key();
    auto answered = b->request("tools/call", {{"name", "greet_user_v1"},
                                              {"arguments", json::object()},
                                              {"_meta", meta},
                                              {"inputResponses", {{key, {{"action", "accept"}, {"content", {{"name", "Ada"}}}}}}},
                                              {"requestState", result["requestState"]}});
    EXPECT_TRUE(answered.ok());
    return answered.ok() ? *answered : json();
  }

  int ports_[2] = {0, 0};
  std::unique_ptr<harness::ServerLauncher> replicas_[2];
  harness::Transcript transcript_;
};

TEST_F(ReplicaState, StateSealedByOneReplicaOpensOnAnotherWithTheSharedKey) {
  start("a-key-every-replica-of-this-deployment-shares");
  json answered = ask_on_one_answer_on_other();
  EXPECT_EQ(answered["result"]["structuredContent"]["greeting"], "Hello, Ada!") << answered;
}

TEST_F(ReplicaState, WithoutTheSharedKeyAnotherReplicaRefusesTheState) {
  start("");
  json answered = ask_on_one_answer_on_other();
  EXPECT_EQ(answered["error"]["code"], -32602) << answered;
}

TEST(ReplicaStateKey, AShortKeyIsRefusedAtStart) {
  ProgramRun run = run_program({"env", "MCP_REQUEST_STATE_KEY=short", bin_dir() + "/mcp-reference-server", "--http", "--port",
                                std::to_string(free_port())},
                               std::chrono::seconds(10));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("MCP_REQUEST_STATE_KEY must be at least 32 characters"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace mcp::testing
