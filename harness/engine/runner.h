// Runs selected checks against one target, each with its own transcript, and
// reports progress as it goes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness/client/transcript.h"
#include "harness/engine/check.h"
#include "harness/engine/context.h"
#include "harness/engine/tool_policy.h"
#include "harness/telemetry/otlp_receiver.h"

namespace mcp::harness {

struct CheckResult {
  const CheckSpec* spec = nullptr;
  Level level = Level::kMust;  // the spec's level on the run's transport (CheckSpec::level_on)
  Outcome outcome;
  double duration_ms = 0;
  std::vector<TranscriptEntry> transcript;
};

struct RunReport {
  std::string target;
  std::string transport;  // "stdio" | "http"
  std::string protocol_version;
  std::string started_at;  // ISO 8601 UTC
  double wall_ms = 0;
  std::vector<CheckResult> results;
  std::vector<ReceivedSpan> spans;  // what the server exported to the harness's OTLP receiver
  bool receiver_attached = false;   // the harness started the server pointed at its receiver
  std::string tool_policy;          // ToolCallPolicy::describe() of the run
  bool every_tool_callable = false; // --call-tools all: no skip is the policy's doing

  std::size_t count(Verdict verdict) const;
  // Failures that gate CI: MUST-level checks that failed.
  std::size_t must_failures() const;
  std::size_t failures_at(Level level) const;
  // Checks skipped because the tool-call policy left no (suitable) tool to call
  // (kNoCallableTool); none under --call-tools all, where such a skip is the server's
  // tools lacking what the check needs.
  std::size_t skipped_without_callable_tool() const;
};

struct RunObserver {
  std::function<void(std::size_t index, std::size_t total, const CheckSpec& spec)> on_start;
  std::function<void(std::size_t index, std::size_t total, const CheckResult& result)> on_finish;
};

// Up to `jobs` checks run at once (each with its own process or session); checks marked
// exclusive run alone at the end. Results are in the order of `checks` whatever `jobs` is,
// and the observer is called from one thread at a time.
RunReport run_checks(const std::vector<const CheckSpec*>& checks, const TargetConfig& target,
                     const RunObserver& observer = {}, unsigned jobs = 1);
// Checks mostly wait on the server: over stdio each starts a process, so twice the
// cores (at most 8); over HTTP a check is a session on one running server, so four
// times the cores (at most 16).
unsigned default_jobs(TransportMask transport);

// Connects and initializes once, so that an unreachable server is reported as
// such (exit code 3) instead of as a wall of failed checks.
// Gives the first handshake --launch-timeout (a slow start), and widens
// target.handshake_timeout by what it saw, since every stdio check starts the server again.
Status preflight(TargetConfig& target);
// Widens target.handshake_timeout for a stdio server whose first answer took `first_answer`.
void note_startup(TargetConfig& target, Clock::duration first_answer);

// The version to test when none was forced, found the way the spec's backward-
// compatibility probe prescribes (2026-07-28 basic/transports/stdio.mdx): server/discover
// first; a DiscoverResult, or an UnsupportedProtocolVersion error naming a modern
// version this harness knows, means that version; any other answer, an HTTP error or
// silence means the latest initialize-based one.
struct EraProbe {
  std::string version;
  std::string evidence;  // why, in words, for the console
};
EraProbe detect_protocol_version(TargetConfig& target);

// True when a fresh connection completes an initialize handshake at the latest
// initialize-based version (a 2026-07-28 server that still serves the legacy era).
bool also_answers_initialize(const TargetConfig& target);

std::string iso8601_now();

}  // namespace mcp::harness
