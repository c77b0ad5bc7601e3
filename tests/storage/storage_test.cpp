// The storage layer on both backends, one suite: SQLite files and a real PostgreSQL
// server (tests/support/postgres_server). Two Database handles on one target stand
// for two replicas: what one writes the other sees, and concurrent retries of one
// idempotent write write once.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "reference-server/storage/database.h"
#include "reference-server/storage/idempotency.h"
#include "reference-server/storage/postgres_database.h"
#include "reference-server/storage/sql_task_store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

using json = nlohmann::json;
using server::Database;
using server::SqlConnection;
using server::Statement;

class Storage : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string error;
    database_ = BackendDatabase::create(GetParam(), error);
    ASSERT_TRUE(database_) << error;
  }
  std::unique_ptr<Database> open() {
    auto opened = Database::open(database_->target());
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }
  static long long count(Database& db, const std::string& table) {
    long long n = -1;
    EXPECT_TRUE(db.read([&](SqlConnection& conn) -> Status {
                    Statement s(conn, "SELECT COUNT(*) FROM " + table);
                    if (s.step()) n = s.integer(0);
                    return s.ok() ? ok_status() : server::statement_error(s, "counting");
                  }).ok());
    return n;
  }

  std::unique_ptr<BackendDatabase> database_;
};

INSTANTIATE_TEST_SUITE_P(Backends, Storage, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(Storage, ReplicasStartingTogetherMigrateOnce) {
  std::vector<std::unique_ptr<Database>> handles(4);
  std::vector<std::thread> starting;
  for (auto& handle : handles) starting.emplace_back([&] { handle = open(); });
  for (auto& t : starting) t.join();
  for (auto& handle : handles) ASSERT_TRUE(handle);
  int version = handles[0]->schema_version();
  EXPECT_GT(version, 0);
  for (auto& handle : handles) EXPECT_EQ(handle->schema_version(), version);
  handles.clear();
  auto again = open();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->schema_version(), version) << "reopening applies nothing";
  EXPECT_EQ(count(*again, "invoices"), 0);
}

TEST_P(Storage, StatementsRoundTripTextWideIntegersAndNull) {
  auto db = open();
  ASSERT_TRUE(db);
  const std::string customer = "Zoë & \"Søn\" 'Ltd' ✓";
  const long long total = 987654321012LL;  // past 32 bits
  long long id = 0;
  ASSERT_TRUE(db->transaction([&](SqlConnection& conn) -> Status {
                  Statement insert(conn, "INSERT INTO invoices (owner, customer, total_cents) VALUES (?1, ?2, ?3) RETURNING id");
                  if (!insert.bind(1, std::string("alice")).bind(2, customer).bind(3, total).step()) {
                    return server::statement_error(insert, "inserting");
                  }
                  id = insert.integer(0);
                  return ok_status();
                }).ok());
  EXPECT_GT(id, 0);
  ASSERT_TRUE(db->read([&](SqlConnection& conn) -> Status {
                  Statement select(conn, "SELECT customer, total_cents, currency, NULL, created_at FROM invoices WHERE id = ?1");
                  EXPECT_TRUE(select.bind(1, id).step()) << select.error();
                  EXPECT_EQ(select.text(0), customer);
                  EXPECT_EQ(select.integer(1), total);
                  EXPECT_EQ(select.text(2), "USD") << "the column default";
                  EXPECT_TRUE(select.is_null(3));
                  EXPECT_EQ(select.text(4).size(), 20u) << "created_at is YYYY-MM-DDTHH:MM:SSZ: " << select.text(4);
                  EXPECT_FALSE(select.step());
                  return ok_status();
                }).ok());
  ASSERT_TRUE(db->transaction([&](SqlConnection& conn) -> Status {
                  Statement update(conn, "UPDATE invoices SET currency = ?2 WHERE owner = ?1");
                  update.bind(1, std::string("alice")).bind(2, std::string("EUR")).step();
                  EXPECT_EQ(update.changed_rows(), 1);
                  return update.ok() ? ok_status() : server::statement_error(update, "updating");
                }).ok());
}

TEST_P(Storage, AFailedTransactionLeavesNothingBehindAndSaysWhy) {
  auto db = open();
  ASSERT_TRUE(db);
  Status failed = db->transaction([&](SqlConnection& conn) -> Status {
    Statement insert(conn, "INSERT INTO tickets (title) VALUES (?1)");
    insert.bind(1, std::string("first")).step();
    Statement broken(conn, "INSERT INTO no_such_table VALUES (?1)");
    broken.bind(1, std::string("x")).step();
    return server::statement_error(broken, "writing");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find(GetParam()), std::string::npos) << "names the backend: " << failed.message();
  EXPECT_NE(failed.message().find("no_such_table"), std::string::npos) << failed.message();
  EXPECT_EQ(count(*db, "tickets"), 0);
  Status thrown = db->transaction([&](SqlConnection& conn) -> Status {
    Statement insert(conn, "INSERT INTO tickets (title) VALUES (?1)");
    insert.bind(1, std::string("second")).step();
    throw std::runtime_error("a handler bug");
  });
  EXPECT_NE(thrown.message().find("a handler bug"), std::string::npos) << thrown.message();
  EXPECT_EQ(count(*db, "tickets"), 0);
}

// What the domain's idempotent writes do, from two handles and many threads at once.
TEST_P(Storage, ConcurrentRetriesOfOneWriteOnTwoReplicasWriteOnce) {
  auto first = open(), second = open();
  ASSERT_TRUE(first && second);
  const json request = {{"customer", "ACME"}, {"amount_cents", 5}};
  std::atomic<int> fresh{0}, replayed{0}, failed{0};
  std::mutex ids_mutex;
  std::set<long long> ids;
  std::vector<std::thread> callers;
  for (int i = 0; i < 12; ++i) {
    callers.emplace_back([&, i] {
      Database& db = i % 2 ? *first : *second;
      auto outcome = server::run_idempotent(db, "alice", "create_invoice_v1", "key-1", request, [&](SqlConnection& conn) -> StatusOr<json> {
        Statement insert(conn, "INSERT INTO invoices (owner, customer, total_cents) VALUES ('alice', 'ACME', 5) RETURNING id");
        if (!insert.step()) return server::statement_error(insert, "inserting");
        return json{{"invoice_id", insert.integer(0)}};
      });
      if (!outcome.ok()) {
        ++failed;
        ADD_FAILURE() << outcome.status().to_string();
        return;
      }
      (outcome->replayed ? replayed : fresh)++;
      std::lock_guard<std::mutex> lock(ids_mutex);
      ids.insert((*outcome).result["invoice_id"].get<long long>());
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(fresh, 1) << "one call wrote";
  EXPECT_EQ(replayed, 11) << "every other call replayed it";
  EXPECT_EQ(ids.size(), 1u) << "every caller got the same invoice";
  EXPECT_EQ(count(*first, "invoices"), 1);
  EXPECT_EQ(count(*second, "idempotency_records"), 1);

  auto conflict = server::run_idempotent(*second, "alice", "create_invoice_v1", "key-1", {{"customer", "Other"}},
                                         [](SqlConnection&) -> StatusOr<json> { return json::object(); });
  EXPECT_EQ(conflict.status().code(), StatusCode::kFailedPrecondition) << "the key with other arguments is refused";
  auto other_principal = server::run_idempotent(*second, "bob", "create_invoice_v1", "key-1", request,
                                                [](SqlConnection&) -> StatusOr<json> { return json{{"invoice_id", 0}}; });
  ASSERT_TRUE(other_principal.ok());
  EXPECT_FALSE(other_principal->replayed) << "keys are per principal";
}

server::TaskRecord task(const std::string& id, const std::string& principal, long long created_ms) {
  server::TaskRecord t;
  t.id = id;
  t.principal = principal;
  t.tool = "slow_compute";
  t.created_ms = t.updated_ms = created_ms;
  t.ttl_ms = 60000;
  t.answers = {{"n", 0}};
  return t;
}

// Read-modify-write from two handles and many threads: no update is lost.
TEST_P(Storage, ConcurrentUpdatesOfOneTaskLoseNone) {
  auto first = open(), second = open();
  ASSERT_TRUE(first && second);
  server::SqlTaskStore a(*first), b(*second);
  ASSERT_TRUE(a.create(task("t1", "alice", server::unix_ms_now())).ok());
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&, i] {
      server::SqlTaskStore& store = i % 2 ? a : b;
      for (int k = 0; k < 10; ++k) {
        auto updated = store.update("t1", [](server::TaskRecord& t) {
          t.answers["n"] = t.answers["n"].get<int>() + 1;
          return true;
        });
        EXPECT_TRUE(updated.ok()) << updated.status().to_string();
      }
    });
  }
  for (auto& t : writers) t.join();
  auto found = b.find("t1");
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((**found).answers["n"], 80);
}

TEST_P(Storage, ATaskLeaseIsHeldByOneReplicaUntilItRunsOutOrIsGivenUp) {
  auto first = open(), second = open();
  ASSERT_TRUE(first && second);
  server::SqlTaskStore a(*first), b(*second);
  const long long now = server::unix_ms_now();
  ASSERT_TRUE(a.create(task("t1", "alice", now)).ok());
  EXPECT_EQ(*b.unleased(now, 10), std::vector<std::string>{"t1"}) << "a new task is nobody's";
  EXPECT_TRUE(*a.claim("t1", now, now + 1000));
  EXPECT_FALSE(*b.claim("t1", now + 10, now + 1010)) << "held by the first";
  EXPECT_TRUE(b.unleased(now + 10, 10)->empty());
  ASSERT_TRUE(a.renew({"t1"}, now + 5000).ok());
  EXPECT_FALSE(*b.claim("t1", now + 2000, now + 3000)) << "renewed past this time";
  EXPECT_TRUE(*b.claim("t1", now + 5000, now + 6000)) << "the lease ran out: the second takes over";
  ASSERT_TRUE(b.renew({"t1"}, 0).ok());
  EXPECT_EQ(b.unleased(now + 5001, 10)->size(), 1u) << "given up";

  // A task leaving working gives its lease up; only working tasks can be claimed.
  ASSERT_TRUE(*a.claim("t1", now + 5001, now + 9000));
  ASSERT_TRUE(a.update("t1", [](server::TaskRecord& t) {
                 t.status = server::TaskStatus::kInputRequired;
                 return true;
               }).ok());
  EXPECT_FALSE(*b.claim("t1", now + 5002, now + 9000)) << "not working";
  ASSERT_TRUE(b.update("t1", [](server::TaskRecord& t) {
                 t.status = server::TaskStatus::kWorking;
                 return true;
               }).ok());
  EXPECT_TRUE(*b.claim("t1", now + 5003, now + 9000)) << "working again, and nobody's";
}

TEST_P(Storage, TasksAreFoundListedCountedAndPurged) {
  auto db = open();
  ASSERT_TRUE(db);
  server::SqlTaskStore store(*db);
  const long long now = server::unix_ms_now();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.create(task("a" + std::to_string(i), "alice", now + i)).ok());
  server::TaskRecord short_lived = task("b0", "bob", now);
  short_lived.ttl_ms = 10;
  ASSERT_TRUE(store.create(short_lived).ok());
  EXPECT_FALSE(store.create(task("a0", "alice", now)).ok()) << "ids are unique";

  auto page = store.of_principal("alice", 1, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, "a1") << "newest first, from the offset";
  EXPECT_EQ(*store.count_unfinished("alice"), 3u);
  ASSERT_TRUE(store.update("a2", [](server::TaskRecord& t) {
                 t.status = server::TaskStatus::kCompleted;
                 t.result = {{"content", json::array()}};
                 return true;
               }).ok());
  EXPECT_EQ(*store.count_unfinished("alice"), 2u);
  EXPECT_EQ((**store.find("a2")).status, server::TaskStatus::kCompleted);
  EXPECT_FALSE(*store.find("nope"));
  EXPECT_EQ(*store.purge_expired(now + 100), 1u) << "bob's ran out";
  EXPECT_FALSE(*store.find("b0"));
}

// PostgreSQL only: the pool's bound, a server restart, a server that is not there.
class Postgres : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    postgres_ = PostgresServer::start(error);
    ASSERT_TRUE(postgres_) << error;
  }
  std::unique_ptr<PostgresServer> postgres_;
};

TEST_F(Postgres, ThePoolIsBoundedAndAWaitingCallerIsToldWhy) {
  auto opened = server::PostgresDatabase::open(postgres_->uri(), {.pool_size = 1, .acquire_timeout = std::chrono::milliseconds(200)});
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  Database& db = **opened;
  std::atomic<bool> holding{false};
  std::thread holder([&] {
    (void)db.read([&](SqlConnection&) {
      holding = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(800));
      return ok_status();
    });
  });
  while (!holding) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Status waited = db.ping();
  EXPECT_EQ(waited.code(), StatusCode::kUnavailable);
  EXPECT_NE(waited.message().find("pool of 1"), std::string::npos) << waited.message();
  holder.join();
  EXPECT_TRUE(db.ping().ok()) << "free again";
  EXPECT_EQ(postgres_->psql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'mcp' AND backend_type = 'client backend'"),
            "2\n")
      << "the pool's one connection, and psql's";
}

TEST_F(Postgres, PreparedStatementsPerConnectionAreBounded) {
  auto opened = server::PostgresDatabase::open(postgres_->uri(), {.pool_size = 1});
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  long long prepared = -1;
  Status status = (*opened)->read([&](SqlConnection& conn) -> Status {
    for (int i = 0; i < 300; ++i) {  // 300 distinct texts, as generated SQL would be
      Statement s(conn, "SELECT " + std::to_string(i) + " + ?1");
      if (!s.bind(1, 1LL).step()) return server::statement_error(s, "statement " + std::to_string(i));
      EXPECT_EQ(s.integer(0), i + 1);
    }
    Statement count(conn, "SELECT count(*) FROM pg_prepared_statements");
    if (count.step()) prepared = count.integer(0);
    return ok_status();
  });
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_GT(prepared, 0);
  EXPECT_LE(prepared, 256) << "the connection started again past its bound";
}

TEST_F(Postgres, AServerRestartIsSurvivedByReconnecting) {
  auto opened = Database::open(postgres_->uri());
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  Database& db = **opened;
  ASSERT_TRUE(db.ping().ok());
  ASSERT_TRUE(postgres_->stop());
  EXPECT_EQ(db.ping().code(), StatusCode::kUnavailable) << "down is an error, not a hang";
  ASSERT_TRUE(postgres_->restart());
  Status written = db.transaction([](SqlConnection& conn) { return conn.exec("INSERT INTO tickets (title) VALUES ('after')"); });
  EXPECT_TRUE(written.ok()) << written.to_string();
  EXPECT_EQ(postgres_->psql("SELECT title FROM tickets"), "after\n");
}

TEST_F(Postgres, AnUnreachableServerIsAClearErrorWithoutThePassword) {
  auto opened = Database::open("postgresql://mcp:s3cret-pw@127.0.0.1:" + std::to_string(free_port()) + "/postgres?connect_timeout=2");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(opened.status().message().find("cannot connect to PostgreSQL"), std::string::npos) << opened.status().message();
  EXPECT_EQ(opened.status().message().find("s3cret-pw"), std::string::npos) << opened.status().message();
}

}  // namespace
}  // namespace mcp::testing
