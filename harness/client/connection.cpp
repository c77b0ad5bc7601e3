#include "harness/client/connection.h"

#include <algorithm>

namespace mcp::harness {

bool is_notification(const nlohmann::json& message) {
  return message.is_object() && message.contains("method") && !message.contains("id");
}

bool push_bounded(std::deque<nlohmann::json>& queue, nlohmann::json message, std::size_t max) {
  if (queue.size() < max) {
    queue.push_back(std::move(message));
    return true;
  }
  if (is_notification(message)) return false;
  auto oldest = std::find_if(queue.begin(), queue.end(), is_notification);
  queue.erase(oldest != queue.end() ? oldest : queue.begin());
  queue.push_back(std::move(message));
  return false;
}

void Connection::deliver(nlohmann::json message) {
  {
    // A flooding server: memory stays bounded, and 10^6 legal notifications must not
    // cost the initialize response.
    std::lock_guard<std::mutex> lock(mutex_);
    if (!push_bounded(inbox_, std::move(message), kMaxQueued)) ++overflow_;
  }
  arrived_.notify_all();
}

void Connection::mark_closed(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    closed_ = true;
    closed_reason_ = why;
  }
  arrived_.notify_all();
}

StatusOr<nlohmann::json> Connection::receive(Deadline deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  arrived_.wait_until(lock, deadline, [this] { return !inbox_.empty() || closed_; });
  if (!inbox_.empty()) {
    nlohmann::json message = std::move(inbox_.front());
    inbox_.pop_front();
    return message;
  }
  if (closed_) return unavailable("connection closed: " + closed_reason_);
  return deadline_exceeded("no message from the server before the deadline");
}

}  // namespace mcp::harness
