#include "harness/telemetry/silent_collector.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mcp::harness {

StatusOr<std::unique_ptr<SilentCollector>> SilentCollector::open() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return unavailable("could not open a silent collector socket on 127.0.0.1");
  }
  return std::unique_ptr<SilentCollector>(new SilentCollector(fd, ntohs(addr.sin_port)));
}

SilentCollector::~SilentCollector() { ::close(fd_); }

std::string SilentCollector::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

}  // namespace mcp::harness
