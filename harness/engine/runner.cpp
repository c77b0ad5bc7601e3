#include "harness/engine/runner.h"

#include <ctime>

namespace mcp::harness {

std::size_t RunReport::count(Verdict verdict) const {
  std::size_t n = 0;
  for (const CheckResult& r : results) n += r.outcome.verdict == verdict;
  return n;
}

std::size_t RunReport::must_failures() const {
  std::size_t n = 0;
  for (const CheckResult& r : results) n += r.outcome.verdict == Verdict::kFail && r.spec->level == Level::kMust;
  return n;
}

std::string iso8601_now() {
  std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

Status preflight(const TargetConfig& target) {
  Transcript transcript;
  ViolationSink violations;
  CheckContext context(target, transcript, violations);
  auto session = context.session();
  if (!session.ok()) return session.status();
  return ok_status();
}

RunReport run_checks(const std::vector<const CheckSpec*>& checks, const TargetConfig& target,
                     const RunObserver& observer) {
  RunReport report;
  report.target = target.describe();
  report.transport = target.transport == kHttp ? "http" : "stdio";
  report.protocol_version = target.protocol_version;
  report.started_at = iso8601_now();
  auto run_start = Clock::now();
  ViolationSink violations;  // run-wide: the schema suite reports everything seen

  for (std::size_t i = 0; i < checks.size(); ++i) {
    const CheckSpec& spec = *checks[i];
    if (observer.on_start) observer.on_start(i, checks.size(), spec);
    CheckResult result;
    result.spec = &spec;
    Transcript transcript;
    auto start = Clock::now();
    if (!spec.applies_to(target.transport, target.protocol_version)) {
      std::string where = spec.transports == kHttp ? "Streamable HTTP" : spec.transports == kStdio ? "stdio" : "";
      result.outcome = skip(!where.empty() && !(spec.transports & target.transport)
                                ? "applies to " + where + " servers only"
                                : "does not apply to protocol version " + target.protocol_version);
    } else {
      CheckContext context(target, transcript, violations);
      try {
        result.outcome = spec.run(context);
      } catch (const std::exception& e) {
        result.outcome = fail(std::string("harness error while running the check: ") + e.what());
      }
    }
    result.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    result.transcript = transcript.entries();
    report.results.push_back(std::move(result));
    if (observer.on_finish) observer.on_finish(i, checks.size(), report.results.back());
  }
  report.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - run_start).count();
  if (target.receiver) report.spans = target.receiver->spans();
  return report;
}

}  // namespace mcp::harness
