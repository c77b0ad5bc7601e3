// Raw bytes at the reference server's Streamable HTTP endpoint, over a real
// loopback socket: request lines, headers and bodies the server must survive.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <thread>

#include "reference-server/app/app.h"
#include "reference-server/core/event_log.h"
#include "reference-server/transport/http/http_transport.h"

namespace {

struct Server {
  std::unique_ptr<mcp::server::ReferenceApp> app;
  std::unique_ptr<mcp::server::HttpServerTransport> transport;
  int port = 0;
  std::thread thread;
};

Server& server() {
  static Server* instance = [] {
    std::signal(SIGPIPE, SIG_IGN);
    mcp::server::set_log_file("/dev/null");  // one log line per request would drown libFuzzer's output
    auto* s = new Server();
    mcp::server::AppConfig config;
    config.network_transport = "tcp";
    auto app = mcp::server::ReferenceApp::create(config);
    if (!app.ok()) std::abort();
    s->app = std::move(app).value();
    mcp::server::HttpOptions options;
    options.threads = 4;
    s->transport = std::make_unique<mcp::server::HttpServerTransport>(s->app->server(), options);
    auto port = s->transport->bind();
    if (!port.ok()) std::abort();
    s->port = *port;
    s->thread = std::thread([s] { s->transport->serve(); });
    return s;
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Server& s = server();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(s.port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int attempt = 0; ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0; ++attempt) {
    if (attempt > 100) std::abort();  // the server stopped accepting: that is a finding
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  (void)::send(fd, data, size, MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  // Read whatever comes back, briefly: a slow answer is fine, a dead server is not.
  char buffer[4096];
  pollfd pfd{fd, POLLIN, 0};
  while (::poll(&pfd, 1, 200) > 0 && ::recv(fd, buffer, sizeof buffer, 0) > 0) {
  }
  ::close(fd);
  return 0;
}
