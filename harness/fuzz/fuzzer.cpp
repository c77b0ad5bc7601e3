// The fuzz run: lists the tools, then asks the planner for cases, sends them on the
// live session, judges each answer, shrinks new failures (shrinker.cpp) and writes
// their repro files, until a budget runs out.
#include "harness/fuzz/fuzzer.h"

#include <fstream>
#include <set>

#include "harness/engine/verify.h"
#include "harness/fuzz/live_session.h"
#include "harness/fuzz/planner.h"
#include "harness/fuzz/shrinker.h"
#include "mcp/json_rpc.h"

namespace mcp::harness::fuzz {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) return invalid_argument("cannot write " + path);
  out << text;
  return ok_status();
}

class FuzzRun {
 public:
  FuzzRun(const TargetConfig& target, const FuzzOptions& options, const Progress& progress, FuzzReport& report)
      : target_(target), options_(options), progress_(progress), report_(report), live_(target) {}

  void run();

 private:
  // The tools chosen by --tool and the callable policy; false after noting why none can run.
  bool choose_tools();
  void run_protocol_case(const PlannedCases& planned);
  void run_tool_cases(PlannedCases& planned);
  // Judges one answered (or unanswered) tool call; a new failure is shrunk and recorded.
  void judge_tool_call(const ToolCase& c, const CallResult& call);
  void check_still_answers_ping();
  // One finding per kind and tool (or protocol case): false if this one was seen.
  bool first_of_its_kind(FindingKind kind, const std::string& where) { return seen_.insert(seen_key(kind, where)).second; }
  bool already_found(FindingKind kind, const std::string& where) const { return seen_.count(seen_key(kind, where)) > 0; }
  static std::string seen_key(FindingKind kind, const std::string& where) { return std::string(kind_name(kind)) + ":" + where; }
  void record(Finding finding);
  std::string stop_reason(Clock::time_point start) const;
  void report_progress(Clock::time_point start);

  const TargetConfig& target_;
  const FuzzOptions& options_;
  const Progress& progress_;
  FuzzReport& report_;
  LiveSession live_;
  std::vector<std::unique_ptr<ToolUnderTest>> tools_;
  std::unique_ptr<CasePlanner> planner_;
  std::set<std::string> seen_;
  std::map<std::string, int> slow_calls_;
  long long calls_at_last_ping_ = 0;  // the server must still answer ping every 100 calls
  Clock::time_point last_progress_ = Clock::now();
};

bool FuzzRun::choose_tools() {
  auto listed = walk_list(live_.client(), "tools/list", "tools");
  if (!listed.ok()) {
    report_.stopped_because = "tools/list failed: " + listed.status().message();
    return false;
  }
  for (const json& tool : listed->items) {
    std::string name = tool.value("name", "");
    bool chosen = options_.tools.empty();
    for (const std::string& glob : options_.tools) chosen = chosen || glob_match(glob, name);
    if (!chosen) continue;
    if (!target_.profile.tools.callable.allows(tool)) {
      report_.skipped_tools.push_back(name + ": not among " + target_.profile.tools.callable.describe() +
                                      " (--call-tools all, or NAME, to fuzz it)");
      continue;
    }
    tools_.push_back(std::make_unique<ToolUnderTest>(tool));
  }
  if (tools_.empty() && !options_.protocol_cases) {
    report_.stopped_because = "no tool to fuzz";
    return false;
  }
  return true;
}

void FuzzRun::run() {
  auto start = Clock::now();
  if (Status opened = live_.open(); !opened.ok()) {
    report_.stopped_because = "cannot open a session: " + opened.message();
    return;
  }
  if (!choose_tools()) return;
  progress_("seed " + std::to_string(report_.seed) + ": fuzzing " + std::to_string(tools_.size()) + " tools" +
            (options_.protocol_cases ? " and the protocol" : ""));
  std::vector<ToolUnderTest*> rotation;
  for (auto& tool : tools_) rotation.push_back(tool.get());
  planner_ = std::make_unique<CasePlanner>(report_.seed, options_, std::move(rotation), target_.transport == kStdio);
  for (;;) {
    if (std::string reason = stop_reason(start); !reason.empty()) {
      report_.stopped_because = reason;
      break;
    }
    if (!live_.is_open()) {
      if (Status reopened = live_.open(); !reopened.ok()) {
        report_.stopped_because = "the server stopped accepting sessions: " + reopened.message();
        break;
      }
    }
    PlannedCases planned = planner_->next(options_.max_calls - report_.calls - report_.protocol_cases);
    if (planned.what == PlannedCases::What::kNoToolLeft) {
      report_.stopped_because = "no tool left to fuzz";
      break;
    }
    if (planned.what == PlannedCases::What::kProtocol) {
      run_protocol_case(planned);
    } else {
      run_tool_cases(planned);
      check_still_answers_ping();
    }
    report_progress(start);
  }
  report_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
}

std::string FuzzRun::stop_reason(Clock::time_point start) const {
  if (report_.calls + report_.protocol_cases >= options_.max_calls) return "call budget reached";
  if (Clock::now() - start >= options_.duration) return "time budget reached";
  if (static_cast<int>(report_.findings.size()) >= options_.max_findings) return "finding limit reached";
  return "";
}

void FuzzRun::run_protocol_case(const PlannedCases& planned) {
  ++report_.protocol_cases;
  std::optional<Verdict> broken = fuzz::run_protocol_case(live_.client(), planned.protocol, options_.call_timeout);
  if (!broken) return;
  if (first_of_its_kind(broken->kind, planned.protocol.name)) {
    Finding f;
    f.kind = broken->kind;
    f.detail = planned.protocol.name + ": " + broken->detail;
    f.message = planned.protocol.raw;
    f.case_seed = planned.seed;
    record(std::move(f));
  }
  (void)live_.open();
}

void FuzzRun::run_tool_cases(PlannedCases& planned) {
  std::vector<PendingCall> calls;
  for (const ToolCase& c : planned.tools) calls.push_back({c.tool->name, c.generated.value});
  std::vector<CallResult> results = call_tools(live_.client(), calls, options_.call_timeout);
  bool rerun = false;  // after a crash or hang in the batch, the rest run one at a time to pin it on the right call
  for (std::size_t j = 0; j < planned.tools.size(); ++j) {
    const ToolCase& c = planned.tools[j];
    if (!planner_->in_rotation(c.tool)) continue;  // dropped earlier in this batch
    CallResult call = std::move(results[j]);
    if (!rerun && call.what != CallResult::What::kResponse && planned.tools.size() > 1) {
      rerun = true;
      if (Status reopened = live_.open(); !reopened.ok()) break;
    }
    if (rerun) {
      if (!live_.is_open() && !live_.open().ok()) break;
      call = call_tool(live_.client(), c.tool->name, c.generated.value, options_.call_timeout);
    }
    ++report_.calls;
    ++report_.calls_by_tool[c.tool->name];
    judge_tool_call(c, call);
  }
}

void FuzzRun::judge_tool_call(const ToolCase& c, const CallResult& call) {
  ToolUnderTest& tool = *c.tool;
  if (call.slow && ++slow_calls_[tool.name] == 3) {
    // Alive but slower than the deadline: keep the budget for the other tools.
    planner_->drop(tool, "dropped after 3 calls that outlived --call-timeout while reporting progress", report_.skipped_tools);
  }
  std::optional<Verdict> verdict = judge(call, c.valid, tool);
  if (!verdict) return;
  if (verdict->kind == FindingKind::kCrash) {
    if (std::string how = live_.exit_description(); !how.empty()) verdict->detail = how;
  }
  if (first_of_its_kind(verdict->kind, tool.name)) {
    record(shrink_tool_case(target_, c, *verdict, options_));
    // Calling it again would mostly rediscover the same failure at the cost of a restart each time.
    if (ends_session(verdict->kind)) {
      planner_->drop(tool, "dropped after a " + std::string(kind_name(verdict->kind)) + " finding", report_.skipped_tools);
    }
  }
  if (ends_session(verdict->kind)) (void)live_.open();
}

void FuzzRun::check_still_answers_ping() {
  if (report_.calls - calls_at_last_ping_ < 100 || !live_.is_open()) return;
  calls_at_last_ping_ = report_.calls;
  if (already_found(FindingKind::kUnresponsive, "")) return;  // pinging a wedged server costs a timeout
  if (answers_ping(live_.client(), options_.call_timeout)) return;
  first_of_its_kind(FindingKind::kUnresponsive, "");
  Finding f;
  f.kind = FindingKind::kUnresponsive;
  f.detail = "no answer to ping after " + std::to_string(report_.calls) + " calls";
  record(std::move(f));
  (void)live_.open();
}

void FuzzRun::record(Finding finding) {
  std::string kind(kind_name(finding.kind));
  std::string path = options_.repro_dir + "/mcp-fuzz-" + kind + (finding.tool.empty() ? "" : "-" + finding.tool) + ".json";
  if (write_file(path, jsonrpc::serialize_indented(repro_json(finding, target_, report_.seed)) + "\n").ok()) {
    finding.repro_path = path;
  }
  progress_("FOUND " + kind + (finding.tool.empty() ? "" : " in " + finding.tool) + ": " + finding.detail +
            (finding.repro_path.empty() ? "" : " (repro: " + finding.repro_path + ")"));
  report_.findings.push_back(std::move(finding));
}

void FuzzRun::report_progress(Clock::time_point start) {
  if (Clock::now() - last_progress_ <= std::chrono::seconds(1)) return;
  last_progress_ = Clock::now();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  progress_(std::to_string(report_.calls) + " calls, " + std::to_string(report_.protocol_cases) + " protocol cases, " +
            std::to_string(report_.findings.size()) + " findings, " +
            std::to_string(static_cast<long long>(report_.calls / std::max(elapsed, 0.001))) + " calls/s");
}

}  // namespace

json repro_json(const Finding& f, const TargetConfig& target, std::uint64_t seed) {
  json out = {{"mcp_harness_repro", 1}, {"kind", kind_name(f.kind)},  {"detail", f.detail}, {"seed", seed},
              {"case_seed", f.case_seed}, {"protocol_version", target.protocol_version}, {"target", target.describe()}};
  if (f.tool.empty()) {
    out["message"] = f.message;
  } else {
    out["tool"] = f.tool;
    out["arguments"] = f.arguments;
    out["arguments_valid"] = f.mutation.empty();
    if (!f.mutation.empty()) out["mutation"] = f.mutation;
    out["original_arguments"] = f.original_arguments;
  }
  return out;
}

json report_json(const FuzzReport& r) {
  json findings = json::array();
  for (const Finding& f : r.findings) {
    findings.push_back({{"kind", kind_name(f.kind)}, {"tool", f.tool}, {"detail", f.detail}, {"arguments", f.arguments},
                        {"mutation", f.mutation}, {"message", f.message}, {"repro", f.repro_path}, {"shrink_steps", f.shrink_steps}});
  }
  return {{"seed", r.seed}, {"calls", r.calls}, {"protocol_cases", r.protocol_cases}, {"seconds", r.seconds},
          {"calls_by_tool", r.calls_by_tool}, {"skipped_tools", r.skipped_tools}, {"findings", findings},
          {"stopped_because", r.stopped_because}};
}

FuzzReport run_fuzz(const TargetConfig& target, const FuzzOptions& options, const Progress& progress) {
  FuzzReport report;
  report.seed = options.seed ? options.seed : static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
  FuzzRun(target, options, progress, report).run();
  return report;
}

StatusOr<std::optional<Finding>> replay(const TargetConfig& target, const json& repro, std::chrono::milliseconds call_timeout) {
  if (!repro.is_object() || repro.value("mcp_harness_repro", 0) != 1) return invalid_argument("not an mcp-harness repro file");
  LiveSession live(target);
  RETURN_IF_ERROR(live.open().with_context("opening a session"));
  Finding f;
  if (repro.contains("tool")) {
    std::string name = repro["tool"];
    auto listed = walk_list(live.client(), "tools/list", "tools");
    if (!listed.ok()) return listed.status();
    std::optional<json> tool;
    for (const json& t : listed->items) {
      if (t.value("name", "") == name) tool = t;
    }
    if (!tool) return not_found("the server has no tool " + name);
    ToolUnderTest under_test(*tool);
    const json& arguments = repro["arguments"];
    CallResult call = call_tool(live.client(), name, arguments, call_timeout);
    auto verdict = judge(call, under_test.input.validate(arguments).empty(), under_test);
    if (!verdict) return std::optional<Finding>();
    if (verdict->kind == FindingKind::kCrash) {
      if (std::string how = live.exit_description(); !how.empty()) verdict->detail = how;
    }
    f.kind = verdict->kind;
    f.detail = verdict->detail;
    f.tool = name;
    f.arguments = arguments;
    return std::optional<Finding>(f);
  }
  if (!repro.contains("message") || !repro["message"].is_string()) return invalid_argument("the repro names neither a tool nor a message");
  ProtocolCase pcase{"replayed message", repro["message"].get<std::string>(), false};
  std::optional<Verdict> broken = run_protocol_case(live.client(), pcase, call_timeout);
  if (!broken) return std::optional<Finding>();
  f.kind = broken->kind;
  f.detail = broken->detail;
  f.message = pcase.raw;
  return std::optional<Finding>(f);
}

}  // namespace mcp::harness::fuzz
