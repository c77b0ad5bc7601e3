// Runs an HTTP transport as a program's main loop: bind, announce, serve until
// SIGINT/SIGTERM. Shared by the reference server and the fixture servers.
#pragma once

#include <string>

#include "reference-server/transport/http/http_transport.h"

namespace mcp::server {

// Writes the bound port to `port_file` (if not empty) once listening, so that
// callers using port 0 learn it. Returns a process exit code.
int serve_http_until_signal(HttpServerTransport& transport, const std::string& program, const std::string& host,
                            const std::string& path, const std::string& port_file);

}  // namespace mcp::server
