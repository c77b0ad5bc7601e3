#include "harness/engine/runner.h"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>

#include "harness/engine/crash_note.h"
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"

namespace mcp::harness {

using json = nlohmann::json;

namespace {
// How long server/discover's answer may trail the answer to the ping sent behind it.
constexpr std::chrono::milliseconds kProbeGrace{300};
}  // namespace

std::size_t RunReport::count(Verdict verdict) const {
  std::size_t n = 0;
  for (const CheckResult& r : results) n += r.outcome.verdict == verdict;
  return n;
}

std::size_t RunReport::must_failures() const { return failures_at(Level::kMust); }

std::size_t RunReport::failures_at(Level level) const {
  std::size_t n = 0;
  for (const CheckResult& r : results) n += r.outcome.verdict == Verdict::kFail && r.level == level;
  return n;
}

std::size_t RunReport::skipped_without_callable_tool() const {
  if (every_tool_callable) return 0;
  std::size_t n = 0;
  for (const CheckResult& r : results) {
    n += r.outcome.verdict == Verdict::kSkip && r.outcome.message.find(kNoCallableTool) != std::string::npos;
  }
  return n;
}

std::string iso8601_now() {
  std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

Status preflight(TargetConfig& target) {
  Transcript transcript;
  ViolationSink violations;
  TargetConfig first = target;
  first.handshake_timeout = std::max(target.handshake_timeout, target.startup_timeout);  // the first start may be slow
  CheckContext context(first, transcript, violations);
  auto start = Clock::now();
  auto session = context.session();
  note_startup(target, Clock::now() - start);
  // A server that answers under the wrong id is alive: the checks report that
  // (jsonrpc.id-echo among them) instead of the run stopping as "unavailable".
  if (!session.ok() && session.status().message().find(kMismatchedIdPrefix) != std::string::npos) return ok_status();
  if (!session.ok()) return session.status();
  target.first_handshake = std::make_shared<const json>(session->handshake_response());
  // The run's first tool listing: later ones are compared with it (versioning.tools.stable-across-run).
  if (capabilities_of(*target.first_handshake).contains("tools")) {
    if (auto walk = walk_list(*session, "tools/list", "tools"); walk.ok()) {
      target.observed->observe_tools(json(walk->items));
      target.first_tools = std::make_shared<const std::vector<json>>(walk->items);
    }
  }
  return ok_status();
}

void note_startup(TargetConfig& target, Clock::duration first_answer) {
  if (target.transport != kStdio) return;  // an HTTP server starts once, before the run
  auto seen = std::chrono::duration_cast<std::chrono::milliseconds>(first_answer);
  target.handshake_timeout = std::min(target.startup_timeout, std::max(target.handshake_timeout, target.timeout + 2 * seen));
}

bool also_answers_initialize(const TargetConfig& target) {
  Transcript transcript;
  ViolationSink violations;
  CheckContext context(target, transcript, violations);
  auto session = context.session(std::string(protocol::latest_legacy()));
  if (!session.ok()) return false;
  const json& result = session->handshake_response().value("result", json());
  return result.is_object() && result.contains("protocolVersion") && result["protocolVersion"].is_string() &&
         !protocol::is_modern(result["protocolVersion"].get<std::string>());
}

EraProbe detect_protocol_version(TargetConfig& target) {
  const std::string modern(protocol::k2026_07_28), legacy(protocol::latest_legacy());
  Transcript transcript;
  ViolationSink violations;
  CheckContext context(target, transcript, violations);
  auto start = Clock::now();
  auto connection = context.connect();
  if (!connection.ok()) return {legacy, "could not probe (" + connection.status().message() + "); assuming initialize"};
  (*connection)->set_protocol_version(modern);  // HTTP: MCP-Protocol-Version and Mcp-Method headers
  StatusOr<json> answer = internal_error("not sent");
  if (target.transport == kStdio) {
    // A stdio server may still be starting, or may ignore server/discover: a ping behind
    // it tells the two apart, so a slow start gets --launch-timeout and silence ends early.
    McpClient probe(std::move(*connection), nullptr, target.timeout);
    const json id = "mcp-harness-era-probe";
    answer = probe.send_request(id, "server/discover", {{"_meta", per_request_meta(modern)}});
    if (answer.ok()) answer = probe.next_reply_or_silence("ping", deadline_in(target.startup_timeout), kProbeGrace);
    if (answer.ok() || answer.status().code() == StatusCode::kNotFound) {
      note_startup(target, Clock::now() - start);
    } else {
      target.startup_timeout = target.timeout;  // it had its start-up allowance; the preflight does not wait it again
    }
  } else {
    // A legacy HTTP server answers the POST with an HTTP error at once; no need to wait long.
    McpClient probe(std::move(*connection), nullptr, std::min(target.timeout, std::chrono::milliseconds(3000)));
    answer = probe.request("server/discover", {{"_meta", per_request_meta(modern)}});
  }
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
  if (!message.is_object()) return {legacy, "server/discover got something that is not a JSON-RPC response; using initialize"};
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

namespace {

std::optional<Outcome> not_applicable(const CheckSpec& spec, const TargetConfig& target) {
  if (spec.applies_to(target.transport, target.protocol_version)) {
    if (!spec.capability.empty() && target.first_handshake &&
        !capabilities_of(*target.first_handshake).contains(spec.capability)) {
      return skip_without_capability(spec.capability);
    }
    if (spec.needs_callable_tool && target.first_tools) {
      const ToolCallPolicy& policy = target.profile.tools.callable;
      bool any = std::any_of(target.first_tools->begin(), target.first_tools->end(),
                             [&](const json& tool) { return policy.allows(tool); });
      if (!any) {
        std::size_t listed = target.first_tools->size();
        return skip(std::string(kNoCallableTool) + ": " +
                    (listed == 0 ? std::string("the server lists no tools")
                                 : "the policy allows " + policy.describe() + ", and none of the server's " +
                                       std::to_string(listed) + " tools is one; see --call-tools"));
      }
    }
    if (spec.precondition) return spec.precondition(target);
    return std::nullopt;
  }
  std::string where = spec.transports == kHttp ? "Streamable HTTP" : spec.transports == kStdio ? "stdio" : "";
  return skip(!where.empty() && !(spec.transports & target.transport)
                  ? "applies to " + where + " servers only"
                  : "does not apply to protocol version " + target.protocol_version);
}

CheckResult run_one(const CheckSpec& spec, const TargetConfig& target, ViolationSink& violations) {
  CheckResult result;
  result.spec = &spec;
  result.level = spec.level_on(target.transport);
  Transcript transcript;
  auto start = Clock::now();
  if (auto skipped = not_applicable(spec, target)) {
    result.outcome = *skipped;
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
  return result;
}

}  // namespace

unsigned default_jobs(TransportMask transport) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return transport == kHttp ? std::min(16u, 4 * cores) : std::min(8u, 2 * cores);
}

RunReport run_checks(const std::vector<const CheckSpec*>& checks, const TargetConfig& target, const RunObserver& observer,
                     unsigned jobs) {
  RunReport report;
  report.target = target.describe();
  report.transport = target.transport == kHttp ? "http" : "stdio";
  report.protocol_version = target.protocol_version;
  report.started_at = iso8601_now();
  report.tool_policy = target.profile.tools.callable.describe();
  report.every_tool_callable = target.profile.tools.callable.mode() == ToolCallPolicy::Mode::kAll;
  auto run_start = Clock::now();
  ViolationSink& violations = *target.observed;  // run-wide: the schema suite reports everything seen
  report.results.resize(checks.size());

  // Concurrent checks first (any order, results kept in registry order), then the
  // exclusive ones alone, in registry order, then the concluding ones, concurrently.
  std::vector<std::size_t> concurrent, alone, concluding;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    bool skips = not_applicable(*checks[i], target).has_value();
    (skips ? concurrent : checks[i]->exclusive ? alone : checks[i]->concludes ? concluding : concurrent).push_back(i);
  }
  std::mutex mutex;  // guards the observer, the crash note and the failure count
  std::size_t failed = 0;
  auto run_index = [&](std::size_t i) {
    const CheckSpec& spec = *checks[i];
    {
      std::lock_guard lock(mutex);
      note_running_check(spec.id, i, checks.size(), failed);
      if (observer.on_start) observer.on_start(i, checks.size(), spec);
    }
    CheckResult result = run_one(spec, target, violations);
    std::lock_guard lock(mutex);
    failed += result.outcome.verdict == Verdict::kFail;
    report.results[i] = std::move(result);
    if (observer.on_finish) observer.on_finish(i, checks.size(), report.results[i]);
  };
  auto run_concurrently = [&](const std::vector<std::size_t>& indices) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t k; (k = next.fetch_add(1)) < indices.size();) run_index(indices[k]);
    };
    std::vector<std::thread> workers;
    for (unsigned w = 1; w < std::max(1u, jobs) && w < indices.size(); ++w) workers.emplace_back(worker);
    worker();
    for (std::thread& t : workers) t.join();
  };
  run_concurrently(concurrent);
  for (std::size_t i : alone) run_index(i);
  run_concurrently(concluding);

  report.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - run_start).count();
  report.receiver_attached = target.receiver != nullptr && target.profile.observability.exports_traces;
  if (target.receiver) report.spans = target.receiver->spans();
  return report;
}

}  // namespace mcp::harness
