// An HTTP/1.1 socket stream with the bounds cpp-httplib 0.11 lacks: its read timeout
// restarts on every byte and it counts neither header lines nor header bytes, so one
// byte every few seconds holds a thread forever and a header flood grows memory
// without end. Both the reference server (every accepted connection) and the
// harness's HTTP client (every response from a server under test) read through this.
// Include only from .cpp files: it pulls in httplib.h.
#pragma once

#include <httplib.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mcp {

struct StreamLimits {
  std::size_t max_head_bytes = 64 * 1024;  // request or status line plus headers
  // From a message's first byte: the head must be complete by head_timeout, the head
  // and body by message_timeout. idle_timeout bounds each wait for the next bytes.
  std::chrono::milliseconds head_timeout{10000};
  std::chrono::milliseconds message_timeout{30000};
  std::chrono::milliseconds idle_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  // Server side: once a limit is hit, the next write (httplib's own 400, if any) is
  // replaced by 431 or 408 with a JSON-RPC error body, and later writes are dropped.
  bool answer_breaches = false;
};

enum class StreamBreach { kNone, kHeadTooLarge, kHeadTimeout, kMessageTimeout, kIdleTimeout };
const char* breach_name(StreamBreach breach);

class GuardedSocketStream final : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;
  GuardedSocketStream(int sock, StreamLimits limits);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

  // Reads and writes go through this TLS connection (already handshaken on sock_);
  // the socket is made non-blocking so that a peer trickling a TLS record cannot hold
  // a read past the limits.
  void use_tls(SSL* ssl);

  // The first limit this stream hit; reads fail from then on.
  StreamBreach breach() const { return breach_; }
  // A message's clock starts at its first byte; on a kept-alive connection the next
  // message starts at the first read after a write (the previous response).
  void start_message() { message_started_ = false; }
  // Waits up to `timeout` for the peer to send (keep-alive); false on timeout or close.
  bool wait_readable(std::chrono::milliseconds timeout) const;
  // True when the peer has closed its side (a read would return EOF) with nothing unread.
  bool peer_closed() const;
  // Server side: sends the breach's answer now unless one was sent (a read failed
  // before httplib wrote anything).
  void answer_breach();

 private:
  ssize_t read_bounded(char* ptr, size_t size);
  // Fills buffer_ from the socket, waiting within the limits; the recv result.
  ssize_t fill();
  // One read or write without waiting: bytes moved, 0 at the peer's close, or -1 with
  // errno EAGAIN when it would block (`wants` says for what: POLLIN or POLLOUT).
  ssize_t receive_now(char* ptr, size_t size, short& wants);
  ssize_t send_now(const char* ptr, size_t size, short& wants);

  int sock_;
  // The connection's addresses, asked of the kernel once: httplib asks for every request.
  mutable std::optional<std::pair<std::string, int>> remote_, local_;
  SSL* ssl_ = nullptr;
  // httplib reads a request's and a response's head one byte at a time: a buffer keeps
  // that to one recv per packet, as httplib's own SocketStream does.
  std::vector<char> buffer_ = std::vector<char>(16 * 1024);
  std::size_t buffered_begin_ = 0, buffered_end_ = 0;
  StreamLimits limits_;
  StreamBreach breach_ = StreamBreach::kNone;
  bool message_started_ = false;
  bool in_head_ = true;
  bool wrote_since_read_ = false;
  bool breach_answered_ = false;
  std::size_t head_bytes_ = 0;
  unsigned head_end_match_ = 0;  // how much of "\r\n\r\n" the head's last bytes match
  Clock::time_point started_;
};

}  // namespace mcp
