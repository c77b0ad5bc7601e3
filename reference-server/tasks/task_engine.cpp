#include "reference-server/tasks/task_engine.h"

#include "mcp/trace_context.h"

namespace mcp::server {

using json = nlohmann::json;

TaskEngine::TaskEngine(std::shared_ptr<TaskStore> store, TaskExecutor execute, TaskOptions options)
    : store_(std::move(store)), execute_(std::move(execute)), options_(options), pool_(std::max<std::size_t>(options.workers, 1)) {
  options_.lease_ms = std::max(options_.lease_ms, 60LL);
  lease_thread_ = std::thread([this] { keep_leases(); });
}

TaskEngine::~TaskEngine() {
  std::vector<std::string> interrupted;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& [id, flag] : running_) {
      flag->store(true);
      interrupted.push_back(id);
    }
  }
  stop_leases_.notify_all();
  lease_thread_.join();
  pool_.discard_queued();
  pool_.drain();
  // A clean stop hands its tasks over now rather than when their leases run out.
  (void)store_->renew(interrupted, 0);
}

StatusOr<TaskRecord> TaskEngine::create(TaskRecord seed) {
  long long now = unix_ms_now();
  // Expired tasks go now and then, not on every call: the purge is a table scan.
  if (creations_++ % 64 == 0) (void)store_->purge_expired(now);
  ASSIGN_OR_RETURN(std::size_t unfinished, store_->count_unfinished(seed.principal));
  if (unfinished >= options_.max_unfinished_per_principal) {
    return resource_exhausted(std::to_string(unfinished) + " tasks of this caller are still unfinished, the most the server keeps; "
                              "wait for one to finish or cancel one");
  }
  // "Servers MUST generate them with sufficient entropy that a third party cannot
  // enumerate or guess them": 128 bits from the OS's CSPRNG.
  seed.id = random_hex_id(16);
  seed.status = TaskStatus::kWorking;
  seed.created_ms = seed.updated_ms = now;
  seed.ttl_ms = seed.ttl_ms > 0 ? std::min(seed.ttl_ms, options_.ttl_ms) : options_.ttl_ms;
  seed.poll_interval_ms = options_.poll_interval_ms;
  RETURN_IF_ERROR(store_->create(seed));
  schedule(seed.id);
  return seed;
}

std::size_t TaskEngine::resume() {
  auto unleased = store_->unleased(unix_ms_now(), 10000);
  if (!unleased.ok()) return 0;
  std::size_t scheduled = 0;
  for (const std::string& id : *unleased) scheduled += schedule(id);
  return scheduled;
}

void TaskEngine::keep_leases() {
  const auto renew_every = std::chrono::milliseconds(options_.lease_ms / 3);
  const auto sweep_every = std::chrono::milliseconds(options_.lease_ms / 6);
  auto next_renewal = std::chrono::steady_clock::now() + renew_every;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_leases_.wait_for(lock, sweep_every, [&] { return stopping_.load(); })) {
    std::vector<std::string> running;
    if (std::chrono::steady_clock::now() >= next_renewal) {
      for (const auto& entry : running_) running.push_back(entry.first);
      next_renewal = std::chrono::steady_clock::now() + renew_every;
    }
    lock.unlock();
    if (!running.empty()) (void)store_->renew(running, unix_ms_now() + options_.lease_ms);
    resume();
    lock.lock();
  }
}

bool TaskEngine::visible(const TaskRecord& task, const std::string& principal, long long now_ms) const {
  return task.principal == principal && now_ms < task.expires_ms();
}

StatusOr<std::optional<TaskRecord>> TaskEngine::get(const std::string& principal, const std::string& id) {
  ASSIGN_OR_RETURN(std::optional<TaskRecord> task, store_->find(id));
  if (!task || !visible(*task, principal, unix_ms_now())) return std::optional<TaskRecord>();
  return task;
}

StatusOr<std::vector<TaskRecord>> TaskEngine::list(const std::string& principal, std::size_t offset, std::size_t limit) {
  ASSIGN_OR_RETURN(std::vector<TaskRecord> tasks, store_->of_principal(principal, offset, limit));
  long long now = unix_ms_now();
  std::erase_if(tasks, [&](const TaskRecord& t) { return !visible(t, principal, now); });
  return tasks;
}

StatusOr<bool> TaskEngine::update(const std::string& principal, const std::string& id, const json& responses) {
  long long now = unix_ms_now();
  bool seen = false, resumed = false;
  ASSIGN_OR_RETURN(std::optional<TaskRecord> task, store_->update(id, [&](TaskRecord& t) {
    if (!visible(t, principal, now)) return false;
    seen = true;
    if (t.status != TaskStatus::kInputRequired || !responses.is_object()) return false;
    bool changed = false;
    // "A server SHOULD ignore any inputResponses responses mapped to a key that is not
    // currently outstanding for the task."
    for (auto answer = responses.begin(); answer != responses.end(); ++answer) {
      if (!t.input_requests.contains(answer.key())) continue;
      t.answers[answer.key()] = answer.value();
      t.input_requests.erase(answer.key());
      changed = true;
    }
    if (!changed) return false;
    if (t.input_requests.empty()) {
      t.status = TaskStatus::kWorking;
      t.status_message.clear();
      resumed = true;
    }
    t.updated_ms = now;
    return true;
  }));
  (void)task;
  if (resumed) schedule(id);
  return seen;
}

StatusOr<bool> TaskEngine::cancel(const std::string& principal, const std::string& id) {
  long long now = unix_ms_now();
  bool seen = false;
  ASSIGN_OR_RETURN(std::optional<TaskRecord> task, store_->update(id, [&](TaskRecord& t) {
    if (!visible(t, principal, now)) return false;
    seen = true;
    if (is_terminal(t.status)) return false;  // cancelling a finished task is acknowledged, and changes nothing
    t.status = TaskStatus::kCancelled;
    t.status_message = "Cancelled at the client's request";
    t.input_requests = json::object();
    t.updated_ms = now;
    return true;
  }));
  (void)task;
  if (seen) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto running = running_.find(id); running != running_.end()) running->second->store(true);
  }
  return seen;
}

bool TaskEngine::schedule(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || !scheduled_.insert(id).second) return false;  // already queued or running here
  }
  pool_.submit([this, id] { run(id); });
  return true;
}

void TaskEngine::run(const std::string& id) {
  CancelFlag cancelled = std::make_shared<std::atomic<bool>>(false);
  long long now = unix_ms_now();
  // Only the process holding the lease runs the task: another replica may have taken it.
  auto claimed = stopping_ ? StatusOr<bool>(false) : store_->claim(id, now, now + options_.lease_ms);
  bool runs = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    runs = claimed.ok() && *claimed && !stopping_;
    if (runs) running_.emplace(id, cancelled);
    else scheduled_.erase(id);
  }
  if (!runs) {
    if (claimed.ok() && *claimed) (void)store_->renew({id}, 0);  // stopping: hand it straight back
    return;
  }
  auto found = store_->find(id);
  std::optional<TaskRecord> task = found.ok() ? std::move(found).value() : std::nullopt;
  if (task && task->status == TaskStatus::kWorking) execute_(*task, cancelled);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_.erase(id);
    scheduled_.erase(id);
  }
  // Stopping: the task stays working in the store; the destructor gives its lease up,
  // and this or another process runs it again.
  if (!task || task->status == TaskStatus::kWorking || stopping_) return;
  const TaskRecord& outcome = *task;
  (void)store_->update(id, [&](TaskRecord& stored) {
    if (stored.status != TaskStatus::kWorking) return false;  // cancelled while it ran
    stored.status = outcome.status;
    stored.status_message = outcome.status_message;
    stored.input_requests = outcome.input_requests;
    stored.result = outcome.result;
    stored.error = outcome.error;
    stored.updated_ms = unix_ms_now();
    return true;
  });
}

}  // namespace mcp::server
