#include <cstdio>

#include "harness/report/reports.h"

namespace mcp::harness {

std::string ConsoleReporter::paint(const char* code, const std::string& text) const {
  return color_ ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}

RunObserver ConsoleReporter::observer() {
  RunObserver observer;
  observer.on_finish = [this](std::size_t index, std::size_t total, const CheckResult& r) {
    if (verbosity_ == Verbosity::kQuiet) return;
    bool failed = r.outcome.verdict == Verdict::kFail;
    bool must = r.spec->level == Level::kMust;
    std::string label = failed ? (must ? paint("1;31", "FAIL") : paint("1;33", "WARN"))
                               : r.outcome.verdict == Verdict::kPass ? paint("32", "pass") : paint("90", "skip");
    int width = static_cast<int>(std::to_string(total).size());
    std::fprintf(out_, "[%*zu/%zu] %s %-58s %7.0f ms\n", width, index + 1, total, label.c_str(), r.spec->id.c_str(),
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
  std::string verdict = must ? paint("1;31", "FAILED") : paint("1;32", "PASSED");
  std::fprintf(out_, "\n%s  %s (protocol %s)\n", verdict.c_str(), report.target.c_str(), report.protocol_version.c_str());
  std::fprintf(out_, "%zu checks in %.2f s: %s, %s (%zu MUST, %zu SHOULD/PROFILE), %s\n", report.results.size(),
               report.wall_ms / 1000.0, paint("32", std::to_string(report.count(Verdict::kPass)) + " passed").c_str(),
               paint(failed ? "31" : "0", std::to_string(failed) + " failed").c_str(), must, failed - must,
               paint("90", std::to_string(report.count(Verdict::kSkip)) + " skipped").c_str());
  std::fflush(out_);
}

}  // namespace mcp::harness
