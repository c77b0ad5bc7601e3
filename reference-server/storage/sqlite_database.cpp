#include "reference-server/storage/sqlite_database.h"

#include <chrono>
#include <thread>
#include <vector>

#include "reference-server/observability/tracing.h"

namespace mcp::server {

namespace {

// Append-only: a released migration is never edited, a change is a new entry.
// storage/postgres_database.cpp keeps the same schema for PostgreSQL.
const std::vector<const char*>& migrations() {
  static const std::vector<const char*> kMigrations = {
      // 1: invoices with line items, tickets, idempotency records.
      R"sql(
        CREATE TABLE invoices (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          customer TEXT NOT NULL,
          currency TEXT NOT NULL DEFAULT 'USD',
          total_cents INTEGER NOT NULL,
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));
        CREATE TABLE invoice_lines (
          invoice_id INTEGER NOT NULL REFERENCES invoices(id),
          position INTEGER NOT NULL,
          description TEXT NOT NULL,
          quantity INTEGER NOT NULL,
          unit_cents INTEGER NOT NULL,
          PRIMARY KEY (invoice_id, position));
        CREATE TABLE tickets (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          title TEXT NOT NULL,
          body TEXT NOT NULL DEFAULT '',
          status TEXT NOT NULL DEFAULT 'open',
          priority TEXT NOT NULL DEFAULT 'normal',
          updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));
        CREATE TABLE idempotency_keys (
          tool TEXT NOT NULL,
          key TEXT NOT NULL,
          request TEXT NOT NULL,
          result TEXT NOT NULL,
          PRIMARY KEY (tool, key));
      )sql",
      // 2: data belongs to a principal: invoices have an owner, and idempotency keys are
      // per principal (another principal replaying a key must not receive this one's result).
      R"sql(
        ALTER TABLE invoices ADD COLUMN owner TEXT NOT NULL DEFAULT '';
        CREATE INDEX invoices_by_owner ON invoices (owner, id);
        CREATE TABLE idempotency_records (
          principal TEXT NOT NULL,
          tool TEXT NOT NULL,
          key TEXT NOT NULL,
          request TEXT NOT NULL,
          result TEXT NOT NULL,
          PRIMARY KEY (principal, tool, key));
        INSERT INTO idempotency_records SELECT '', tool, key, request, result FROM idempotency_keys;
        DROP TABLE idempotency_keys;
      )sql",
      // 3: tasks (reference-server/tasks): the record as JSON, with the columns queries need.
      R"sql(
        CREATE TABLE tasks (
          id TEXT PRIMARY KEY,
          principal TEXT NOT NULL,
          status TEXT NOT NULL,
          created_ms INTEGER NOT NULL,
          expires_ms INTEGER NOT NULL,
          record TEXT NOT NULL);
        CREATE INDEX tasks_by_status ON tasks (status, created_ms);
        CREATE INDEX tasks_by_principal ON tasks (principal, created_ms);
      )sql",
      // 4: a working task is run by one replica at a time, which holds its lease.
      R"sql(
        ALTER TABLE tasks ADD COLUMN lease_until_ms INTEGER NOT NULL DEFAULT 0;
      )sql",
  };
  return kMigrations;
}

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      error_ = sqlite3_errmsg(db);
      stmt_ = nullptr;
    }
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void bind_text(int index, const std::string& value) override {
    if (stmt_) sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void bind_integer(int index, long long value) override {
    if (stmt_) sqlite3_bind_int64(stmt_, index, value);
  }
  void bind_real(int index, double value) override {
    if (stmt_) sqlite3_bind_double(stmt_, index, value);
  }
  void bind_null(int index) override {
    if (stmt_) sqlite3_bind_null(stmt_, index);
  }
  bool step() override {
    if (!stmt_ || done_) return false;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    done_ = true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes(db_);
    } else {
      error_ = sqlite3_errmsg(db_);
    }
    return false;
  }
  std::string text(int column) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  long long integer(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const override { return sqlite3_column_double(stmt_, column); }
  bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  long long changed_rows() const override { return changes_; }
  const std::string& error() const override { return error_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_;
  std::string error_;
  bool done_ = false;
  long long changes_ = 0;
};

}  // namespace

class SqliteDatabase::Connection final : public SqlConnection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  std::unique_ptr<StatementImpl> prepare(const std::string& sql) override { return std::make_unique<SqliteStatement>(db_, sql); }
  Status exec(const std::string& sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      return internal_error("sqlite: " + text);
    }
    return ok_status();
  }
  const char* system() const override { return "sqlite"; }

 private:
  sqlite3* db_;
};

SqliteDatabase::SqliteDatabase(sqlite3* db) : db_(db), connection_(std::make_unique<Connection>(db)) {}

StatusOr<std::unique_ptr<Database>> SqliteDatabase::open(const std::string& path) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return unavailable("cannot open database " + path + ": " + message);
  }
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase(db));
  sqlite3_busy_timeout(db, 5000);
  // Processes opening a new file together meet SQLITE_BUSY while one of them switches
  // it to WAL or migrates, without the busy handler waiting; they try again.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    Status prepared = path == ":memory:" ? ok_status()
                                         : database->connection_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    if (prepared.ok()) prepared = database->connection_->exec("PRAGMA foreign_keys=ON;");
    if (prepared.ok()) prepared = database->migrate().with_context("migrating " + path);
    if (prepared.ok()) return std::unique_ptr<Database>(std::move(database));
    int code = sqlite3_errcode(db) & 0xff;
    if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline) return prepared;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

SqliteDatabase::~SqliteDatabase() {
  connection_.reset();
  sqlite3_close(db_);
}

Status SqliteDatabase::transaction(const std::function<Status(SqlConnection&)>& work) {
  obs::ScopedSpan span("sqlite transaction");
  span.set_attribute("db.system", "sqlite");
  std::lock_guard<std::mutex> lock(mutex_);
  SqlConnection& conn = *connection_;
  RETURN_IF_ERROR(conn.exec("BEGIN IMMEDIATE"));
  Status status = run_guarded(work, conn, "transaction");
  if (!status.ok()) {
    (void)conn.exec("ROLLBACK");
    return status;
  }
  Status committed = conn.exec("COMMIT");
  if (!committed.ok()) (void)conn.exec("ROLLBACK");
  return committed;
}

Status SqliteDatabase::read(const std::function<Status(SqlConnection&)>& work) {
  obs::ScopedSpan span("sqlite read");
  span.set_attribute("db.system", "sqlite");
  std::lock_guard<std::mutex> lock(mutex_);
  return run_guarded(work, *connection_, "read");
}

int SqliteDatabase::schema_version() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(*connection_, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.integer(0)) : -1;
}

Status SqliteDatabase::migrate() {
  // user_version records how many migrations ran; BEGIN IMMEDIATE keeps two
  // processes starting together from applying the same one twice.
  return transaction([](SqlConnection& conn) -> Status {
    int applied = 0;
    {
      // Finalized before any migration runs: an open statement locks the schema (DROP TABLE).
      Statement current(conn, "PRAGMA user_version");
      applied = current.step() ? static_cast<int>(current.integer(0)) : 0;
    }
    return apply_migrations(conn, applied, migrations(),
                            [](std::size_t n) { return "PRAGMA user_version = " + std::to_string(n); });
  });
}

}  // namespace mcp::server
