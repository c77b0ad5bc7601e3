// The properties every fuzzed tool call must keep, judged from its answer alone.
#pragma once

#include <optional>
#include <string>

#include "harness/fuzz/argument_fuzzer.h"
#include "harness/fuzz/finding.h"
#include "harness/fuzz/tool_calls.h"
#include "mcp/json_schema.h"

namespace mcp::harness::fuzz {

struct ToolUnderTest {
  nlohmann::json tool;
  std::string name;
  ArgumentFuzzer arguments;
  SchemaValidator input;
  std::optional<SchemaValidator> output;
  explicit ToolUnderTest(const nlohmann::json& t)
      : tool(t), name(t.value("name", "")), arguments(t.value("inputSchema", nlohmann::json::object())),
        input(t.value("inputSchema", nlohmann::json::object())) {
    if (t.contains("outputSchema") && t["outputSchema"].is_object()) output.emplace(t["outputSchema"]);
  }
};

// The properties of one call. valid: the arguments satisfy the input schema.
std::optional<Verdict> judge(const CallResult& call, bool valid, const ToolUnderTest& tool);

}  // namespace mcp::harness::fuzz
