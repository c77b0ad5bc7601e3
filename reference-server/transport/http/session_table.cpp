#include "reference-server/transport/http/session_table.h"

#include <chrono>

#include "mcp/json_rpc.h"

namespace mcp::server::http {

using json = nlohmann::json;

namespace {

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

void ChannelOutbound::send(const json& message) {
  {
    std::lock_guard<std::mutex> lock(s_.channel.mutex);
    if (!s_.channel.stream_open || s_.channel.queue.size() > 1000) return;
    s_.channel.queue.push_back(message);
  }
  s_.channel.ready.notify_one();
}

std::shared_ptr<HttpSession> SessionTable::open(Exchange& x) {
  std::lock_guard<std::mutex> lock(mutex_);
  expire_idle();
  if (sessions_.size() >= options_.max_sessions) {
    ++refused_full_;
    reply_error(x.res, 503, jsonrpc::kInternalError, "Too many sessions; try again later");
    return nullptr;
  }
  std::size_t owned = 0;
  for (const auto& [id, other] : sessions_) owned += other->client == x.client;
  if (owned >= options_.max_sessions_per_principal) {
    ++refused_client_cap_;
    reply_error(x.res, 503, jsonrpc::kInternalError,
                std::string("Too many sessions for this ") + (x.principal.subject.empty() ? "client" : "principal") +
                    " (" + std::to_string(owned) + "); end some with DELETE or let idle ones expire");
    return nullptr;
  }
  auto session = std::make_shared<HttpSession>(new_session_id());
  session->last_used = now_seconds();
  session->principal = x.principal.subject;
  session->client = x.client;
  if (!x.principal.subject.empty()) session->session.set_principal(x.principal.subject);
  return session;
}

void SessionTable::add(const std::shared_ptr<HttpSession>& session) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_[session->session.id()] = session;
  ++opened_;
}

std::shared_ptr<HttpSession> SessionTable::find(Exchange& x) {
  const HttpPolicy& policy = options_.policy;
  std::string id = header_value(x.req, "Mcp-Session-Id");
  if (id.empty()) {
    if (!policy.requires_session) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!anonymous_) anonymous_ = std::make_shared<HttpSession>("");
      return anonymous_;
    }
    ++missing_id_;
    reply_error(x.res, 400, jsonrpc::kInvalidRequest, "Bad Request: Mcp-Session-Id header is required");
    return nullptr;
  }
  std::shared_ptr<HttpSession> session;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = sessions_.find(id); it != sessions_.end()) {
      session = it->second;
      session->last_used = now_seconds();
    }
  }
  if (!session) {
    ++unknown_;
    reply_error(x.res, 404, jsonrpc::kInvalidRequest, "Session not found: initialize a new session");
    return nullptr;
  }
  if (policy.binds_sessions_to_principal && session->principal != x.principal.subject) {
    // A session id is not a credential: another principal holding it gets nothing.
    ++other_principal_;
    auth::audit(x.principal.subject, x.req.method, "", false, "session belongs to another principal", "");
    reply_error(x.res, 403, jsonrpc::kInvalidRequest, "Forbidden: this session belongs to another principal");
    return nullptr;
  }
  return session;
}

void SessionTable::end(const std::string& id) {
  if (!options_.policy.ends_sessions_on_delete) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  it->second->session.cancel_all();
  close_channel(*it->second);
  sessions_.erase(it);
  ++ended_;
}

void SessionTable::close_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, session] : sessions_) {
    session->session.cancel_all();
    close_channel(*session);
  }
}

void SessionTable::expire_idle() {
  long long cutoff = now_seconds() - options_.session_idle_timeout.count();
  long long unused_cutoff = now_seconds() - options_.unused_session_timeout.count();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second->last_used < (it->second->used ? cutoff : unused_cutoff)) {
      close_channel(*it->second);
      it = sessions_.erase(it);
      ++expired_;
    } else {
      ++it;
    }
  }
}

std::string SessionTable::new_session_id() {
  static const char kHex[] = "0123456789abcdef";
  std::string id = options_.policy.session_id_prefix;
  std::lock_guard<std::mutex> lock(entropy_mutex_);
  for (int i = 0; i < 8; ++i) {
    unsigned value = entropy_();
    for (int nibble = 0; nibble < 4; ++nibble) id += kHex[(value >> (nibble * 4)) & 15];
  }
  return id;
}

void SessionTable::close_channel(HttpSession& s) {
  {
    std::lock_guard<std::mutex> lock(s.channel.mutex);
    s.channel.closed = true;
  }
  s.channel.ready.notify_all();
}

void SessionTable::register_stats(MetricsRegistry& registry) const {
  const char* lifecycle = "HTTP sessions (2025-03-26 .. 2025-11-25) by what happened to them.";
  registry.add_counter("mcp_http_sessions_total", lifecycle, "event=\"opened\"", opened_);
  registry.add_counter("mcp_http_sessions_total", lifecycle, "event=\"expired\"", expired_);
  registry.add_counter("mcp_http_sessions_total", lifecycle, "event=\"ended_by_client\"", ended_);
  const char* refused = "HTTP requests the session step refused, by reason.";
  registry.add_counter("mcp_http_session_refused_total", refused, "reason=\"table_full\"", refused_full_);
  registry.add_counter("mcp_http_session_refused_total", refused, "reason=\"client_cap\"", refused_client_cap_);
  registry.add_counter("mcp_http_session_refused_total", refused, "reason=\"missing_id\"", missing_id_);
  registry.add_counter("mcp_http_session_refused_total", refused, "reason=\"unknown_id\"", unknown_);
  registry.add_counter("mcp_http_session_refused_total", refused, "reason=\"other_principal\"", other_principal_);
}

}  // namespace mcp::server::http
