// SQLite access for the reference server: one connection guarded by a mutex
// (correct for threads in one process; other processes sharing the file are
// serialised by SQLite's own locking with a busy timeout), WAL for files, and
// numbered migrations applied at start.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcp/status.h"

namespace mcp::server {

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  const std::string& error() const { return error_; }
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, long long value);
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  // Advances; true while a row is available. Errors end up in error().
  bool step();
  bool done() const { return done_; }
  std::string text(int column) const;
  long long integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_;
  std::string error_;
  bool done_ = false;
};

class Database {
 public:
  // path ":memory:" gives a private in-memory database.
  static StatusOr<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();

  // Runs `work` inside BEGIN IMMEDIATE .. COMMIT (ROLLBACK when it fails or throws).
  // Holds the connection for the duration, so `work` must not call transaction().
  Status transaction(const std::function<Status(sqlite3*)>& work);
  // Runs `work` with the connection locked, outside an explicit transaction (reads).
  Status read(const std::function<Status(sqlite3*)>& work);
  int schema_version();
  // Whether the database answers a query now (readiness probes).
  Status ping();

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  Status migrate();

  sqlite3* db_;
  std::mutex mutex_;
};

Status exec(sqlite3* db, const std::string& sql);
Status statement_error(const Statement& s, const std::string& doing);

}  // namespace mcp::server
