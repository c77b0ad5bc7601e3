// TaskStore on the server's SQLite database (migration 3). Writes run in BEGIN
// IMMEDIATE transactions, so a create has reached the file when it returns and every
// update reads and writes one task atomically, across threads and processes.
#pragma once

#include "reference-server/storage/database.h"
#include "reference-server/tasks/task.h"

namespace mcp::server {

class SqliteTaskStore final : public TaskStore {
 public:
  explicit SqliteTaskStore(Database& db) : db_(db) {}

  Status create(const TaskRecord& task) override;
  StatusOr<std::optional<TaskRecord>> find(const std::string& id) override;
  StatusOr<std::optional<TaskRecord>> update(const std::string& id,
                                             const std::function<bool(TaskRecord&)>& change) override;
  StatusOr<std::vector<std::string>> with_status(TaskStatus status, std::size_t limit) override;
  StatusOr<std::vector<TaskRecord>> of_principal(const std::string& principal, std::size_t offset,
                                                 std::size_t limit) override;
  StatusOr<std::size_t> count_unfinished(const std::string& principal) override;
  StatusOr<std::size_t> purge_expired(long long now_ms) override;

 private:
  Database& db_;
};

}  // namespace mcp::server
