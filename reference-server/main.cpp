// mcp-reference-server: a production-shaped MCP server that passes every harness check.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "reference-server/demo/demo.h"
#include "reference-server/transport/serve_http.h"
#include "reference-server/transport/stdio_transport.h"

namespace {

int fail(const std::string& message) {
  std::cerr << "mcp-reference-server: " << message << "\n";
  return 2;
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
  return mcp::server::serve_http_until_signal(transport, "mcp-reference-server", http_options.host, http_options.path,
                                              port_file);
}
