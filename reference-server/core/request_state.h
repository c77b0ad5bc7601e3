// requestState for input-required results (2026-07-28, basic/patterns/mrtr.mdx): the
// answers a tool call has gathered so far, sealed with HMAC-SHA256 and bound to the
// principal, the originating request (tool name and a digest of its arguments) and an
// expiry. The answers steer business logic (a confirmation, say), so the spec's MUST
// applies: protect integrity, reject state that fails verification.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/status.h"

namespace mcp::server {

// What a requestState is bound to: who asked, and which request it continues.
struct RequestBinding {
  std::string principal;
  std::string target;  // input_target(method, name): state for one tool never opens for a prompt of its name
  nlohmann::json arguments;
};
inline std::string input_target(const std::string& method, const std::string& name) { return method + " " + name; }

class RequestStateSealer {
 public:
  // An empty key draws 32 random bytes: state then survives only this process, and
  // replicas must share a key (ServerOptions::request_state_key).
  explicit RequestStateSealer(std::string key = "", std::chrono::seconds ttl = std::chrono::minutes(10));

  static long long now();  // Unix seconds

  std::string seal(const nlohmann::json& answered, const RequestBinding& binding, long long now_unix) const;
  // The answers, or InvalidArgument saying why the state is refused (malformed,
  // tampered, bound to another principal or request, expired, nested too deep).
  StatusOr<nlohmann::json> open(const std::string& state, const RequestBinding& binding, long long now_unix) const;

 private:
  std::string mac(const RequestBinding& binding, const std::string& payload) const;

  std::string key_;
  std::chrono::seconds ttl_;
};

}  // namespace mcp::server
