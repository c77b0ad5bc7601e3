// The verifier vocabulary checks are written in. Each verifier returns nothing
// when the expectation holds and the failing Outcome (expected vs actual) when
// it does not; REQUIRE returns that outcome from the check.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/engine/check.h"
#include "harness/engine/context.h"

namespace mcp::harness {

using Failure = std::optional<Outcome>;

// `response` is a JSON-RPC response with a result.
Failure expect_result(const nlohmann::json& response, const std::string& what);
// `response` is a JSON-RPC error; code 0 accepts any code.
Failure expect_error(const nlohmann::json& response, int code, const std::string& what);
// `value` matches the official definition `definition` of protocol `version`.
Failure expect_schema(const nlohmann::json& value, const std::string& version, const std::string& definition,
                      const std::string& what);
// The server sends nothing on this connection for `quiet` (checked by a ping afterwards when possible).
Failure expect_silence(McpClient& client, std::chrono::milliseconds quiet, const std::string& what);

// Turns a transport or timeout error into a failed check with the server's diagnostics.
Outcome fail_status(const Status& status, const std::string& doing);

// `value` on one line for a message, cut at max_bytes (saying how long it was); bytes
// that are not UTF-8 are replaced, so any server's output can be quoted.
std::string compact(const nlohmann::json& value, std::size_t max_bytes = 600);

}  // namespace mcp::harness

#define REQUIRE(expr)                            \
  do {                                           \
    if (auto mcp_failure_ = (expr)) return *mcp_failure_; \
  } while (0)

// Binds lhs to the value of a StatusOr or fails the check saying what was being done.
#define REQUIRE_OK(lhs, expr, doing) \
  REQUIRE_OK_IMPL(MCP_CONCAT(mcp_req_, __LINE__), lhs, expr, doing)
#define REQUIRE_OK_IMPL(tmp, lhs, expr, doing)                     \
  auto tmp = (expr);                                               \
  if (!tmp.ok()) return ::mcp::harness::fail_status(tmp.status(), doing); \
  lhs = std::move(tmp).value()
