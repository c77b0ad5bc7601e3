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

Status run_guarded(const std::function<Status(SqlConnection&)>& work, SqlConnection& conn, const char* doing) {
  try {
    return work(conn);
  } catch (const std::exception& e) {
    return internal_error(std::string(doing) + " failed: " + e.what());
  }
}

Status apply_migrations(SqlConnection& conn, int applied, const std::vector<const char*>& all,
                        const std::function<std::string(std::size_t)>& record_version) {
  if (applied > static_cast<int>(all.size())) {
    return failed_precondition("database schema version " + std::to_string(applied) + " is newer than this server knows (" +
                               std::to_string(all.size()) + ")");
  }
  for (std::size_t i = static_cast<std::size_t>(applied); i < all.size(); ++i) {
    RETURN_IF_ERROR(conn.exec(all[i]).with_context("migration " + std::to_string(i + 1)));
  }
  return conn.exec(record_version(all.size()));
}

Status statement_error(const Statement& s, const std::string& doing) {
  return internal_error(std::string(s.system()) + ", " + doing + ": " + s.error());
}

}  // namespace mcp::server
