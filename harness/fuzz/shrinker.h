// Turns a tool case that broke a property into a finding with the smallest arguments
// that still break it, each attempt on a fresh session when the failure may have
// killed or wedged the one it used.
#pragma once

#include "harness/fuzz/planner.h"

namespace mcp::harness::fuzz {

Finding shrink_tool_case(const TargetConfig& target, const ToolCase& failing, const Verdict& verdict,
                         const FuzzOptions& options);

}  // namespace mcp::harness::fuzz
