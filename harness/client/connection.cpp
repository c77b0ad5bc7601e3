#include "harness/client/connection.h"

namespace mcp::harness {

void Connection::deliver(nlohmann::json message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (inbox_.size() >= kMaxQueued) {
      ++overflow_;  // a flooding server: keep the harness's memory bounded
      return;
    }
    inbox_.push_back(std::move(message));
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
