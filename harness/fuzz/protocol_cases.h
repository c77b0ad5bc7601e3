// Protocol-level fuzz cases: malformed JSON, a wrong jsonrpc version, odd ids,
// unknown methods, invalid UTF-8, duplicate ids, deep nesting, oversized
// messages, and on stdio messages split across writes or merged into one.
// Whatever arrives, the server must not crash, must not answer with an internal
// error, and must still answer a ping afterwards.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "harness/engine/context.h"
#include "harness/fuzz/finding.h"

namespace mcp::harness::fuzz {

struct ProtocolCase {
  std::string name;
  std::string raw;     // the bytes sent (stdio: a newline follows)
  bool split = false;  // stdio: written in two parts with a pause between
};

ProtocolCase make_protocol_case(std::uint64_t seed, bool stdio);

// The case's verdict: crash, unresponsive or internal-error, or nullopt when the server coped.
std::optional<Verdict> run_protocol_case(McpClient& client, const ProtocolCase& c, std::chrono::milliseconds timeout);

}  // namespace mcp::harness::fuzz
