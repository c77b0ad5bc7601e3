#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
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
  auto exit = (*process)->wait_for(timeout);
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

}  // namespace mcp::testing
