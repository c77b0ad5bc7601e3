// Sending tool calls to the server under test: pipelined, each with a progress token
// whose notifications extend its deadline, and what became of each call.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/engine/context.h"

namespace mcp::harness::fuzz {

struct CallResult {
  // kOversizedHeaders: an HTTP 4xx without a JSON-RPC answer to a call whose
  // Mcp-Param-* headers were too large for common servers; the server had to refuse
  // the headers before the body's schema could help.
  enum class What { kResponse, kHang, kClosed, kOversizedHeaders } what = What::kResponse;
  nlohmann::json response;
  std::string detail;
  bool slow = false;  // cancelled while still reporting progress
};

struct PendingCall {
  std::string tool;
  nlohmann::json arguments;
};

// tools/call for each call, all sent before any reply is awaited (pipelined), each
// with a progress token: progress notifications extend that call's deadline (up to
// two call timeouts), as the spec lets clients do for long operations.
std::vector<CallResult> call_tools(McpClient& client, const std::vector<PendingCall>& calls, std::chrono::milliseconds timeout);
CallResult call_tool(McpClient& client, const std::string& tool, const nlohmann::json& arguments,
                     std::chrono::milliseconds timeout);
bool answers_ping(McpClient& client, std::chrono::milliseconds timeout);

}  // namespace mcp::harness::fuzz
