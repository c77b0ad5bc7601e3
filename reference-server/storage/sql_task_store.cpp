#include "reference-server/storage/sql_task_store.h"

#include "mcp/json_rpc.h"

namespace mcp::server {

using json = nlohmann::json;

namespace {

StatusOr<TaskRecord> decode(const std::string& text) {
  std::optional<json> stored = jsonrpc::parse_untrusted(text);
  if (!stored) return internal_error("a stored task is not valid JSON");
  return TaskRecord::from_json(*stored);
}

StatusOr<std::optional<TaskRecord>> load(SqlConnection& conn, const std::string& id) {
  Statement lookup(conn, "SELECT record FROM tasks WHERE id = ?1");
  lookup.bind(1, id);
  if (!lookup.step()) {
    if (!lookup.error().empty()) return statement_error(lookup, "reading a task");
    return std::optional<TaskRecord>();
  }
  ASSIGN_OR_RETURN(TaskRecord task, decode(lookup.text(0)));
  return std::optional<TaskRecord>(std::move(task));
}

}  // namespace

Status SqlTaskStore::create(const TaskRecord& task) {
  return db_.transaction([&](SqlConnection& conn) -> Status {
    Statement insert(conn, "INSERT INTO tasks (id, principal, status, created_ms, expires_ms, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert.bind(1, task.id).bind(2, task.principal).bind(3, std::string(task_status_name(task.status)));
    insert.bind(4, task.created_ms).bind(5, task.expires_ms()).bind(6, task.to_json().dump());
    insert.step();
    if (!insert.error().empty()) return statement_error(insert, "creating a task");
    return ok_status();
  });
}

StatusOr<std::optional<TaskRecord>> SqlTaskStore::find(const std::string& id) {
  std::optional<TaskRecord> found;
  RETURN_IF_ERROR(db_.read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(found, load(conn, id));
    return ok_status();
  }));
  return found;
}

StatusOr<std::optional<TaskRecord>> SqlTaskStore::update(const std::string& id,
                                                           const std::function<bool(TaskRecord&)>& change) {
  std::optional<TaskRecord> found;
  RETURN_IF_ERROR(db_.transaction([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(found, load(conn, id));
    if (!found || !change(*found)) return ok_status();
    Statement write(conn,
                    "UPDATE tasks SET status = ?2, record = ?3, "
                    "lease_until_ms = CASE WHEN ?2 = 'working' THEN lease_until_ms ELSE 0 END WHERE id = ?1");
    write.bind(1, id).bind(2, std::string(task_status_name(found->status))).bind(3, found->to_json().dump());
    write.step();
    if (!write.error().empty()) return statement_error(write, "updating a task");
    return ok_status();
  }));
  return found;
}

StatusOr<std::vector<std::string>> SqlTaskStore::unleased(long long now_ms, std::size_t limit) {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(db_.read([&](SqlConnection& conn) -> Status {
    Statement query(conn, "SELECT id FROM tasks WHERE status = 'working' AND lease_until_ms <= ?1 ORDER BY created_ms LIMIT ?2");
    query.bind(1, now_ms).bind(2, static_cast<long long>(limit));
    while (query.step()) ids.push_back(query.text(0));
    if (!query.error().empty()) return statement_error(query, "listing unleased tasks");
    return ok_status();
  }));
  return ids;
}

StatusOr<bool> SqlTaskStore::claim(const std::string& id, long long now_ms, long long until_ms) {
  bool claimed = false;
  RETURN_IF_ERROR(db_.transaction([&](SqlConnection& conn) -> Status {
    Statement take(conn, "UPDATE tasks SET lease_until_ms = ?3 WHERE id = ?1 AND status = 'working' AND lease_until_ms <= ?2");
    take.bind(1, id).bind(2, now_ms).bind(3, until_ms).step();
    if (!take.error().empty()) return statement_error(take, "claiming a task");
    claimed = take.changed_rows() == 1;
    return ok_status();
  }));
  return claimed;
}

Status SqlTaskStore::renew(const std::vector<std::string>& ids, long long until_ms) {
  if (ids.empty()) return ok_status();
  return db_.transaction([&](SqlConnection& conn) -> Status {
    for (const std::string& id : ids) {
      Statement extend(conn, "UPDATE tasks SET lease_until_ms = ?2 WHERE id = ?1 AND status = 'working'");
      extend.bind(1, id).bind(2, until_ms).step();
      if (!extend.error().empty()) return statement_error(extend, "renewing a task's lease");
    }
    return ok_status();
  });
}

StatusOr<std::vector<TaskRecord>> SqlTaskStore::of_principal(const std::string& principal, std::size_t offset,
                                                                std::size_t limit) {
  std::vector<TaskRecord> tasks;
  RETURN_IF_ERROR(db_.read([&](SqlConnection& conn) -> Status {
    Statement query(conn, "SELECT record FROM tasks WHERE principal = ?1 ORDER BY created_ms DESC, id LIMIT ?2 OFFSET ?3");
    query.bind(1, principal).bind(2, static_cast<long long>(limit)).bind(3, static_cast<long long>(offset));
    while (query.step()) {
      ASSIGN_OR_RETURN(TaskRecord task, decode(query.text(0)));
      tasks.push_back(std::move(task));
    }
    if (!query.error().empty()) return statement_error(query, "listing a principal's tasks");
    return ok_status();
  }));
  return tasks;
}

StatusOr<std::size_t> SqlTaskStore::count_unfinished(const std::string& principal) {
  std::size_t count = 0;
  RETURN_IF_ERROR(db_.read([&](SqlConnection& conn) -> Status {
    Statement query(conn, "SELECT COUNT(*) FROM tasks WHERE principal = ?1 AND status IN ('working', 'input_required')");
    query.bind(1, principal);
    if (query.step()) count = static_cast<std::size_t>(query.integer(0));
    if (!query.error().empty()) return statement_error(query, "counting tasks");
    return ok_status();
  }));
  return count;
}

StatusOr<std::size_t> SqlTaskStore::purge_expired(long long now_ms) {
  std::size_t purged = 0;
  RETURN_IF_ERROR(db_.transaction([&](SqlConnection& conn) -> Status {
    Statement purge(conn, "DELETE FROM tasks WHERE expires_ms < ?1");
    purge.bind(1, now_ms);
    purge.step();
    if (!purge.error().empty()) return statement_error(purge, "purging expired tasks");
    purged = static_cast<std::size_t>(purge.changed_rows());
    return ok_status();
  }));
  return purged;
}

}  // namespace mcp::server
