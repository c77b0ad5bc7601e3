// Tasks survive the process: a reference server killed mid-task (SIGKILL, no shutdown)
// and started again on the same SQLite file resumes the task, which then asks its
// question, takes the answer through tasks/update and completes.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "harness/client/http_connection.h"
#include "harness/client/mcp_client.h"
#include "harness/launch/launcher.h"
#include "mcp/protocol_version.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;
using harness::McpClient;

class TaskRestart : public ::testing::Test {
 protected:
  void SetUp() override { database_ = temp_path("tasks-restart.db"); }
  void TearDown() override {
    server_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((database_ + suffix).c_str());
  }
  void start_server() {
    port_ = free_port();
    auto launched = harness::ServerLauncher::start(
        bin_dir() + "/mcp-reference-server --http --port " + std::to_string(port_) + " --db " + database_, "127.0.0.1", port_,
        std::chrono::seconds(10));
    ASSERT_TRUE(launched.ok()) << launched.status().to_string();
    server_ = std::move(launched).value();
  }
  std::unique_ptr<McpClient> client() {
    auto url = harness::parse_http_url("http://127.0.0.1:" + std::to_string(port_) + "/mcp");
    auto c = std::make_unique<McpClient>(std::make_unique<harness::HttpConnection>(*url, transcript_, std::chrono::seconds(10)),
                                         nullptr, std::chrono::seconds(10));
    EXPECT_TRUE(c->handshake("2026-07-28").ok());
    return c;
  }
  // The same caller across both processes: the run id names the principal when there is no auth.
  static json meta() {
    return {{protocol::kMetaClientCapabilities, {{"elicitation", json::object()}, {"extensions", {{"io.modelcontextprotocol/tasks", json::object()}}}}},
            {"dev.mcp-harness/run-id", "restart-test"}};
  }
  json request(McpClient& c, const std::string& method, json params) {
    params["_meta"] = meta();
    auto response = c.request(method, std::move(params));
    EXPECT_TRUE(response.ok()) << response.status().to_string();
    return response.ok() ? *response : json();
  }
  json poll_until_not(McpClient& c, const std::string& id, const std::string& status) {
    for (int i = 0; i < 300; ++i) {
      json got = request(c, "tasks/get", {{"taskId", id}});
      if (!got.contains("result") || got["result"]["status"] != status) return got;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return json();
  }

  std::string database_;
  int port_ = 0;
  std::unique_ptr<harness::ServerLauncher> server_;
  harness::Transcript transcript_;
};

TEST_F(TaskRestart, AKilledServerResumesItsTaskOnTheSameDatabase) {
  start_server();
  std::string id;
  {
    auto c = client();
    json created = request(*c, "tools/call", {{"name", "build_report_v1"},
                                              {"arguments", {{"topic", "Q3"}, {"sections", 6}, {"section_ms", 400}}}});
    ASSERT_EQ(created["result"]["resultType"], "task") << created;
    id = created["result"]["taskId"];
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_EQ(request(*c, "tasks/get", {{"taskId", id}})["result"]["status"], "working");
  }
  ::kill(server_->process().pid(), SIGKILL);  // a crash: no shutdown code runs
  server_.reset();

  start_server();
  auto c = client();
  json asked = poll_until_not(*c, id, "working");
  ASSERT_EQ(asked["result"]["status"], "input_required") << "the resumed task reached its question: " << asked;
  const json& requests = asked["result"]["inputRequests"];
  ASSERT_EQ(requests.size(), 1u) << asked;
  std::string key = requests.begin().key();
  json ack = request(*c, "tasks/update", {{"taskId", id}, {"inputResponses", {{key, {{"action", "accept"}, {"content", {{"appendix", true}}}}}}}});
  ASSERT_TRUE(ack.contains("result")) << ack;
  json done = poll_until_not(*c, id, "working");
  ASSERT_EQ(done["result"]["status"], "completed") << done;
  EXPECT_EQ(done["result"]["result"]["structuredContent"]["appendix"], true) << done;
  EXPECT_EQ(done["result"]["result"]["structuredContent"]["sections"], 6);
}

// Replicas on one PostgreSQL database: a task whose replica is killed mid-run is taken
// over by the other once its lease runs out, and completes there.
TEST(TaskHandover, AKilledReplicasTaskIsCompletedByAnother) {
  std::string error;
  auto postgres = PostgresServer::start(error);
  ASSERT_TRUE(postgres) << error;
  std::string config = temp_path("lease.json");
  std::ofstream(config) << R"({"tasks": {"lease_ms": 1000}})";
  int ports[2];
  std::unique_ptr<harness::ServerLauncher> replicas[2];
  for (int i = 0; i < 2; ++i) {
    ports[i] = free_port();
    auto launched = harness::ServerLauncher::start(bin_dir() + "/mcp-reference-server --http --port " + std::to_string(ports[i]) +
                                                       " --config " + config + " --db " + postgres->uri(),
                                                   "127.0.0.1", ports[i], std::chrono::seconds(10));
    ASSERT_TRUE(launched.ok()) << launched.status().to_string();
    replicas[i] = std::move(launched).value();
  }
  harness::Transcript transcript;
  auto client = [&](int i) {
    auto url = harness::parse_http_url("http://127.0.0.1:" + std::to_string(ports[i]) + "/mcp");
    auto c = std::make_unique<McpClient>(std::make_unique<harness::HttpConnection>(*url, transcript, std::chrono::seconds(10)),
                                         nullptr, std::chrono::seconds(10));
    EXPECT_TRUE(c->handshake("2026-07-28").ok());
    return c;
  };
  // No elicitation declared: the report runs through without a question.
  json meta = {{protocol::kMetaClientCapabilities, {{"extensions", {{"io.modelcontextprotocol/tasks", json::object()}}}}},
               {"dev.mcp-harness/run-id", "handover-test"}};
  auto a = client(0);
  auto created = a->request("tools/call", {{"name", "build_report_v1"},
                                           {"arguments", {{"topic", "Q4"}, {"sections", 4}, {"section_ms", 300}}},
                                           {"_meta", meta}});
  ASSERT_TRUE(created.ok());
  ASSERT_EQ((*created)["result"]["resultType"], "task") << *created;
  std::string id = (*created)["result"]["taskId"];
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ::kill(replicas[0]->process().pid(), SIGKILL);
  replicas[0].reset();

  auto b = client(1);
  json last;
  for (int i = 0; i < 150; ++i) {
    auto got = b->request("tasks/get", {{"taskId", id}, {"_meta", meta}});
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    last = *got;
    if (last["result"]["status"] != "working") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(last["result"]["status"], "completed") << last;
  EXPECT_EQ(last["result"]["result"]["structuredContent"]["sections"], 4) << last;
  std::remove(config.c_str());
}

}  // namespace
}  // namespace mcp::testing
