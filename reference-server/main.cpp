// mcp-reference-server: a production-shaped MCP server that passes every harness check.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <pthread.h>
#include <thread>

#include "reference-server/demo/demo.h"
#include "reference-server/transport/http_transport.h"
#include "reference-server/transport/stdio_transport.h"

namespace {

int fail(const std::string& message) {
  std::cerr << "mcp-reference-server: " << message << "\n";
  return 2;
}

// Stops the HTTP server on SIGINT/SIGTERM from a dedicated thread, where it is safe.
std::thread stop_on_signal(mcp::server::HttpServerTransport& transport) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return std::thread([set, &transport] {
    int signal = 0;
    sigwait(&set, &signal);
    if (signal != SIGUSR2) transport.stop();  // SIGUSR2 is our own wake-up at normal exit
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"MCP reference server: stdio or Streamable HTTP"};
  bool stdio = false, http = false;
  mcp::server::HttpOptions http_options;
  mcp::server::ServerOptions server_options;
  std::string port_file;
  auto* stdio_flag = app.add_flag("--stdio", stdio, "Serve one session on stdin/stdout");
  auto* http_flag = app.add_flag("--http", http, "Serve Streamable HTTP");
  stdio_flag->excludes(http_flag);
  app.add_option("--host", http_options.host, "Address to bind (HTTP)")->capture_default_str();
  app.add_option("--port", http_options.port, "Port to bind, 0 for any free port (HTTP)")->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port to this file once listening (HTTP)");
  app.add_option("--allowed-origin", http_options.allowed_origins, "Extra allowed Origin (repeatable)");
  app.add_option("--allowed-host", http_options.allowed_hosts, "Extra allowed Host name (repeatable)");
  app.add_option("--page-size", server_options.page_size, "Items per page in list results")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!stdio && !http) return fail("choose a transport: --stdio or --http (see --help)");

  std::signal(SIGPIPE, SIG_IGN);
  mcp::server::McpServer server(server_options);
  for (auto status : {mcp::server::register_demo_tools(server), mcp::server::register_demo_resources(server),
                      mcp::server::register_demo_prompts(server)}) {
    if (!status.ok()) return fail(status.to_string());
  }

  if (stdio) return mcp::server::serve_stdio(server);

  mcp::server::HttpServerTransport transport(server, http_options);
  auto port = transport.bind();
  if (!port.ok()) return fail(port.status().to_string());
  std::thread signals = stop_on_signal(transport);
  std::cerr << "mcp-reference-server: listening on http://" << http_options.host << ":" << *port
            << http_options.path << std::endl;
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << *port << "\n";
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  transport.serve();
  pthread_kill(signals.native_handle(), SIGUSR2);
  signals.join();
  return 0;
}
