// Limits shared through a real redis-server: two reference-server replicas spend
// one agent run's budget together, exactly, even when hammered concurrently.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

#include "harness/client/http_connection.h"
#include "harness/client/mcp_client.h"
#include "harness/launch/launcher.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;

class RedisReplicas : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_port_ = free_port();
    auto redis = harness::ServerLauncher::start("redis-server --port " + std::to_string(redis_port_) +
                                                    " --bind 127.0.0.1 --save '' --appendonly no",
                                                "127.0.0.1", redis_port_, std::chrono::seconds(10));
    ASSERT_TRUE(redis.ok()) << "redis-server is needed (ci/install-deps.sh installs it): " << redis.status().to_string();
    redis_ = std::move(redis).value();
    config_ = temp_path("limits.json");
    std::ofstream(config_) << json{{"limits", {{"budget", {{"units", 30}}},
                                               {"rate", {{"per_second", 1000}, {"burst", 1000}}},
                                               {"key_prefix", "test-" + std::to_string(redis_port_)}}}}
                                  .dump();
    for (int i = 0; i < 2; ++i) {
      ports_[i] = free_port();
      auto replica = harness::ServerLauncher::start(bin_dir() + "/mcp-reference-server --http --port " + std::to_string(ports_[i]) +
                                                        " --config " + config_ + " --redis 127.0.0.1:" + std::to_string(redis_port_),
                                                    "127.0.0.1", ports_[i], std::chrono::seconds(10));
      ASSERT_TRUE(replica.ok()) << replica.status().to_string();
      replicas_[i] = std::move(replica).value();
    }
  }
  void TearDown() override {
    for (auto& r : replicas_) r.reset();
    redis_.reset();
    std::remove(config_.c_str());
  }

  std::unique_ptr<harness::McpClient> client(int replica) {
    auto url = harness::parse_http_url("http://127.0.0.1:" + std::to_string(ports_[replica]) + "/mcp");
    auto c = std::make_unique<harness::McpClient>(std::make_unique<harness::HttpConnection>(*url, transcript_, std::chrono::seconds(10)),
                                                  nullptr, std::chrono::seconds(10));
    EXPECT_TRUE(c->handshake("2025-11-25").ok());
    return c;
  }

  // Returns "ok", "budget_exhausted", "rate_limited" or the unexpected response.
  std::string call_in_run(harness::McpClient& c, const std::string& run) {
    auto response = c.request("tools/call", {{"name", "echo_v1"}, {"arguments", {{"message", "hi"}}},
                                             {"_meta", {{"dev.mcp-harness/run-id", run}}}});
    if (!response.ok()) return response.status().to_string();
    const json& result = (*response)["result"];
    if (!result.value("isError", false)) return "ok";
    return result["structuredContent"].value("code", result.dump());
  }

  int redis_port_ = 0;
  int ports_[2] = {0, 0};
  std::string config_;
  std::unique_ptr<harness::ServerLauncher> redis_;
  std::unique_ptr<harness::ServerLauncher> replicas_[2];
  harness::Transcript transcript_;
};

TEST_F(RedisReplicas, OneRunsBudgetIsSharedAcrossReplicas) {
  auto a = client(0), b = client(1);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(call_in_run(*a, "run-shared"), "ok") << i;
  int accepted_on_b = 0;
  std::string refusal;
  for (int i = 0; i < 20 && refusal.empty(); ++i) {
    std::string outcome = call_in_run(*b, "run-shared");
    if (outcome == "ok") ++accepted_on_b;
    else refusal = outcome;
  }
  EXPECT_EQ(accepted_on_b, 10) << "replica B sees what replica A spent";
  EXPECT_EQ(refusal, "budget_exhausted");
  EXPECT_EQ(call_in_run(*b, "another-run"), "ok") << "other runs are untouched";
}

// The declared executions resource counts the deployment's runs: behind a balancer a
// harness reads it from whichever replica answers (limits.refusal.no-side-effects).
TEST_F(RedisReplicas, ExecutionsAreCountedAcrossReplicas) {
  auto a = client(0), b = client(1);
  auto executions = [](harness::McpClient& c) {
    auto read = c.request("resources/read", {{"uri", "mcp-ref://stats/tool-executions"}});
    EXPECT_TRUE(read.ok()) << read.status().to_string();
    json counts = read.ok() ? json::parse((*read)["result"]["contents"][0].value("text", "{}")) : json::object();
    return counts.value("echo_v1", 0LL);
  };
  long long before = executions(*b);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call_in_run(*a, "run-counted"), "ok");
  for (int i = 0; i < 2; ++i) ASSERT_EQ(call_in_run(*b, "run-counted"), "ok");
  EXPECT_EQ(executions(*b) - before, 5) << "replica B counts what replica A ran";
  EXPECT_EQ(executions(*a) - before, 5);
  for (int i = 0; i < 30; ++i) (void)call_in_run(*a, "run-counted");  // past the budget of 30: refusals run nothing
  EXPECT_EQ(executions(*b) - before, 30);
}

// Each replica keeps a pool of Redis connections (default 4), bounded at 64.
TEST_F(RedisReplicas, EachReplicaHoldsItsPoolOfConnectionsAndThePoolIsBounded) {
  ProgramRun clients = run_program({"redis-cli", "-p", std::to_string(redis_port_), "CLIENT", "LIST"}, std::chrono::seconds(10));
  ASSERT_EQ(clients.exit_code, 0) << clients.err;
  long lines = std::count(clients.out.begin(), clients.out.end(), '\n');
  EXPECT_EQ(lines, 2 * 4 + 1) << "two replicas of 4 connections, and redis-cli: " << clients.out;
  std::string config = temp_path("too-many.json");
  std::ofstream(config) << R"({"limits": {"redis_connections": 65}})";
  ProgramRun refused = run_program({bin_dir() + "/mcp-reference-server", "--http", "--port", std::to_string(free_port()), "--config",
                                    config, "--redis", "127.0.0.1:" + std::to_string(redis_port_)},
                                   std::chrono::seconds(10));
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("limits.redis_connections must be 1..64"), std::string::npos) << refused.err;
  std::remove(config.c_str());
}

TEST_F(RedisReplicas, ConcurrentSpendingNeverExceedsTheBudget) {
  constexpr int kClientsPerReplica = 3;
  std::atomic<int> accepted{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2 * kClientsPerReplica; ++i) {
    threads.emplace_back([&, i] {
      auto c = client(i % 2);
      for (int call = 0; call < 15; ++call) {
        std::string outcome = call_in_run(*c, "run-concurrent");
        if (outcome == "ok") ++accepted;
        else if (outcome == "budget_exhausted") ++refused;
        else ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 30) << "exactly the budget, across both replicas";
  EXPECT_EQ(refused.load(), 6 * 15 - 30);
  EXPECT_EQ(other.load(), 0);
}

TEST(RedisBackend, ReferenceServerPassesTheLimitsChecksWithRedis) {
  int redis_port = free_port(), port = free_port();
  auto redis = harness::ServerLauncher::start("redis-server --port " + std::to_string(redis_port) +
                                                  " --bind 127.0.0.1 --save '' --appendonly no",
                                              "127.0.0.1", redis_port, std::chrono::seconds(10));
  ASSERT_TRUE(redis.ok()) << redis.status().to_string();
  ProgramRun run = run_program({bin_dir() + "/mcp-harness", "run", "--quiet", "--suite", "limits.*", "--url",
                                "http://127.0.0.1:" + std::to_string(port) + "/mcp", "--launch",
                                bin_dir() + "/mcp-reference-server --http --port " + std::to_string(port) +
                                    " --redis 127.0.0.1:" + std::to_string(redis_port)});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find(" 0 failed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("11 passed"), std::string::npos) << run.out;
}

TEST(RedisBackend, AnUnreachableRedisStopsTheServerAtStartup) {
  ProgramRun run = run_program({bin_dir() + "/mcp-reference-server", "--http", "--port", "0", "--redis",
                                "127.0.0.1:" + std::to_string(free_port())},
                               std::chrono::seconds(20));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("cannot connect to redis"), std::string::npos) << run.err;
}

// GET /readyz follows what the server depends on: Redis down, the replica is not
// ready (and says which dependency, not where); Redis back, it is ready again.
// GET /healthz stays 200 throughout: the process itself is fine.
TEST_F(RedisReplicas, ReadinessFollowsTheLimitStoreAndLivenessDoesNot) {
  auto probe = [&](const std::string& path) {
    auto url = harness::parse_http_url("http://127.0.0.1:" + std::to_string(ports_[0]) + path);
    harness::HttpConnection connection(*url, transcript_, std::chrono::seconds(5));
    harness::HttpRequestSpec get;
    get.method = "GET";
    return connection.exchange(get);
  };
  EXPECT_EQ(probe("/readyz").status, 200);
  EXPECT_EQ(probe("/healthz").status, 200);
  redis_.reset();  // stops redis-server
  harness::HttpReply not_ready = probe("/readyz");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(not_ready.body.find("limit store"), std::string::npos) << not_ready.body;
  EXPECT_EQ(not_ready.body.find(std::to_string(redis_port_)), std::string::npos) << "the store's address is not shown";
  EXPECT_EQ(probe("/healthz").status, 200);
  auto redis = harness::ServerLauncher::start("redis-server --port " + std::to_string(redis_port_) +
                                                  " --bind 127.0.0.1 --save '' --appendonly no",
                                              "127.0.0.1", redis_port_, std::chrono::seconds(10));
  ASSERT_TRUE(redis.ok()) << redis.status().to_string();
  redis_ = std::move(redis).value();
  EXPECT_EQ(probe("/readyz").status, 200) << "the store reconnects on the next probe";
}

}  // namespace
}  // namespace mcp::testing
