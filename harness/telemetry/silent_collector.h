// A collector that accepts connections and never answers: the worst case for a
// server's exporter (connections succeed, requests hang). Closed on destruction.
#pragma once

#include <memory>
#include <string>

#include "mcp/status.h"

namespace mcp::harness {

class SilentCollector {
 public:
  static StatusOr<std::unique_ptr<SilentCollector>> open();
  ~SilentCollector();
  std::string endpoint() const;  // http://127.0.0.1:PORT

 private:
  SilentCollector(int fd, int port) : fd_(fd), port_(port) {}
  int fd_;
  int port_;
};

}  // namespace mcp::harness
