#include "reference-server/storage/database.h"

#include "reference-server/observability/tracing.h"

namespace mcp::server {

namespace {

// Append-only: a released migration is never edited, a change is a new entry.
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
  };
  return kMigrations;
}

}  // namespace

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
    error_ = sqlite3_errmsg(db);
    stmt_ = nullptr;
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, const std::string& value) {
  if (stmt_) sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int index, long long value) {
  if (stmt_) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  if (stmt_) sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::bind_null(int index) {
  if (stmt_) sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  if (!stmt_ || done_) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  done_ = true;
  if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
  return false;
}

std::string Statement::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}
long long Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }
bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Status exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return internal_error("sqlite: " + text);
  }
  return ok_status();
}

Status statement_error(const Statement& s, const std::string& doing) {
  return internal_error("sqlite, " + doing + ": " + s.error());
}

StatusOr<std::unique_ptr<Database>> Database::open(const std::string& path) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return unavailable("cannot open database " + path + ": " + message);
  }
  std::unique_ptr<Database> database(new Database(db));
  sqlite3_busy_timeout(db, 5000);
  if (path != ":memory:") RETURN_IF_ERROR(exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  RETURN_IF_ERROR(exec(db, "PRAGMA foreign_keys=ON;"));
  RETURN_IF_ERROR(database->migrate().with_context("migrating " + path));
  return database;
}

Database::~Database() { sqlite3_close(db_); }

Status Database::transaction(const std::function<Status(sqlite3*)>& work) {
  obs::ScopedSpan span("sqlite transaction");
  span.set_attribute("db.system", "sqlite");
  std::lock_guard<std::mutex> lock(mutex_);
  RETURN_IF_ERROR(exec(db_, "BEGIN IMMEDIATE"));
  Status status;
  try {
    status = work(db_);
  } catch (const std::exception& e) {
    status = internal_error(std::string("transaction failed: ") + e.what());
  }
  if (!status.ok()) {
    (void)exec(db_, "ROLLBACK");
    return status;
  }
  Status committed = exec(db_, "COMMIT");
  if (!committed.ok()) (void)exec(db_, "ROLLBACK");
  return committed;
}

Status Database::read(const std::function<Status(sqlite3*)>& work) {
  obs::ScopedSpan span("sqlite read");
  span.set_attribute("db.system", "sqlite");
  std::lock_guard<std::mutex> lock(mutex_);
  return work(db_);
}

Status Database::ping() {
  return read([](sqlite3* db) { return exec(db, "SELECT 1"); });
}

int Database::schema_version() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(db_, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.integer(0)) : -1;
}

Status Database::migrate() {
  // user_version records how many migrations ran; BEGIN IMMEDIATE keeps two
  // processes starting together from applying the same one twice.
  return transaction([](sqlite3* db) -> Status {
    int applied = 0;
    {
      // Finalized before any migration runs: an open statement locks the schema (DROP TABLE).
      Statement current(db, "PRAGMA user_version");
      applied = current.step() ? static_cast<int>(current.integer(0)) : 0;
    }
    const auto& all = migrations();
    if (applied > static_cast<int>(all.size())) {
      return failed_precondition("database schema version " + std::to_string(applied) +
                                 " is newer than this server knows (" + std::to_string(all.size()) + ")");
    }
    for (std::size_t i = static_cast<std::size_t>(applied); i < all.size(); ++i) {
      RETURN_IF_ERROR(exec(db, all[i]).with_context("migration " + std::to_string(i + 1)));
    }
    return exec(db, "PRAGMA user_version = " + std::to_string(all.size()));
  });
}

}  // namespace mcp::server
