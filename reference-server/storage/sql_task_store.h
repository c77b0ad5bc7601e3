// TaskStore on the server's database, SQLite or PostgreSQL (the tasks table). Writes
// run in Database::transaction, so a create is durable when it returns and every
// update reads and writes one task atomically, across threads, processes and replicas.
#pragma once

#include "reference-server/storage/database.h"
#include "reference-server/tasks/task.h"

namespace mcp::server {

class SqlTaskStore final : public TaskStore {
 public:
  explicit SqlTaskStore(Database& db) : db_(db) {}

  Status create(const TaskRecord& task) override;
  StatusOr<std::optional<TaskRecord>> find(const std::string& id) override;
  StatusOr<std::optional<TaskRecord>> update(const std::string& id,
                                             const std::function<bool(TaskRecord&)>& change) override;
  StatusOr<std::vector<std::string>> unleased(long long now_ms, std::size_t limit) override;
  StatusOr<bool> claim(const std::string& id, long long now_ms, long long until_ms) override;
  Status renew(const std::vector<std::string>& ids, long long until_ms) override;
  StatusOr<std::vector<TaskRecord>> of_principal(const std::string& principal, std::size_t offset,
                                                 std::size_t limit) override;
  StatusOr<std::size_t> count_unfinished(const std::string& principal) override;
  StatusOr<std::size_t> purge_expired(long long now_ms) override;

 private:
  Database& db_;
};

}  // namespace mcp::server
