// stdio transport: newline-delimited JSON-RPC on stdin/stdout. Only MCP messages
// ever reach stdout; logs go to stderr. Exits when stdin reaches EOF.
#pragma once

#include <cstddef>
#include <string>

#include "reference-server/core/server.h"

namespace mcp::server {

struct StdioOptions {
  int in_fd = 0;
  int out_fd = 1;
  std::size_t workers = 4;
  std::size_t max_message_bytes = 4 * 1024 * 1024;
  std::string principal;  // who the environment's credentials name (empty: no auth)
};

// Serves one session until stdin closes. Returns a process exit code.
int serve_stdio(MessageHandler& server, const StdioOptions& options = {});

}  // namespace mcp::server
