#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "harness/report/reports.h"

namespace mcp::harness {

std::string ConsoleReporter::paint(const char* code, const std::string& text) const {
  return color_ ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}

RunObserver ConsoleReporter::observer() {
  RunObserver observer;
  observer.on_finish = [this](std::size_t, std::size_t total, const CheckResult& r) {
    ++finished_;
    if (verbosity_ == Verbosity::kQuiet) return;
    bool errored = r.outcome.verdict == Verdict::kError;
    bool failed = r.outcome.verdict == Verdict::kFail || errored;
    bool must = r.level == Level::kMust;
    std::string label = errored  ? paint("1;35", "ERR ")
                        : failed ? (must ? paint("1;31", "FAIL") : paint("1;33", "WARN"))
                        : r.outcome.verdict == Verdict::kPass ? paint("32", "pass")
                                                              : paint("90", "skip");
    int width = static_cast<int>(std::to_string(total).size());
    std::fprintf(out_, "[%*zu/%zu] %s %-58s %7.0f ms\n", width, finished_, total, label.c_str(), r.spec->id.c_str(),
                 r.duration_ms);
    if (failed || verbosity_ == Verbosity::kVerbose) {
      if (!r.outcome.message.empty()) std::fprintf(out_, "        %s\n", r.outcome.message.c_str());
      if (failed && !r.outcome.expected.empty()) std::fprintf(out_, "        expected: %s\n", r.outcome.expected.c_str());
      if (failed && !r.outcome.actual.empty()) std::fprintf(out_, "        actual:   %s\n", r.outcome.actual.c_str());
    }
    std::fflush(out_);
  };
  return observer;
}

void ConsoleReporter::summary(const RunReport& report) {
  std::size_t must = report.must_failures();
  std::size_t failed = report.count(Verdict::kFail);
  std::map<Level, std::size_t> failed_by_level;
  std::map<std::string, std::vector<std::string>> skipped_by_reason;
  for (const CheckResult& r : report.results) {
    if (r.outcome.verdict == Verdict::kFail) ++failed_by_level[r.level];
    if (r.outcome.verdict == Verdict::kSkip) skipped_by_reason[r.outcome.message].push_back(r.spec->id);
  }
  // Failures first, MUST before SHOULD before PROFILE, each with its reason; named even
  // with --quiet, since a CI log must say what failed.
  // A reason shared by several checks (a crashed server's stderr, say) is printed once.
  bool any_listed = false;
  std::map<std::string, std::string> first_with_reason;  // message -> the first check that gave it
  for (Level level : {Level::kMust, Level::kShould, Level::kProfile}) {
    for (const CheckResult& r : report.results) {
      if (r.outcome.verdict != Verdict::kFail || r.level != level) continue;
      if (!any_listed) std::fprintf(out_, "\nFailures:\n");
      any_listed = true;
      std::string label = level == Level::kMust ? paint("1;31", "FAIL") : paint("1;33", "WARN");
      std::fprintf(out_, "  %s %-7s %s\n", label.c_str(), level_name(level), r.spec->id.c_str());
      if (r.outcome.message.empty()) continue;
      auto [first, fresh] = first_with_reason.emplace(r.outcome.message, r.spec->id);
      if (fresh) std::fprintf(out_, "       %s\n", r.outcome.message.substr(0, 200).c_str());
      else std::fprintf(out_, "       (the same reason as %s)\n", first->second.c_str());
    }
  }
  if (report.receiver_attached && report.spans.empty() && report.count(Verdict::kPass) + report.count(Verdict::kFail) > 0) {
    std::fprintf(out_, "\nThe server exported no spans to the harness's OTLP receiver in this run: trace checks "
                       "waited once, then judged the server's log instead (docs/guide.md).\n");
  }
  if (verbosity_ != Verbosity::kQuiet && !skipped_by_reason.empty()) {
    std::fprintf(out_, "\nSkipped, by reason:\n");
    for (const auto& [reason, ids] : skipped_by_reason) {
      std::fprintf(out_, "  %zu: %s\n", ids.size(), reason.substr(0, 160).c_str());
    }
  }
  if (std::size_t uncalled = report.skipped_without_callable_tool()) {
    // Prominent even with --quiet: a pass that called no tool proves little about the tools.
    std::fprintf(out_, "\n%s could not run: the harness may call only %s, and no listed tool qualifies (or none "
                       "that the check needs). On a staging server use --call-tools all, or --call-tools NAME,NAME "
                       "(docs/guide.md).\n",
                 paint("1;33", std::to_string(uncalled) + " check" + (uncalled == 1 ? "" : "s")).c_str(),
                 report.tool_policy.c_str());
  }
    std::string verdict = must ? paint("1;31", "FAILED") : paint("1;32", "PASSED");
  std::fprintf(out_, "\n%s  %s (protocol %s)\n", verdict.c_str(), report.target.c_str(), report.protocol_version.c_str());
  std::fprintf(out_, "%zu checks in %.2f s: %s, %s (%zu MUST, %zu SHOULD, %zu PROFILE), %s\n", report.results.size(),
               report.wall_ms / 1000.0, paint("32", std::to_string(report.count(Verdict::kPass)) + " passed").c_str(),
               paint(failed ? "31" : "0", std::to_string(failed) + " failed").c_str(), must,
               failed_by_level[Level::kShould], failed_by_level[Level::kProfile],
               paint("90", std::to_string(report.count(Verdict::kSkip)) + " skipped").c_str());
  if (std::size_t errors = report.count(Verdict::kError)) {
    std::fprintf(out_, "%s: the harness failed on these checks; they say nothing about the server (exit code 4 "
                       "unless a MUST check failed). Please report them.\n",
                 paint("1;35", std::to_string(errors) + " harness error" + (errors == 1 ? "" : "s")).c_str());
    for (const CheckResult& r : report.results) {
      if (r.outcome.verdict == Verdict::kError) std::fprintf(out_, "  %s: %s\n", r.spec->id.c_str(), r.outcome.message.c_str());
    }
  }
  std::fflush(out_);
}

}  // namespace mcp::harness
