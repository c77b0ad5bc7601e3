// Idempotent writes under real concurrency: two reference-server replicas share one
// database (a SQLite file, or a PostgreSQL server), and many clients retry the same
// write at once.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "harness/client/http_connection.h"
#include "harness/client/mcp_client.h"
#include "harness/launch/launcher.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;
using harness::McpClient;

class TwoReplicas : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string error;
    database_ = BackendDatabase::create(GetParam(), error);
    ASSERT_TRUE(database_) << error;
    for (int i = 0; i < 2; ++i) {
      ports_[i] = free_port();
      auto launched = harness::ServerLauncher::start(bin_dir() + "/mcp-reference-server --http --port " + std::to_string(ports_[i]) +
                                                         " --db " + database_->target(),
                                                     "127.0.0.1", ports_[i], std::chrono::seconds(10));
      ASSERT_TRUE(launched.ok()) << launched.status().to_string();
      replicas_[i] = std::move(launched).value();
    }
  }
  void TearDown() override {
    for (auto& r : replicas_) r.reset();  // before the database goes
  }

  std::unique_ptr<McpClient> client(int replica) {
    auto url = harness::parse_http_url("http://127.0.0.1:" + std::to_string(ports_[replica]) + "/mcp");
    auto connection = std::make_unique<harness::HttpConnection>(*url, transcript_, std::chrono::seconds(10));
    auto c = std::make_unique<McpClient>(std::move(connection), nullptr, std::chrono::seconds(10));
    EXPECT_TRUE(c->handshake("2025-11-25").ok());
    return c;
  }

  json call(McpClient& c, const std::string& tool, const json& args) {
    auto response = c.request("tools/call", {{"name", tool}, {"arguments", args}});
    EXPECT_TRUE(response.ok()) << response.status().to_string();
    return response.ok() ? (*response)["result"] : json();
  }

  std::unique_ptr<BackendDatabase> database_;
  int ports_[2] = {0, 0};
  std::unique_ptr<harness::ServerLauncher> replicas_[2];
  harness::Transcript transcript_;
};

INSTANTIATE_TEST_SUITE_P(Backends, TwoReplicas, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

json invoice_args(const std::string& key) {
  return {{"customer", "ACME"}, {"currency", "EUR"},
          {"line_items", {{{"description", "widget"}, {"quantity", 3}, {"unit_cents", 250}}}}, {"idempotency_key", key}};
}

TEST_P(TwoReplicas, ConcurrentRetriesOfOneWriteCreateOneInvoice) {
  constexpr int kClients = 8;
  std::vector<json> results(kClients);
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      auto c = client(i % 2);
      ++ready;
      while (ready < kClients) std::this_thread::yield();  // release them together
      results[i] = call(*c, "create_invoice_v2", invoice_args("retry-storm-1"));
    });
  }
  for (auto& t : threads) t.join();
  std::set<long long> ids;
  int fresh = 0;
  for (const json& r : results) {
    ASSERT_FALSE(r.value("isError", false)) << r.dump();
    ids.insert(r["structuredContent"]["invoice_id"].get<long long>());
    fresh += r["structuredContent"]["replayed"] == false;
    EXPECT_EQ(r["structuredContent"]["total_cents"], 750);
  }
  EXPECT_EQ(ids.size(), 1u) << "every retry saw the same invoice";
  EXPECT_EQ(fresh, 1) << "exactly one call wrote; the others replayed";
  auto reader = client(0);
  json listed = call(*reader, "list_invoices_v1", json::object());
  EXPECT_EQ(listed["structuredContent"]["invoices"].size(), 1u) << listed.dump();
}

TEST_P(TwoReplicas, DistinctKeysUnderConcurrencyLoseNothing) {
  constexpr int kClients = 6, kWritesEach = 5;
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      auto c = client(i % 2);
      for (int w = 0; w < kWritesEach; ++w) {
        json r = call(*c, "create_ticket_v1", {{"title", "ticket " + std::to_string(i) + "/" + std::to_string(w)},
                                               {"idempotency_key", "k-" + std::to_string(i) + "-" + std::to_string(w)}});
        EXPECT_FALSE(r.value("isError", false)) << r.dump();
      }
    });
  }
  for (auto& t : threads) t.join();
  auto reader = client(1);
  json found = call(*reader, "search_tickets_v2", {{"query", "ticket"}, {"limit", 100}});
  EXPECT_EQ(found["structuredContent"]["total"], kClients * kWritesEach);
}

TEST_P(TwoReplicas, AKeyReusedWithOtherArgumentsIsRefusedAndWritesNothing) {
  auto c = client(0);
  json first = call(*c, "create_invoice_v1", {{"customer", "A"}, {"amount_cents", 100}, {"idempotency_key", "k"}});
  ASSERT_FALSE(first.value("isError", false));
  auto other = client(1);
  json conflict = call(*other, "create_invoice_v1", {{"customer", "B"}, {"amount_cents", 100}, {"idempotency_key", "k"}});
  EXPECT_TRUE(conflict.value("isError", false));
  EXPECT_EQ(conflict["structuredContent"]["code"], "idempotency_conflict");
  json listed = call(*c, "list_invoices_v1", json::object());
  EXPECT_EQ(listed["structuredContent"]["invoices"].size(), 1u);
  EXPECT_TRUE(first["_meta"].contains("dev.mcp-harness/deprecation")) << "create_invoice_v1 is deprecated";
}

}  // namespace
}  // namespace mcp::testing
