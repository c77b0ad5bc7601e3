// Which tools the harness may call on the server under test. Calling a tool can have
// side effects, so by default only tools annotated readOnlyHint: true are called;
// `--call-tools all` (a staging server) or a list of names widens that. run, fuzz,
// runaway and load share it (profile key tools.callable).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <set>
#include <string>

#include "mcp/status.h"

namespace mcp::harness {

class ToolCallPolicy {
 public:
  enum class Mode { kReadOnly, kAll, kNamed };

  // "read-only", "all", or a comma-separated list of tool names.
  static StatusOr<ToolCallPolicy> parse(const std::string& text);

  bool allows(const nlohmann::json& tool) const;
  Mode mode() const { return mode_; }
  // For reports: "read-only tools (readOnlyHint: true)", "every tool", "the tools a, b".
  std::string describe() const;
  // The --call-tools value that gives this policy.
  std::string flag_value() const;

 private:
  Mode mode_ = Mode::kReadOnly;
  std::set<std::string> names_;
};

// Tools annotated readOnlyHint: true (compared, so a hint of the wrong type is not read-only).
bool is_read_only(const nlohmann::json& tool);

// How skip messages name a tool the policy lets the harness call; the console counts them.
inline constexpr const char* kNoCallableTool = "no callable tool";

}  // namespace mcp::harness
