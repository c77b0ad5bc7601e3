// One session with the server under test, reopened after a crash or hang. For stdio
// it is a process of its own.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "harness/engine/context.h"

namespace mcp::harness::fuzz {

class LiveSession {
 public:
  explicit LiveSession(const TargetConfig& target) : target_(target) {}
  Status open();
  McpClient& client() { return *client_; }
  bool is_open() const { return client_.has_value(); }
  // How a stdio server ended, if it did.
  std::string exit_description();

 private:
  const TargetConfig& target_;
  ViolationSink sink_;
  std::unique_ptr<Transcript> transcript_;  // bounded: it keeps the first entries only
  std::unique_ptr<CheckContext> context_;
  std::optional<McpClient> client_;
};

}  // namespace mcp::harness::fuzz
