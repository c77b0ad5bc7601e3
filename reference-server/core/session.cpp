#include "reference-server/core/session.h"

#include <algorithm>

namespace mcp::server {

namespace {
std::string id_key(const nlohmann::json& id) { return id.dump(); }
}  // namespace

bool Session::begin(const std::string& version, const nlohmann::json& client_capabilities,
                    const nlohmann::json& client_info) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (initialized_) return false;
  initialized_ = true;
  protocol_version_ = version;
  client_capabilities_ = client_capabilities;
  client_info_ = client_info;
  return true;
}

void Session::set_principal(std::string principal) {
  std::lock_guard<std::mutex> lock(mutex_);
  principal_ = std::move(principal);
}

void Session::set_owner(std::string owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  owner_ = std::move(owner);
}

std::string Session::owner() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return owner_ ? *owner_ : principal_;
}

std::string Session::principal() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!principal_.empty()) return principal_;
  return id_.empty() ? "anonymous" : id_;
}

bool Session::authenticated() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !principal_.empty();
}

bool Session::initialized() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return initialized_;
}

std::string Session::protocol_version() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return protocol_version_;
}

nlohmann::json Session::client_capabilities() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return client_capabilities_;
}

void Session::mark_client_ready() {
  std::lock_guard<std::mutex> lock(mutex_);
  client_ready_ = true;
}

void Session::set_log_level(int severity) {
  std::lock_guard<std::mutex> lock(mutex_);
  log_level_ = severity;
}

std::optional<int> Session::log_level() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return log_level_;
}

CancelFlag Session::track_request(const nlohmann::json& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  while (!cancelled_early_.empty() && now - cancelled_early_.front().second > std::chrono::seconds(1)) {
    cancelled_early_.pop_front();
  }
  auto early = std::find_if(cancelled_early_.begin(), cancelled_early_.end(),
                            [key = id_key(id)](const auto& entry) { return entry.first == key; });
  auto flag = std::make_shared<std::atomic<bool>>(ended_ || early != cancelled_early_.end());
  if (early != cancelled_early_.end()) cancelled_early_.erase(early);
  in_flight_[id_key(id)] = flag;
  return flag;
}

void Session::finish_request(const nlohmann::json& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  in_flight_.erase(id_key(id));
}

void Session::cancel_request(const nlohmann::json& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Unknown or finished ids are ignored, as the cancellation utility requires; one
  // whose request a worker has not started yet is remembered for a while.
  if (auto it = in_flight_.find(id_key(id)); it != in_flight_.end()) {
    it->second->store(true);
    return;
  }
  cancelled_early_.emplace_back(id_key(id), std::chrono::steady_clock::now());
  if (cancelled_early_.size() > 64) cancelled_early_.pop_front();
}

void Session::cancel_all() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [key, flag] : in_flight_) flag->store(true);
    ended_ = true;
  }
  client_requests_.close();
}

void Session::set_input_responses(nlohmann::json answers) {
  std::lock_guard<std::mutex> lock(mutex_);
  input_responses_ = std::move(answers);
}

bool Session::input_by_retry() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return input_responses_.has_value();
}

nlohmann::json Session::input_responses() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return input_responses_.value_or(nlohmann::json::object());
}

void Session::subscribe(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mutex_);
  subscriptions_.insert(uri);
}

void Session::unsubscribe(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mutex_);
  subscriptions_.erase(uri);
}

bool Session::subscribed(const std::string& uri) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return subscriptions_.count(uri) > 0;
}

}  // namespace mcp::server
