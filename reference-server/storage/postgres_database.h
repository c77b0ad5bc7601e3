// PostgreSQL backend (libpq): a bounded pool of connections, statements prepared
// once per connection, SERIALIZABLE transactions rerun on serialization failures,
// and the same schema as SQLite, migrated under an advisory lock so replicas
// starting together apply each migration once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "reference-server/storage/database.h"

namespace mcp::server {

struct PostgresOptions {
  std::size_t pool_size = 8;                         // connections this process opens at most
  std::chrono::milliseconds acquire_timeout{5000};   // waiting for a free one
  int max_attempts = 10;                             // a transaction rerun on conflicts
};

class PostgresDatabase final : public Database {
 public:
  static StatusOr<std::unique_ptr<Database>> open(const std::string& uri, PostgresOptions options = {});
  ~PostgresDatabase() override;

  Status transaction(const std::function<Status(SqlConnection&)>& work) override;
  Status read(const std::function<Status(SqlConnection&)>& work) override;
  int schema_version() override;
  const char* system() const override { return "postgresql"; }

  class Connection;

 private:
  PostgresDatabase(std::string uri, PostgresOptions options);
  StatusOr<std::unique_ptr<Connection>> acquire();
  void release(std::unique_ptr<Connection> conn);
  // One attempt: `begin` .. COMMIT on a pooled connection. `retryable` says whether
  // a failure was a conflict the server asks to retry.
  Status attempt(const char* begin, const std::function<Status(SqlConnection&)>& work, bool& retryable);
  Status migrate();

  std::string uri_;
  PostgresOptions options_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace mcp::server
