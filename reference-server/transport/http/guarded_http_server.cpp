#include "reference-server/transport/http/guarded_http_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

namespace mcp::server {

namespace {

thread_local GuardedSocketStream* current = nullptr;
thread_local bool close_requested = false;

// A pool that starts `core` threads and adds one whenever a connection arrives with
// none idle, up to `max`: a connection holds its thread while it is open, so a fixed
// pool is a fixed number of slow clients away from serving nobody.
class ElasticThreadPool final : public httplib::TaskQueue {
 public:
  ElasticThreadPool(std::size_t core, std::size_t max) : max_(std::max(core, max)) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < core; ++i) spawn();
  }
  void enqueue(std::function<void()> job) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(std::move(job));
      if (idle_ < jobs_.size() && threads_.size() < max_) spawn();
    }
    ready_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closing_ = true;
    }
    ready_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }

 private:
  void spawn() { threads_.emplace_back([this] { work(); }); }
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ++idle_;
        ready_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) return;  // closing, and nothing left to run
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::size_t max_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool closing_ = false;
};

// Closes after a refusal the client may still be sending into (a body we did not read):
// closing with unread bytes makes the kernel send a reset, which can destroy the refusal
// before the client reads it. So the write side closes first, and what arrives is read
// and dropped for a moment (nginx's lingering close), bounded in time and bytes.
void lingering_close(int sock) {
  ::shutdown(sock, SHUT_WR);
  char sink[16384];
  std::size_t drained = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (drained < 8 * 1024 * 1024 && std::chrono::steady_clock::now() < until) {
    pollfd pfd{sock, POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    ssize_t n = ::recv(sock, sink, sizeof sink, 0);
    if (n <= 0) break;
    drained += static_cast<std::size_t>(n);
  }
  ::close(sock);
}

void refuse_connection(int sock, const std::string& why) {
  std::string body = R"({"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":")" + why + R"("}})";
  std::string response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                         "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)!::send(sock, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

std::string peer_of(int sock) {
  GuardedSocketStream probe(sock, {});
  std::string ip;
  int port = 0;
  probe.get_remote_ip_and_port(ip, port);
  return ip;
}

}  // namespace

GuardedHttpServer::GuardedHttpServer(ConnectionLimits limits) : limits_(limits) {
  limits_.stream.answer_breaches = true;
  new_task_queue = [core = limits_.core_threads, max = limits_.max_connections] {
    return new ElasticThreadPool(core, max);
  };
}

GuardedSocketStream* GuardedHttpServer::current_stream() { return current; }
void GuardedHttpServer::close_after_response() { close_requested = true; }

bool GuardedHttpServer::admit(const std::string& peer) {
  std::lock_guard<std::mutex> lock(peers_mutex_);
  std::size_t& mine = connections_per_peer_[peer];
  if (stats_.open_connections >= limits_.max_connections || mine >= limits_.max_connections_per_peer) {
    if (mine == 0) connections_per_peer_.erase(peer);
    return false;
  }
  ++mine;
  ++stats_.open_connections;
  return true;
}

void GuardedHttpServer::release(const std::string& peer) {
  std::lock_guard<std::mutex> lock(peers_mutex_);
  auto it = connections_per_peer_.find(peer);
  if (it != connections_per_peer_.end() && --it->second == 0) connections_per_peer_.erase(it);
  --stats_.open_connections;
}

bool GuardedHttpServer::process_and_close_socket(int sock) {
  std::string peer = peer_of(sock);
  bool ret = false;
  if (!admit(peer)) {
    ++stats_.refused_connections;
    refuse_connection(sock, "Too many connections; try again later");
  } else {
    GuardedSocketStream stream(sock, limits_.stream);
    current = &stream;
    bool refused_mid_request = false;
    std::size_t left = keep_alive_max_count_;
    // The keep-alive wait checks for shutdown in short steps, as httplib's own does.
    auto next_request = [&] {
      auto until = std::chrono::steady_clock::now() + limits_.keep_alive_timeout;
      while (svr_sock_ != INVALID_SOCKET && std::chrono::steady_clock::now() < until) {
        if (stream.wait_readable(std::chrono::milliseconds(100))) return true;
      }
      return false;
    };
    while (left > 0 && next_request()) {
      close_requested = false;
      bool connection_closed = false;
      ret = process_request(stream, left == 1, connection_closed, nullptr);
      if (!ret || connection_closed || close_requested || stream.breach() != StreamBreach::kNone) {
        refused_mid_request = close_requested || stream.breach() != StreamBreach::kNone;
        break;
      }
      --left;
    }
    if (stream.breach() == StreamBreach::kHeadTooLarge) ++stats_.head_too_large;
    else if (stream.breach() != StreamBreach::kNone) ++stats_.timed_out;
    stream.answer_breach();
    current = nullptr;
    if (refused_mid_request) {
      lingering_close(sock);  // still counted against the peer meanwhile
      release(peer);
      return ret;
    }
    release(peer);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace mcp::server
