// Helpers for tests that run the real binaries as processes.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace mcp::testing {

std::string bin_dir();     // where the built programs are
std::string source_dir();  // the repository root

struct ProgramRun {
  int exit_code = -1;  // -1 when killed or timed out
  bool timed_out = false;
  std::string out;
  std::string err;
  double seconds = 0;
  long max_rss_kib = 0;  // the largest resident size seen, sampled every 50 ms
};

// Runs argv to completion (killing it at the deadline) and captures both streams.
ProgramRun run_program(const std::vector<std::string>& argv,
                       std::chrono::milliseconds timeout = std::chrono::seconds(120));

// A loopback TCP port that was free a moment ago.
int free_port();

std::string read_file(const std::string& path);
std::string temp_path(const std::string& name);

// Resident memory of a process in KiB (VmRSS), or -1 when it cannot be read.
long rss_kib(int pid);

// A raw TCP connection to 127.0.0.1:port, for hostile-client tests: bytes as they are,
// at the pace the test chooses. `from` binds another loopback source address first
// (127.0.0.2, say), so that a test can be two different peers on one machine.
class RawSocket {
 public:
  static std::unique_ptr<RawSocket> connect(int port, const std::string& from = "");
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  // False once the peer has closed or reset the connection.
  bool send(const std::string& bytes);
  // What arrives until the peer closes, `max` bytes arrived, or `timeout` passed.
  std::string receive(std::chrono::milliseconds timeout, std::size_t max = 1 << 20);
  // One HTTP response: its head, and a body of the Content-Length it names (or what
  // arrives until the peer closes), within `timeout`.
  std::string receive_response(std::chrono::milliseconds timeout);
  // True when the peer closed the connection within `timeout` (nothing more to read).
  bool closed_by_peer(std::chrono::milliseconds timeout);

 private:
  explicit RawSocket(int fd) : fd_(fd) {}
  int fd_;
  bool eof_ = false;  // the peer closed (or reset) the connection
};

// The first line of an HTTP response ("HTTP/1.1 408 Request Timeout"), or "".
std::string status_line(const std::string& response);

}  // namespace mcp::testing
