#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <optional>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/launch/subprocess.h"

namespace mcp::testing {

std::string bin_dir() { return MCP_TEST_BIN_DIR; }
std::string source_dir() { return MCP_TEST_SOURCE_DIR; }

ProgramRun run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  ProgramRun run;
  harness::SpawnOptions options;
  options.argv = argv;
  options.pipe_stdin = false;
  options.stderr_capture_bytes = 1024 * 1024;
  auto start = std::chrono::steady_clock::now();
  auto process = harness::Subprocess::spawn(options);
  if (!process.ok()) {
    run.err = process.status().to_string();
    return run;
  }
  std::thread reader([&] {
    char buffer[8192];
    for (;;) {
      ssize_t n = ::read((*process)->stdout_fd(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      run.out.append(buffer, static_cast<std::size_t>(n));
    }
  });
  std::optional<harness::ExitStatus> exit;
  for (auto deadline = start + timeout; !exit && std::chrono::steady_clock::now() < deadline;) {
    run.max_rss_kib = std::max(run.max_rss_kib, rss_kib((*process)->pid()));
    exit = (*process)->wait_for(std::chrono::milliseconds(50));
  }
  if (!exit) {
    run.timed_out = true;
    exit = (*process)->terminate();
  } else {
    (*process)->terminate(std::chrono::milliseconds(0));
  }
  reader.join();
  run.exit_code = exit->signal ? -1 : exit->code;
  run.err = (*process)->stderr_complete();
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

std::string temp_path(const std::string& name) {
  return "/tmp/mcp-test-" + std::to_string(::getpid()) + "-" + name;
}

long rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::unique_ptr<RawSocket> RawSocket::connect(int port, const std::string& from) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  if (!from.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    ::inet_pton(AF_INET, from.c_str(), &source.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
      ::close(fd);
      return nullptr;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<RawSocket>(new RawSocket(fd));
}

RawSocket::~RawSocket() { ::close(fd_); }

bool RawSocket::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string RawSocket::receive(std::chrono::milliseconds timeout, std::size_t max) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (out.size() < max) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      break;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

std::string RawSocket::receive_response(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  for (;;) {
    std::size_t head_end = out.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::string head = out.substr(0, head_end);
      for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::size_t length = head.find("content-length:");
      if (length != std::string::npos && out.size() >= head_end + 4 + std::stoul(head.substr(length + 15))) return out;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    std::string more = receive(std::min(left, std::chrono::milliseconds(50)), 65536);
    if (more.empty() && eof_) return out;
    out += more;
  }
}

bool RawSocket::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
  }
}

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

}  // namespace mcp::testing
