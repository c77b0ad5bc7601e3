#include "harness/engine/runner.h"

#include <algorithm>
#include <ctime>

#include "harness/engine/crash_note.h"
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"

namespace mcp::harness {

using json = nlohmann::json;

std::size_t RunReport::count(Verdict verdict) const {
  std::size_t n = 0;
  for (const CheckResult& r : results) n += r.outcome.verdict == verdict;
  return n;
}

std::size_t RunReport::must_failures() const {
  std::size_t n = 0;
  for (const CheckResult& r : results) n += r.outcome.verdict == Verdict::kFail && r.level == Level::kMust;
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
  // A server that answers under the wrong id is alive: the checks report that
  // (jsonrpc.id-echo among them) instead of the run stopping as "unavailable".
  if (!session.ok() && session.status().message().find(kMismatchedIdPrefix) != std::string::npos) return ok_status();
  if (!session.ok()) return session.status();
  return ok_status();
}

EraProbe detect_protocol_version(const TargetConfig& target) {
  const std::string modern(protocol::k2026_07_28), legacy(protocol::latest_legacy());
  Transcript transcript;
  ViolationSink violations;
  CheckContext context(target, transcript, violations);
  auto connection = context.connect();
  if (!connection.ok()) return {legacy, "could not probe (" + connection.status().message() + "); assuming initialize"};
  (*connection)->set_protocol_version(modern);  // HTTP: MCP-Protocol-Version and Mcp-Method headers
  // A legacy server may stay silent; the probe does not wait the full per-request deadline.
  McpClient probe(std::move(*connection), nullptr, std::min(target.timeout, std::chrono::milliseconds(3000)));
  auto answer = probe.request("server/discover", {{"_meta", per_request_meta(modern)}});
  auto knows_modern = [](const json& versions) {
    std::vector<std::string> known;
    if (versions.is_array()) {
      for (const json& v : versions) {
        if (v.is_string() && protocol::is_modern(v.get<std::string>()) && protocol::find_revision(v.get<std::string>())) {
          known.push_back(v);
        }
      }
    }
    return known.empty() ? std::string() : *std::max_element(known.begin(), known.end());
  };
  if (!answer.ok()) return {legacy, "server/discover got no answer (" + answer.status().message() + "); using initialize"};
  const json& message = *answer;
  if (message.contains("result") && message["result"].is_object()) {
    std::string chosen = knows_modern(message["result"].value("supportedVersions", json()));
    if (!chosen.empty()) return {chosen, "server/discover answered with supportedVersions including it"};
    return {legacy, "server/discover named no modern version this harness knows; using initialize"};
  }
  const json error = message.value("error", json::object());
  if (error.is_object() && error.value("code", 0) == jsonrpc::kUnsupportedProtocolVersion) {
    std::string chosen = knows_modern(error.value("data", json::object()).value("supported", json()));
    if (!chosen.empty()) return {chosen, "server/discover refused " + modern + " but offers this one"};
  }
  return {legacy, "server/discover was refused (" + jsonrpc::serialize(error).substr(0, 120) + "); using initialize"};
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
    note_running_check(spec.id, i, checks.size(), report.count(Verdict::kFail));
    if (observer.on_start) observer.on_start(i, checks.size(), spec);
    CheckResult result;
    result.spec = &spec;
    result.level = spec.level_on(target.transport);
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
        result.outcome = harness_error(std::string("harness error while running the check: ") + e.what());
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
