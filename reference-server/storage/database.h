// The reference server's storage: one interface, two backends. SQLite (a file or
// :memory:) is the embedded default for one machine; PostgreSQL (postgresql://...)
// lets replicas on several machines share the domain, idempotency records and tasks.
// Domain code writes one SQL text with ?N placeholders and runs it on either.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mcp/status.h"

namespace mcp::server {

// One backend's prepared statement; used through Statement.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_text(int index, const std::string& value) = 0;
  virtual void bind_integer(int index, long long value) = 0;
  virtual void bind_real(int index, double value) = 0;
  virtual void bind_null(int index) = 0;
  virtual bool step() = 0;  // true while a row is available
  virtual std::string text(int column) const = 0;
  virtual long long integer(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual bool is_null(int column) const = 0;
  virtual long long changed_rows() const = 0;
  virtual const std::string& error() const = 0;
};

// A connection held for one transaction or read. Not shared between threads.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // `sql` uses ?1, ?2 ... placeholders; a backend translates them once and caches
  // the prepared form. Failures to prepare show in the statement's error().
  virtual std::unique_ptr<StatementImpl> prepare(const std::string& sql) = 0;
  virtual Status exec(const std::string& sql) = 0;
  virtual const char* system() const = 0;  // "sqlite", "postgresql"
};

class Statement {
 public:
  Statement(SqlConnection& conn, const std::string& sql) : impl_(conn.prepare(sql)), system_(conn.system()) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return impl_->error().empty(); }
  const std::string& error() const { return impl_->error(); }
  const char* system() const { return system_; }
  Statement& bind(int index, const std::string& value) { impl_->bind_text(index, value); return *this; }
  Statement& bind(int index, long long value) { impl_->bind_integer(index, value); return *this; }
  Statement& bind(int index, double value) { impl_->bind_real(index, value); return *this; }
  Statement& bind_null(int index) { impl_->bind_null(index); return *this; }
  // Runs the statement on the first call; advances; true while a row is available.
  // Errors end up in error().
  bool step() { return impl_->step(); }
  std::string text(int column) const { return impl_->text(column); }
  long long integer(int column) const { return impl_->integer(column); }
  double real(int column) const { return impl_->real(column); }
  bool is_null(int column) const { return impl_->is_null(column); }
  // Rows an INSERT, UPDATE or DELETE changed, once it has run.
  long long changed_rows() const { return impl_->changed_rows(); }

 private:
  std::unique_ptr<StatementImpl> impl_;
  const char* system_;
};

class Database {
 public:
  // `target` is a SQLite file path, ":memory:" (a private in-memory database), or a
  // postgresql:// (or postgres://) connection URI. Applies pending migrations.
  static StatusOr<std::unique_ptr<Database>> open(const std::string& target);
  virtual ~Database() = default;

  // Runs `work` in one transaction with the guarantees of SQLite's BEGIN IMMEDIATE:
  // no other transaction's writes interleave with it (PostgreSQL: SERIALIZABLE,
  // rerun from the start when the server reports a conflict, so `work` must only
  // touch the database and its own variables). Commits when `work` succeeds,
  // rolls back when it fails or throws. `work` must not call transaction().
  virtual Status transaction(const std::function<Status(SqlConnection&)>& work) = 0;
  // Runs `work` outside an explicit transaction (reads).
  virtual Status read(const std::function<Status(SqlConnection&)>& work) = 0;
  // How many migrations the database has had.
  virtual int schema_version() = 0;
  // Whether the database answers a query now (readiness probes).
  Status ping();
  virtual const char* system() const = 0;
};

// For backends: runs `work`, turning an exception into an error ("<doing> failed: ..."),
// so that a handler's bug never unwinds past a transaction's ROLLBACK.
Status run_guarded(const std::function<Status(SqlConnection&)>& work, SqlConnection& conn, const char* doing);
// For backends: applies migrations [applied, all.size()) in order, and records the
// new count with `record_version` (SQL text, given the count). A database newer than
// this server is refused.
Status apply_migrations(SqlConnection& conn, int applied, const std::vector<const char*>& all,
                        const std::function<std::string(std::size_t)>& record_version);
Status statement_error(const Statement& s, const std::string& doing);
// Whether `target` names a PostgreSQL database rather than a SQLite file.
bool is_postgresql_target(const std::string& target);

}  // namespace mcp::server
