#include "harness/launch/launcher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace mcp::harness {

bool tcp_port_open(const std::string& host, int port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return false;
  bool open = false;
  for (addrinfo* a = found; a && !open; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      open = true;
    } else if (errno == EINPROGRESS) {
      pollfd pfd{fd, POLLOUT, 0};
      int error = 0;
      socklen_t len = sizeof error;
      open = ::poll(&pfd, 1, static_cast<int>(timeout.count())) == 1 &&
             ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return open;
}

StatusOr<std::unique_ptr<ServerLauncher>> ServerLauncher::start(const std::string& command, const std::string& host,
                                                                int port, std::chrono::milliseconds ready_timeout,
                                                                const std::vector<std::pair<std::string, std::string>>& extra_env) {
  if (tcp_port_open(host, port, std::chrono::milliseconds(200))) {
    return failed_precondition("something already listens on " + host + ":" + std::to_string(port) +
                               "; stop it or drop --launch to test it as it is");
  }
  SpawnOptions options;
  options.argv = split_command_line(command);
  options.pipe_stdin = false;
  options.pipe_stdout = false;
  options.extra_env = extra_env;
  ASSIGN_OR_RETURN(auto process, Subprocess::spawn(options));
  std::unique_ptr<ServerLauncher> launcher(new ServerLauncher(std::move(process)));
  auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto exit = launcher->process_->poll()) {
      return unavailable("the launched server " + exit->describe() + " before listening; stderr: " +
                         launcher->stderr_tail());
    }
    if (tcp_port_open(host, port, std::chrono::milliseconds(100))) return launcher;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return deadline_exceeded("the launched server did not listen on " + host + ":" + std::to_string(port) + " within " +
                           std::to_string(ready_timeout.count()) + " ms; stderr: " + launcher->stderr_tail());
}

ServerLauncher::~ServerLauncher() { process_->terminate(); }

}  // namespace mcp::harness
