// A check is one value in a registry: a stable id, the spec text it enforces, a
// level, where it applies, and a run function that returns a verdict with
// expected/actual and leaves the exchanged messages in the transcript.
#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcp/glob.h"

namespace mcp::harness {

class CheckContext;

enum class Level { kMust, kShould, kProfile };
// kError: the harness itself failed while running the check (a bug, or a server reply
// it could not handle). Never the server's failure: it counts apart, never as MUST.
enum class Verdict { kPass, kFail, kSkip, kError };
enum TransportMask : unsigned { kStdio = 1, kHttp = 2, kAnyTransport = 3 };

const char* level_name(Level level);
const char* verdict_name(Verdict verdict);  // "pass" | "fail" | "skip" | "error"

struct Outcome {
  Verdict verdict = Verdict::kPass;
  std::string message;
  std::string expected;
  std::string actual;
};

Outcome pass(std::string message = {});
Outcome fail(std::string message, std::string expected = {}, std::string actual = {});
Outcome skip(std::string reason);
Outcome harness_error(std::string message);
Outcome skip_without_capability(const std::string& capability);
// The server's capabilities from an initialize or server/discover response message
// (an empty object if absent).
nlohmann::json capabilities_of(const nlohmann::json& handshake_response);

struct TargetConfig;

struct CheckSpec {
  std::string id;           // stable: area.subject.property
  Level level = Level::kMust;
  // Over stdio, a lower level than `level`, and why: malformed input there is a
  // situation only a client breaking "The client MUST NOT write anything to the
  // server's stdin that is not a valid MCP message" can create.
  std::optional<Level> stdio_level;
  std::string stdio_level_reason;
  std::string requirement;  // one sentence: "The server MUST ..."
  std::string spec_ref;     // document and section, e.g. "2025-11-25/basic/lifecycle.mdx#version-negotiation"
  std::string procedure;    // what the check sends and what it expects
  unsigned transports = kAnyTransport;
  std::string min_version;  // empty: no lower bound
  std::string max_version;  // empty: no upper bound (within the legacy era)
  // A capability (a key of the handshake's capabilities) without which the check skips:
  // decided from the preflight's handshake, before any server process is started.
  std::string capability;
  // The check calls a tool the policy allows (--call-tools): when the preflight's tool
  // list has none, it skips without starting the server again.
  bool needs_callable_tool = false;
  // Decides a skip from what the preflight saw (its handshake and first tool list) when
  // the check would skip anyway: nullopt runs the check. Never decides a pass or a failure.
  std::function<std::optional<Outcome>(const TargetConfig&)> precondition;
  // Runs alone, after the concurrent checks (--jobs): it measures timing, changes state
  // other checks rely on (the issuer's keys), or judges what the whole run saw.
  bool exclusive = false;
  // Judges what the whole run saw (every message, every tool listing): runs after all
  // other checks, beside the other concluding ones.
  bool concludes = false;
  std::function<Outcome(CheckContext&)> run;

  bool applies_to(unsigned transport, const std::string& version) const;
  Level level_on(unsigned transport) const { return transport == kStdio && stdio_level ? *stdio_level : level; }
};

class Registry {
 public:
  // Ids are unique; a duplicate is a programming error and aborts at start-up.
  void add(CheckSpec spec);
  const std::vector<CheckSpec>& all() const { return checks_; }
  const CheckSpec* find(const std::string& id) const;
  // Checks whose id matches any glob ("tools.*", "*.pagination"), less those matching an
  // exclusion ("!observability.*"); all (less exclusions) when no glob includes.
  std::vector<const CheckSpec*> select(const std::vector<std::string>& globs) const;

 private:
  std::vector<CheckSpec> checks_;
};

using mcp::glob_match;

// Every check this harness ships, in suite order (defined in suites/).
const Registry& builtin_checks();

}  // namespace mcp::harness
