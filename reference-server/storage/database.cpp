#include "reference-server/storage/database.h"

#include "reference-server/storage/postgres_database.h"
#include "reference-server/storage/sqlite_database.h"

namespace mcp::server {

StatusOr<std::unique_ptr<Database>> Database::open(const std::string& target) {
  if (is_postgresql_target(target)) return PostgresDatabase::open(target);
  return SqliteDatabase::open(target);
}

Status Database::ping() {
  return read([](SqlConnection& conn) { return conn.exec("SELECT 1"); });
}

Status statement_error(const Statement& s, const std::string& doing) {
  return internal_error(std::string(s.system()) + ", " + doing + ": " + s.error());
}

}  // namespace mcp::server
