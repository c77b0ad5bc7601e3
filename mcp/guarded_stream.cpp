#include "mcp/guarded_stream.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <climits>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace mcp {

const char* breach_name(StreamBreach breach) {
  switch (breach) {
    case StreamBreach::kNone: return "none";
    case StreamBreach::kHeadTooLarge: return "head too large";
    case StreamBreach::kHeadTimeout: return "head not complete in time";
    case StreamBreach::kMessageTimeout: return "message not complete in time";
    case StreamBreach::kIdleTimeout: return "no bytes within the idle timeout";
  }
  return "unknown";
}

namespace {

int poll_one(int sock, short events, std::chrono::milliseconds timeout) {
  pollfd pfd{sock, events, 0};
  for (;;) {
    int ready = ::poll(&pfd, 1, static_cast<int>(std::max<long long>(0, timeout.count())));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return ready;
    return pfd.revents;
  }
}

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    port = ntohs(v4->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    port = ntohs(v6->sin6_port);
  }
  ip = text;
}

}  // namespace

GuardedSocketStream::GuardedSocketStream(int sock, StreamLimits limits) : sock_(sock), limits_(limits) {}

void GuardedSocketStream::use_tls(SSL* ssl) {
  ssl_ = ssl;
  int flags = ::fcntl(sock_, F_GETFL, 0);
  if (flags >= 0) ::fcntl(sock_, F_SETFL, flags | O_NONBLOCK);
}

ssize_t GuardedSocketStream::receive_now(char* ptr, size_t size, short& wants) {
  wants = POLLIN;
  if (!ssl_) {
    ssize_t n;
    do {
      n = ::recv(sock_, ptr, size, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  ERR_clear_error();
  int n = SSL_read(ssl_, ptr, static_cast<int>(std::min<size_t>(size, INT_MAX)));
  if (n > 0) return n;
  switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_ZERO_RETURN: return 0;
    case SSL_ERROR_WANT_READ: errno = EAGAIN; return -1;
    case SSL_ERROR_WANT_WRITE: wants = POLLOUT; errno = EAGAIN; return -1;  // renegotiation
    default: errno = EIO; return -1;
  }
}

ssize_t GuardedSocketStream::send_now(const char* ptr, size_t size, short& wants) {
  wants = POLLOUT;
  if (!ssl_) {
    ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EWOULDBLOCK) errno = EAGAIN;
    return n;
  }
  ERR_clear_error();
  int n = SSL_write(ssl_, ptr, static_cast<int>(std::min<size_t>(size, INT_MAX)));
  if (n > 0) return n;
  switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_WANT_WRITE: errno = EAGAIN; return -1;
    case SSL_ERROR_WANT_READ: wants = POLLIN; errno = EAGAIN; return -1;
    default: errno = EIO; return -1;
  }
}

bool GuardedSocketStream::is_readable() const { return breach_ == StreamBreach::kNone; }

bool GuardedSocketStream::is_writable() const {
  int revents = poll_one(sock_, POLLOUT, limits_.write_timeout);
  return revents > 0 && (revents & POLLOUT) && !(revents & (POLLERR | POLLHUP));
}

bool GuardedSocketStream::wait_readable(std::chrono::milliseconds timeout) const {
  if (buffered_begin_ < buffered_end_ || (ssl_ && SSL_pending(ssl_) > 0)) return true;
  int revents = poll_one(sock_, POLLIN, timeout);
  return revents > 0 && (revents & (POLLIN | POLLHUP | POLLERR));
}

bool GuardedSocketStream::peer_closed() const {
  if (buffered_begin_ < buffered_end_) return false;  // unread bytes: not closed yet
  if (ssl_ && SSL_pending(ssl_) > 0) return false;
  char byte;
  ssize_t n = ::recv(sock_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

ssize_t GuardedSocketStream::read(char* ptr, size_t size) {
  if (breach_ != StreamBreach::kNone) return -1;
  if (wrote_since_read_) {
    // The previous message was answered: what comes next is a new message.
    wrote_since_read_ = false;
    message_started_ = false;
  }
  if (!message_started_) {
    message_started_ = true;
    in_head_ = true;
    head_bytes_ = 0;
    head_end_match_ = 0;
    started_ = Clock::now();
  }
  return read_bounded(ptr, size);
}

ssize_t GuardedSocketStream::fill() {
  auto remaining = [&](std::chrono::milliseconds budget) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(started_ + budget - Clock::now());
  };
  for (;;) {
    // Bytes already waiting need no poll (one syscall fewer per request on a busy connection).
    short wants = POLLIN;
    ssize_t n = receive_now(buffer_.data(), buffer_.size(), wants);
    if (n >= 0 || errno != EAGAIN) {
      buffered_begin_ = 0;
      buffered_end_ = n > 0 ? static_cast<std::size_t>(n) : 0;
      return n;
    }
    // Over TLS one poll may bring only part of a record: wait again, within the same limits.
    std::chrono::milliseconds wait = std::min(limits_.idle_timeout, remaining(limits_.message_timeout));
    if (in_head_) wait = std::min(wait, remaining(limits_.head_timeout));
    if (wait.count() <= 0 || poll_one(sock_, wants, wait) <= 0) {
      if (in_head_ && remaining(limits_.head_timeout).count() <= 0) breach_ = StreamBreach::kHeadTimeout;
      else if (remaining(limits_.message_timeout).count() <= 0) breach_ = StreamBreach::kMessageTimeout;
      else breach_ = StreamBreach::kIdleTimeout;
      return -1;
    }
  }
}

ssize_t GuardedSocketStream::read_bounded(char* ptr, size_t size) {
  if (buffered_begin_ == buffered_end_) {
    ssize_t received = fill();
    if (received <= 0) return received;
  }
  // Head bytes are counted as they are handed to httplib, so that the buffer may also
  // hold the start of a body without it counting as head.
  if (in_head_) size = std::min(size, limits_.max_head_bytes + 1 - head_bytes_);
  std::size_t given = std::min(size, buffered_end_ - buffered_begin_);
  std::memcpy(ptr, buffer_.data() + buffered_begin_, given);
  buffered_begin_ += given;
  ssize_t n = static_cast<ssize_t>(given);
  if (!in_head_) return n;
  // Count head bytes up to the blank line that ends the head.
  static constexpr char kEnd[] = "\r\n\r\n";
  for (ssize_t i = 0; i < n; ++i) {
    ++head_bytes_;
    head_end_match_ = ptr[i] == kEnd[head_end_match_] ? head_end_match_ + 1 : (ptr[i] == '\r' ? 1 : 0);
    if (head_end_match_ == 4) {
      // Bytes after the blank line are the body's: give them back to the buffer.
      std::size_t extra = static_cast<std::size_t>(n - i - 1);
      buffered_begin_ -= extra;
      in_head_ = false;
      return i + 1;
    }
  }
  if (head_bytes_ > limits_.max_head_bytes) {
    breach_ = StreamBreach::kHeadTooLarge;
    return -1;
  }
  return n;
}

void GuardedSocketStream::answer_breach() {
  if (breach_ == StreamBreach::kNone || breach_answered_ || !limits_.answer_breaches) return;
  breach_answered_ = true;
  bool too_large = breach_ == StreamBreach::kHeadTooLarge;
  std::string body = std::string(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":")") +
                     (too_large ? "Request header fields too large" : "Request not received in time") + " (" +
                     breach_name(breach_) + ")\"}}";
  std::string response = std::string("HTTP/1.1 ") +
                         (too_large ? "431 Request Header Fields Too Large" : "408 Request Timeout") +
                         "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body;
  limits_.answer_breaches = false;  // write() below sends these bytes as they are
  (void)write(response.data(), response.size());
}

ssize_t GuardedSocketStream::write(const char* ptr, size_t size) {
  if (breach_ != StreamBreach::kNone && limits_.answer_breaches) {
    answer_breach();
    return static_cast<ssize_t>(size);  // httplib's own answer to the failed read is dropped
  }
  // An interim 100 Continue belongs to the request still being read.
  if (std::string_view(ptr, std::min<size_t>(size, 12)) != "HTTP/1.1 100") wrote_since_read_ = true;
  std::size_t sent = 0;
  while (sent < size) {
    short wants = POLLOUT;
    ssize_t n = send_now(ptr + sent, size - sent, wants);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || errno != EAGAIN) return sent > 0 ? static_cast<ssize_t>(sent) : -1;
    int revents = poll_one(sock_, wants, limits_.write_timeout);
    if (revents <= 0 || (revents & (POLLERR | POLLHUP))) return sent > 0 ? static_cast<ssize_t>(sent) : -1;
  }
  return static_cast<ssize_t>(sent);
}

namespace {
// `cache`, filled by asking the kernel (getpeername or getsockname) the first time.
void cached_address(std::optional<std::pair<std::string, int>>& cache, int sock, int (*query)(int, sockaddr*, socklen_t*),
                    std::string& ip, int& port) {
  if (!cache) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (query(sock, reinterpret_cast<sockaddr*>(&address), &length) != 0) return;
    cache.emplace();
    address_of(address, cache->first, cache->second);
  }
  ip = cache->first;
  port = cache->second;
}
}  // namespace

void GuardedSocketStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  cached_address(remote_, sock_, ::getpeername, ip, port);
}

void GuardedSocketStream::get_local_ip_and_port(std::string& ip, int& port) const {
  cached_address(local_, sock_, ::getsockname, ip, port);
}

}  // namespace mcp
