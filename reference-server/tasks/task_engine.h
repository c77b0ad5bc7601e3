// Runs tasks: creates them durably, runs their handlers on worker threads, feeds them
// input (tasks/update), cancels them, and resumes the ones a crash or a stop
// interrupted. A running task's lease in the store, renewed while it runs, says which
// process runs it; when a process dies its leases run out and any process sharing the
// store (a restart, or another replica) takes the task over and runs it again. The
// handler itself is run by the server core (TaskExecutor), which knows tools; this
// class knows only records, threads and the store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <set>
#include <thread>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "reference-server/core/session.h"
#include "reference-server/tasks/task.h"
#include "reference-server/transport/worker_pool.h"

namespace mcp::server {

struct TaskOptions {
  long long ttl_ms = 60 * 60 * 1000;  // a task (and its result) is kept an hour from creation
  long long poll_interval_ms = 500;   // what clients are asked to wait between polls
  std::size_t workers = 8;            // tasks running at once; more wait their turn
  std::size_t max_unfinished_per_principal = 100;  // working or input_required, per caller
  // How long a task stays with a process that stops renewing it (a crash) before
  // another takes it over. Renewed every third of it; checked for every sixth of it.
  long long lease_ms = 5000;
};

// Runs a task's handler once from the start with the answers it has, and records what
// came of it in `task`: completed with a result, failed with an error, input_required
// with its questions, or cancelled. `cancelled` flips when the client cancels.
using TaskExecutor = std::function<void(TaskRecord& task, const CancelFlag& cancelled)>;

class TaskEngine {
 public:
  TaskEngine(std::shared_ptr<TaskStore> store, TaskExecutor execute, TaskOptions options);
  // Stops the workers: a running handler sees cancellation, and its task stays
  // working in the store, so the next start resumes it.
  ~TaskEngine();
  TaskEngine(const TaskEngine&) = delete;
  TaskEngine& operator=(const TaskEngine&) = delete;

  // Gives `seed` (principal, tool, arguments, revision, capabilities, answers; a ttl_ms
  // the client asked for, capped at the configured one) an unguessable id and its times, stores it, and only then schedules it: the caller may
  // answer with CreateTaskResult as soon as this returns. ResourceExhausted when the
  // principal already has max_unfinished_per_principal tasks.
  StatusOr<TaskRecord> create(TaskRecord seed);
  // Schedules every working task whose lease ran out (a crashed or stopped process
  // left it); how many. Also done every lease_ms / 6 in the background.
  std::size_t resume();

  // Each of these answers nullopt/false for a task this principal cannot see: unknown,
  // expired, or another principal's (which is not revealed to exist).
  StatusOr<std::optional<TaskRecord>> get(const std::string& principal, const std::string& id);
  // The principal's tasks, newest first (2025-11-25 tasks/list).
  StatusOr<std::vector<TaskRecord>> list(const std::string& principal, std::size_t offset, std::size_t limit);
  // Records answers to outstanding inputRequests (others are ignored) and, once none is
  // outstanding, runs the task again.
  StatusOr<bool> update(const std::string& principal, const std::string& id, const nlohmann::json& responses);
  // Marks a non-terminal task cancelled and tells its running handler; terminal tasks are left as they are.
  StatusOr<bool> cancel(const std::string& principal, const std::string& id);

 private:
  bool schedule(const std::string& id);  // false when it is already queued or running here
  void run(const std::string& id);
  void keep_leases();  // the lease thread: renews running tasks' leases, resumes unleased ones
  bool visible(const TaskRecord& task, const std::string& principal, long long now_ms) const;

  std::shared_ptr<TaskStore> store_;
  TaskExecutor execute_;
  TaskOptions options_;
  std::mutex mutex_;
  std::map<std::string, CancelFlag> running_;
  std::set<std::string> scheduled_;  // queued or running here: a task is queued once
  std::atomic<bool> stopping_{false};
  std::condition_variable stop_leases_;
  std::thread lease_thread_;
  std::atomic<unsigned> creations_{0};
  WorkerPool pool_;  // last: destroyed first, while the members its jobs use still exist
};

}  // namespace mcp::server
