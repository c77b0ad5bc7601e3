#include "harness/client/connection.h"

#include <algorithm>

namespace mcp::harness {

namespace {
bool is_notification(const nlohmann::json& message) {
  return message.is_object() && message.contains("method") && !message.contains("id");
}
}  // namespace

void Connection::deliver(nlohmann::json message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (inbox_.size() >= kMaxQueued) {
      // A flooding server: memory stays bounded, and what gives way is a notification,
      // never a response a check is waiting for (10^6 legal notifications must not cost
      // the initialize response). Only an inbox of nothing but responses drops its oldest.
      ++overflow_;
      if (is_notification(message)) return;
      auto oldest = std::find_if(inbox_.begin(), inbox_.end(), is_notification);
      inbox_.erase(oldest != inbox_.end() ? oldest : inbox_.begin());
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
