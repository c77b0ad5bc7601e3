#include "reference-server/transport/http/serve_http.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "reference-server/core/event_log.h"

namespace mcp::server {

int serve_http_until_signal(HttpServerTransport& transport, const std::string& program, const std::string& host,
                            const std::string& path, const std::string& port_file) {
  auto port = transport.bind();
  if (!port.ok()) {
    std::cerr << program << ": " << port.status().to_string() << "\n";
    return 2;
  }
  // Signals are taken by one thread with sigwait, where stopping the server is safe.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);  // our own wake-up when serving ends for another reason
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread signals([set, &transport] {
    int signal = 0;
    sigwait(&set, &signal);
    if (signal != SIGUSR2) transport.stop();
  });
  log_event("info", "listening", {{"program", program}, {"url", "http://" + host + ":" + std::to_string(*port) + path}});
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << *port << "\n";
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  transport.serve();
  pthread_kill(signals.native_handle(), SIGUSR2);
  signals.join();
  return 0;
}

}  // namespace mcp::server
