// Starts an HTTP server under test (--launch), waits until its URL accepts
// connections, and stops its whole process group at the end.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "harness/launch/subprocess.h"

namespace mcp::harness {

class ServerLauncher {
 public:
  static StatusOr<std::unique_ptr<ServerLauncher>> start(
      const std::string& command, const std::string& host, int port, std::chrono::milliseconds ready_timeout,
      const std::vector<std::pair<std::string, std::string>>& extra_env = {});
  ~ServerLauncher();
  std::string stderr_tail() const { return process_->stderr_tail(); }
  Subprocess& process() { return *process_; }

 private:
  explicit ServerLauncher(std::unique_ptr<Subprocess> process) : process_(std::move(process)) {}
  std::unique_ptr<Subprocess> process_;
};

// True when a TCP connection to host:port succeeds within timeout.
bool tcp_port_open(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace mcp::harness
