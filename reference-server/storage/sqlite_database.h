// SQLite backend: one connection guarded by a mutex (correct for threads in one
// process; other processes sharing the file are serialised by SQLite's own locking
// with a busy timeout), WAL for files, numbered migrations in PRAGMA user_version.
#pragma once

#include <sqlite3.h>

#include <mutex>

#include "reference-server/storage/database.h"

namespace mcp::server {

class SqliteDatabase final : public Database {
 public:
  static StatusOr<std::unique_ptr<Database>> open(const std::string& path);
  ~SqliteDatabase() override;

  Status transaction(const std::function<Status(SqlConnection&)>& work) override;
  Status read(const std::function<Status(SqlConnection&)>& work) override;
  int schema_version() override;
  const char* system() const override { return "sqlite"; }

 private:
  class Connection;
  explicit SqliteDatabase(sqlite3* db);
  Status migrate();

  sqlite3* db_;
  std::unique_ptr<Connection> connection_;
  std::mutex mutex_;
};

}  // namespace mcp::server
