#include "reference-server/core/client_requests.h"

#include "reference-server/core/session.h"

namespace mcp::server {

using json = nlohmann::json;

StatusOr<json> ClientRequests::call(Outbound& out, const std::string& method, json params,
                                    std::chrono::milliseconds timeout, const CancelFlag& cancelled) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closed_) return failed_precondition("the session is closed");
  // String ids in their own namespace never collide with the client's request ids.
  json id = "server-" + std::to_string(next_id_++);
  // Only this call erases its own entry, so the iterator stays valid while the lock is released.
  auto slot = waiting_.emplace(id.dump(), std::nullopt).first;
  lock.unlock();
  out.send(jsonrpc::make_request(id, method, std::move(params)));

  lock.lock();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  // Wake now and then so that a cancelled tool call stops waiting promptly.
  while (!slot->second && !closed_ && !(cancelled && cancelled->load())) {
    if (std::chrono::steady_clock::now() >= deadline) break;
    answered_.wait_for(lock, std::chrono::milliseconds(100));
  }
  std::optional<json> response = std::move(slot->second);
  waiting_.erase(slot);
  if (!response) {
    if (closed_) return failed_precondition("the session closed before the client answered " + method);
    if (cancelled && cancelled->load()) return failed_precondition("the tool call was cancelled");
    return deadline_exceeded("the client did not answer " + method + " within " +
                             std::to_string(timeout.count()) + " ms");
  }
  if (response->contains("error")) {
    const json& error = (*response)["error"];
    std::string message = error.is_object() ? error.value("message", std::string("error")) : std::string("error");
    return failed_precondition("the client refused " + method + ": " + message);
  }
  return response->value("result", json::object());
}

bool ClientRequests::resolve(const jsonrpc::Message& response) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = waiting_.find(response.id().dump());
    if (it == waiting_.end() || it->second) return false;
    it->second = response.body;
  }
  answered_.notify_all();
  return true;
}

void ClientRequests::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  answered_.notify_all();
}

}  // namespace mcp::server
