#include "harness/fuzz/shrinker.h"

#include <algorithm>

#include "harness/fuzz/live_session.h"

namespace mcp::harness::fuzz {

Finding shrink_tool_case(const TargetConfig& target, const ToolCase& failing, const Verdict& verdict,
                         const FuzzOptions& options) {
  const ToolUnderTest& tool = *failing.tool;
  Finding f;
  f.kind = verdict.kind;
  f.tool = tool.name;
  f.case_seed = failing.seed;
  f.original_arguments = failing.generated.value;
  int steps = 0;
  bool fresh_each_time = ends_session(verdict.kind);
  LiveSession probe(target);
  auto reproduces = [&](const GeneratedArguments& candidate) {
    ++steps;
    if (fresh_each_time || !probe.is_open()) {
      if (!probe.open().ok()) return false;
    }
    bool candidate_valid = tool.input.validate(candidate.value).empty();
    CallResult again = call_tool(probe.client(), tool.name, candidate.value, options.call_timeout);
    auto v = judge(again, candidate_valid, tool);
    return v && v->kind == verdict.kind;
  };
  // A failure that needs the calls before it cannot be shrunk alone; say so rather than shrink noise.
  bool alone = reproduces(failing.generated);
  int max_steps = verdict.kind == FindingKind::kHang ? std::min(options.shrink_steps, 16) : options.shrink_steps;
  GeneratedArguments smallest =
      alone ? tool.arguments.shrink(failing.seed, failing.size, failing.want_valid, reproduces, max_steps) : failing.generated;
  f.arguments = smallest.value;
  f.mutation = tool.input.validate(smallest.value).empty() ? "" : (smallest.mutation.empty() ? "invalid" : smallest.mutation);
  f.shrink_steps = steps;
  f.detail = verdict.detail + (alone ? "" : " (not reproduced alone on a fresh session: earlier calls may matter)");
  return f;
}

}  // namespace mcp::harness::fuzz
