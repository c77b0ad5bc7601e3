// Limits (production profile, docs/profile.md "Limits"): a runaway agent loop is
// refused at the declared limit, with a structured refusal the agent can act on,
// an honest retry-after, isolation between sessions and tools, and no side effects.
#include <thread>

#include <algorithm>

#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"
#include "suites/limits/limits_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kProfileDoc = "docs/profile.md § Limits";

StatusOr<Loop> loop_on(CheckContext& ctx, McpClient& client, const std::string& tool, const json& arguments, int max_calls,
                       int stop_after_refused = 1, const json& meta = nullptr) {
  return tight_loop(ctx.target().profile.limits, client, tool, arguments, max_calls, stop_after_refused, meta);
}

const std::string kNoDeclaration = "the server declares no limits (initialize _meta) and the profile names none";

// The checks of declared limits skip before a server start when the preflight's handshake declares none.
std::optional<Outcome> without_declaration(const TargetConfig& target) {
  if (!target.first_handshake || declared_limits(*target.first_handshake, target.profile.limits).present) return std::nullopt;
  return skip(kNoDeclaration);
}

std::string code_of(CheckContext& ctx, const json& response) { return refusal_code(response, ctx.target().profile.limits); }

// A session, its tools, the declared limits and a tool to loop on; or the outcome to report.
struct LimitsSetup {
  ToolListing listing;
  DeclaredLimits limits;
  std::string tool;
  json arguments;
  std::optional<Outcome> outcome;
};

LimitsSetup setup(CheckContext& ctx, bool needs_declaration) {
  LimitsSetup s;
  s.listing = list_all_tools(ctx);
  if (s.listing.outcome) {
    s.outcome = s.listing.outcome;
    return s;
  }
  s.limits = declared_limits(*s.listing.session, ctx.target().profile.limits);
  if (needs_declaration && !s.limits.present) {
    s.outcome = skip(kNoDeclaration);
    return s;
  }
  // The first candidate that actually works: a listing can promise more than the tool does.
  std::vector<json> candidates = s.listing.tools;
  while (auto tool = loop_tool(ctx, candidates)) {
    auto probe = loop_on(ctx, s.listing.session->client, tool->first, tool->second, 1);
    // A refusal proves the tool works and is limited: keep it (isolation checks want exactly that).
    if (probe.ok() && (probe->accepted == 1 || probe->refused == 1)) {
      s.tool = tool->first;
      s.arguments = tool->second;
      return s;
    }
    std::erase_if(candidates, [&](const json& t) { return t.value("name", "") == tool->first; });
  }
  s.outcome = skip("no callable tool could be called successfully to loop on");
  return s;
}

// Enough calls to pass the declared burst even while the bucket refills.
int calls_past_burst(const DeclaredLimits& limits, const std::string& tool) {
  return static_cast<int>(limits.burst_for(tool) * 1.5 + limits.rate_for(tool) + 10);
}

// Only limits.runaway.refused fails for a loop nobody refuses, and only it and
// limits.refusal.structured fail for refusals they cannot recognise; the other
// checks cannot judge anything then, so they skip and point there.
enum class WhenNotRefused { kFail, kFailIfUnrecognised, kSkip };

std::optional<Outcome> expect_refused(const Loop& loop, const std::string& what,
                                      WhenNotRefused policy = WhenNotRefused::kSkip) {
  if (loop.refused > 0) return std::nullopt;
  bool unrecognised = !loop.other_failure.is_null() && loop.other_failure.contains("result");
  if (policy == WhenNotRefused::kSkip || (policy == WhenNotRefused::kFailIfUnrecognised && !unrecognised)) {
    return skip(unrecognised ? "refusals are not recognisable; see limits.refusal.structured"
                             : "no refusal within the call cap; see limits.runaway.refused");
  }
  if (!loop.other_failure.is_null()) {
    return fail(what + ": the server answered with something other than a structured refusal",
                "a CallToolResult with isError and structuredContent.code rate_limited/budget_exhausted",
                compact(loop.other_failure));
  }
  return fail(what + ": " + std::to_string(loop.accepted) + " calls in " + std::to_string(loop.seconds) +
                  " s, none refused",
              "a refusal", "every call accepted");
}

// Spends a budget on the costliest current read-only tools, pacing each tool
// within its rate. Ends at the first budget refusal; `outcome` is set when the
// spending itself went wrong.
struct BudgetSpend {
  long long spent = 0;
  long long top_cost = 1;
  json refusal;  // structuredContent of the budget_exhausted refusal, if one came
  std::optional<Outcome> outcome;
};

BudgetSpend spend_budget(CheckContext& ctx, LimitsSetup& s, const json& meta) {
  BudgetSpend out;
  const DeclaredLimits& limits = s.limits;
  std::string key = ctx.target().profile.versioning.lifecycle_key;
  std::vector<std::pair<std::string, json>> tools;
  for (const json& tool : s.listing.tools) {
    auto found = callable_tool(call_policy(ctx), {tool}, [&](const json& t) { return is_current_version(t, key); });
    if (found) tools.emplace_back(tool.value("name", ""), found->second);
  }
  if (tools.empty()) {
    out.outcome = skip("no callable tool to spend the budget on");
    return out;
  }
  std::stable_sort(tools.begin(), tools.end(),
                   [&](const auto& x, const auto& y) { return limits.cost_of(x.first) > limits.cost_of(y.first); });
  out.top_cost = limits.cost_of(tools.front().first);
  std::erase_if(tools, [&](const auto& t) { return limits.cost_of(t.first) != out.top_cost; });
  long long calls_needed = (limits.budget_units + out.top_cost - 1) / out.top_cost;
  if (calls_needed > ctx.target().profile.limits.max_calls) {
    out.outcome = skip("spending the budget takes " + std::to_string(calls_needed) + " calls, over max_calls");
    return out;
  }
  McpClient& client = s.listing.session->client;
  for (long long i = 0, waits = 0; i <= calls_needed && waits < 10 * calls_needed; ++i) {
    const auto& [name, args] = tools[static_cast<std::size_t>(i) % tools.size()];
    auto call = loop_on(ctx, client, name, args, 1, 1, meta);
    if (!call.ok()) {
      out.outcome = fail_status(call.status(), "calling " + name);
      return out;
    }
    std::string code = code_of(ctx, call->first_refusal);
    if (code == "rate_limited") {
      std::this_thread::sleep_for(std::chrono::duration<double>(1.0 / limits.rate_for(name)));
      --i;
      ++waits;
      continue;
    }
    if (code == "budget_exhausted") {
      out.refusal = refusal_of(call->first_refusal, ctx.target().profile.limits);
      return out;
    }
    if (!call->other_failure.is_null()) {
      out.outcome = call->other_failure.contains("result") && out.spent > 0
                        ? skip("refusals are not recognisable; see limits.refusal.structured")
                        : fail("calling " + name + " failed", "success or a refusal", compact(call->other_failure, 400));
      return out;
    }
    out.spent += out.top_cost;
  }
  return out;
}

}  // namespace

void register_limits(Registry& registry) {
  registry.add({
      .id = "limits.declared",
      .level = Level::kProfile,
      .requirement = "The server declares its limits (rate per tool, budget per session) in the initialize result's "
                     "_meta, so agents and harnesses can plan within them.",
      .spec_ref = kProfileDoc,
      .procedure = "Initializes and reads _meta[\"dev.mcp-harness/limits\"] (or the profile's declared limits).",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        DeclaredLimits limits = declared_limits(s, ctx.target().profile.limits);
        if (!limits.present) {
          return fail("no usable limits declaration", "rate {per_second, burst} and budget {units, window_seconds}",
                      compact(s.initialize_response.value("result", json()).value("_meta", json())));
        }
        return pass(std::to_string(limits.per_second) + "/s burst " + std::to_string(limits.burst) + ", budget " +
                    std::to_string(limits.budget_units) + " per " + std::to_string(limits.window_seconds) + " s");
      },
  });

  registry.add({
      .id = "limits.runaway.refused",
      .level = Level::kProfile,
      .requirement = "A runaway loop calling one tool back to back is refused before it reaches the profile's call cap.",
      .spec_ref = kProfileDoc,
      .procedure = "Calls one read-only tool back to back, up to max_calls (400), until a refusal.",
      .needs_callable_tool = true,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup s = setup(ctx, false);
        if (s.outcome) return *s.outcome;
        REQUIRE_OK(Loop loop, loop_on(ctx, s.listing.session->client, s.tool, s.arguments, ctx.target().profile.limits.max_calls),
                   "looping on " + s.tool);
        REQUIRE(expect_refused(loop, "a tight loop on " + s.tool, WhenNotRefused::kFail));
        return pass("refused at call " + std::to_string(loop.first_refusal_at + 1));
      },
  });

  registry.add({
      .id = "limits.rate.at-declared-limit",
      .level = Level::kProfile,
      .requirement = "Refusals start at the declared rate limit: not before the burst is spent, and no later than the "
                     "burst plus what the bucket refilled meanwhile.",
      .spec_ref = kProfileDoc,
      .procedure = "Loops on one tool and compares the index of the first refusal with the declared burst and rate.",
      .needs_callable_tool = true,
      .precondition = without_declaration,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup s = setup(ctx, true);
        if (s.outcome) return *s.outcome;
        REQUIRE_OK(Loop loop, loop_on(ctx, s.listing.session->client, s.tool, s.arguments, calls_past_burst(s.limits, s.tool)),
                   "looping on " + s.tool);
        REQUIRE(expect_refused(loop, "a loop past the declared burst"));
        double burst = s.limits.burst_for(s.tool), rate = s.limits.rate_for(s.tool);
        double earliest = burst - 1, latest = burst + rate * loop.seconds + 2;
        std::string expected = "first refusal after " + std::to_string(static_cast<int>(earliest)) + " to " +
                               std::to_string(static_cast<int>(latest)) + " calls";
        if (loop.first_refusal_at < earliest || loop.first_refusal_at > latest) {
          return fail("refusals began after " + std::to_string(loop.first_refusal_at) + " calls", expected,
                      std::to_string(loop.first_refusal_at) + " accepted, then " + compact(loop.first_refusal, 300));
        }
        return pass("refused after " + std::to_string(loop.first_refusal_at) + " calls (" + expected + ")");
      },
  });

  registry.add({
      .id = "limits.refusal.structured",
      .level = Level::kProfile,
      .requirement = "A refusal is a tool result (isError: true) whose structuredContent carries code, scope, limit, "
                     "remaining, retry_after_seconds and retry_at, with text that tells the model when to try again.",
      .spec_ref = kProfileDoc,
      .procedure = "Loops on one tool until refused and inspects the refusal.",
      .needs_callable_tool = true,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup s = setup(ctx, false);
        if (s.outcome) return *s.outcome;
        REQUIRE_OK(Loop loop, loop_on(ctx, s.listing.session->client, s.tool, s.arguments, ctx.target().profile.limits.max_calls),
                   "looping on " + s.tool);
        REQUIRE(expect_refused(loop, "a tight loop", WhenNotRefused::kFailIfUnrecognised));
        if (loop.first_refusal.contains("http_status")) {
          return fail("the refusal is a bare HTTP 429 with no tool result: the agent sees a transport error, not a reason "
                      "and a time to retry",
                      "a tool result (isError: true) with structuredContent: code, retry_after_seconds, retry_at",
                      loop.first_refusal.value("body", ""));
        }
        const json& result = loop.first_refusal["result"];
        json refusal = refusal_of(loop.first_refusal, ctx.target().profile.limits);
        auto revision = protocol::find_revision(s.listing.session->client.protocol_version());
        if (revision && revision->structured_content && !result.value("structuredContent", json()).is_object()) {
          return fail("the refusal carries no structuredContent although protocol " +
                          s.listing.session->client.protocol_version() + " has it",
                      "structuredContent with the refusal", compact(result));
        }
        for (const char* field : {"code", "scope", "limit", "remaining", "retry_after_seconds", "retry_at"}) {
          if (!refusal.contains(field)) {
            return fail(std::string("the refusal has no \"") + field + "\"", "code, scope, limit, remaining, retry_after_seconds, retry_at",
                        compact(refusal));
          }
        }
        if (!refusal["retry_after_seconds"].is_number() || refusal["retry_after_seconds"].get<double>() < 0 ||
            !refusal["retry_at"].is_string()) {
          return fail("retry-after is not a non-negative number with an absolute time", "retry_after_seconds >= 0, retry_at string",
                      compact(refusal));
        }
        std::string text;
        for (const json& block : result.value("content", json::array())) text += block.value("text", "");
        if (text.find("try again after") == std::string::npos) {
          return fail("the refusal's text does not tell the model when to retry", "text containing \"try again after\"", text);
        }
        return pass(refusal["code"].get<std::string>() + ": " + text);
      },
  });

  registry.add({
      .id = "limits.refusal.not-transport-error",
      .level = Level::kProfile,
      .requirement = "Refusals travel as ordinary tool results: HTTP 200 and a JSON-RPC result, never HTTP 429 or a "
                     "JSON-RPC error the model cannot read.",
      .spec_ref = kProfileDoc,
      .procedure = "Loops on one tool over HTTP and inspects the status and body of the call that was refused.",
      .transports = kHttp,
      .needs_callable_tool = true,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup s = setup(ctx, false);
        if (s.outcome) return *s.outcome;
        HttpConnection* http = as_http(s.listing.session->client);
        HttpRequestSpec call = client_request(s.listing.session->client, "loop", "tools/call",
                                              {{"name", s.tool}, {"arguments", s.arguments}});
        for (int i = 0; i < ctx.target().profile.limits.max_calls; ++i) {
          HttpReply reply = http->exchange(call);
          bool refused = !reply.messages.empty() && is_refusal(reply.messages.back(), ctx.target().profile.limits);
          if (reply.status == 200 && !refused) continue;
          if (reply.status != 200 || !refused) {
            return fail("call " + std::to_string(i + 1) + " was refused outside a tool result", "HTTP 200 with a refusal result",
                        "HTTP " + std::to_string(reply.status) + " " + (reply.messages.empty() ? reply.body.substr(0, 300)
                                                                                             : compact(reply.messages.back(), 300)));
          }
          return pass("refused with HTTP 200 after " + std::to_string(i) + " calls");
        }
        return skip("no refusal within max_calls; see limits.runaway.refused");
      },
  });

  registry.add({
      .id = "limits.retry-after.honest",
      .level = Level::kProfile,
      .requirement = "Retry-after is honest: a call made right after a refusal is refused again, and a call made "
                     "once retry-after has passed is accepted.",
      .spec_ref = kProfileDoc,
      .procedure = "Loops until refused, retries at once (expects a refusal), waits retry_after_seconds, retries "
                   "(expects success). Skipped when retry-after exceeds 5 s.",
      .needs_callable_tool = true,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup s = setup(ctx, false);
        if (s.outcome) return *s.outcome;
        McpClient& client = s.listing.session->client;
        REQUIRE_OK(Loop loop, loop_on(ctx, client, s.tool, s.arguments, ctx.target().profile.limits.max_calls), "looping");
        REQUIRE(expect_refused(loop, "a tight loop"));
        json refusal = refusal_of(loop.first_refusal, ctx.target().profile.limits);
        if (!refusal.contains("retry_after_seconds") || !refusal["retry_after_seconds"].is_number()) {
          return fail("the refusal has no retry_after_seconds", "a number", compact(refusal));
        }
        double wait = refusal["retry_after_seconds"].get<double>();
        if (wait > 5) return skip("retry-after is " + std::to_string(wait) + " s; too long to wait for in a check");
        REQUIRE_OK(Loop again, loop_on(ctx, client, s.tool, s.arguments, 1), "retrying at once");
        // Only a retry that really came before retry-after can prove the refusal was needed.
        // The server refused after the refused call was sent and accepted before this
        // answer arrived, so the time between them is at most this span; a slow server
        // (sanitizers, load) stretches it, and then the acceptance proves nothing.
        bool immediate = std::chrono::duration<double>(Clock::now() - loop.first_refusal_sent).count() < wait;
        if (again.refused == 0 && immediate) {
          return fail("a call right after the refusal was accepted, so the refusal was not needed",
                      "refused until retry-after passes", "accepted");
        }
        if (again.refused == 0) {
          // On a slow machine the retry came after retry-after and took the refilled token:
          // refuse once more, so that the wait below starts from a refusal.
          REQUIRE_OK(again, loop_on(ctx, client, s.tool, s.arguments, ctx.target().profile.limits.max_calls),
                     "looping until refused again");
          REQUIRE(expect_refused(again, "the second loop"));
        }
        json latest = refusal_of(again.first_refusal, ctx.target().profile.limits);
        wait = latest.value("retry_after_seconds", wait);
        if (wait > 5) return skip("retry-after is " + std::to_string(wait) + " s; too long to wait for in a check");
        std::this_thread::sleep_for(std::chrono::duration<double>(wait + 0.02));
        REQUIRE_OK(Loop later, loop_on(ctx, client, s.tool, s.arguments, 1), "retrying after retry-after");
        if (later.accepted != 1) {
          return fail("a call after waiting retry_after_seconds (" + std::to_string(wait) + " s) was refused again",
                      "accepted after retry-after", compact(later.first_refusal.is_null() ? later.other_failure : later.first_refusal, 400));
        }
        return pass("waited " + std::to_string(wait) + " s");
      },
  });

  registry.add({
      .id = "limits.isolation.sessions",
      .level = Level::kProfile,
      .requirement = "One session's spent budget and rate limit never refuse another session.",
      .spec_ref = kProfileDoc,
      .procedure = "Exhausts the rate limit on one tool and the budget in session A, then calls from session B.",
      .needs_callable_tool = true,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup a = setup(ctx, false);
        if (a.outcome) return *a.outcome;
        REQUIRE_OK(Loop rate, loop_on(ctx, a.listing.session->client, a.tool, a.arguments, ctx.target().profile.limits.max_calls),
                   "exhausting in session A");
        REQUIRE(expect_refused(rate, "session A's loop"));
        std::string last_code = code_of(ctx, rate.first_refusal);
        if (a.limits.present) {
          BudgetSpend spend = spend_budget(ctx, a, nullptr);
          if (spend.outcome) return *spend.outcome;
          // The costly tools stop with a few units left; spend those on the cheap tool too.
          for (long long i = 0; !spend.refusal.is_null() && i < 3 * spend.top_cost; ++i) {
            REQUIRE_OK(Loop rest, loop_on(ctx, a.listing.session->client, a.tool, a.arguments, 1), "spending the last units");
            std::string code = code_of(ctx, rest.first_refusal);
            if (code == "budget_exhausted") break;
            if (code == "rate_limited") std::this_thread::sleep_for(std::chrono::duration<double>(1.0 / a.limits.rate_for(a.tool)));
          }
          if (!spend.refusal.is_null()) last_code = "budget_exhausted";
        }
        LimitsSetup b = setup(ctx, false);
        if (b.outcome) return *b.outcome;
        REQUIRE_OK(Loop other, loop_on(ctx, b.listing.session->client, a.tool, a.arguments, 1), "calling from session B");
        if (other.accepted != 1) {
          return fail("session B was refused because of session A (" + last_code + ")", "session B's first call accepted",
                      compact(other.first_refusal.is_null() ? other.other_failure : other.first_refusal, 400));
        }
        return pass("session A ended " + last_code + "; session B unaffected");
      },
  });

  registry.add({
      .id = "limits.isolation.tools",
      .level = Level::kProfile,
      .requirement = "Exhausting one tool's rate limit does not refuse calls to another tool.",
      .spec_ref = kProfileDoc,
      .procedure = "Loops on one tool until rate-limited, then calls a different read-only tool in the same session.",
      .needs_callable_tool = true,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup s = setup(ctx, false);
        if (s.outcome) return *s.outcome;
        REQUIRE_OK(Loop loop, loop_on(ctx, s.listing.session->client, s.tool, s.arguments, ctx.target().profile.limits.max_calls),
                   "looping on " + s.tool);
        REQUIRE(expect_refused(loop, "a tight loop"));
        if (code_of(ctx, loop.first_refusal) != "rate_limited") return skip("the loop met the budget before any rate limit");
        // Any other current read-only tool that works; a refusal from it is the failure.
        std::vector<json> others = s.listing.tools;
        std::erase_if(others, [&](const json& t) { return t.value("name", "") == s.tool; });
        while (auto other = loop_tool(ctx, others)) {
          REQUIRE_OK(Loop next, loop_on(ctx, s.listing.session->client, other->first, other->second, 1), "calling " + other->first);
          if (next.accepted == 1) return pass(other->first + " unaffected by " + s.tool + "'s limit");
          if (next.refused) {
            return fail(other->first + " was refused after " + s.tool + " hit its rate limit", other->first + " accepted",
                        compact(next.first_refusal, 400));
          }
          std::erase_if(others, [&](const json& t) { return t.value("name", "") == other->first; });
        }
        return skip("no other callable tool could be called successfully");
      },
  });

  registry.add({
      .id = "limits.budget.at-declared-limit",
      .level = Level::kProfile,
      .requirement = "An agent run's budget is refused exactly when the declared units are spent, with code "
                     "budget_exhausted and the run (or session) as scope.",
      .spec_ref = kProfileDoc,
      .procedure = "Spends a fresh run id's budget on the costliest read-only tools, pacing calls within each tool's "
                   "rate, and checks where budget_exhausted begins.",
      .needs_callable_tool = true,
      .precondition = without_declaration,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup s = setup(ctx, true);
        if (s.outcome) return *s.outcome;
        json meta = {{s.limits.run_id_key, "mcp-harness-budget-" + std::to_string(Clock::now().time_since_epoch().count())}};
        BudgetSpend spend = spend_budget(ctx, s, meta);
        if (spend.outcome) return *spend.outcome;
        if (spend.refusal.is_null()) {
          return fail("spent " + std::to_string(spend.spent) + " units of a declared " + std::to_string(s.limits.budget_units) +
                          " without refusal",
                      "budget_exhausted once the budget is spent", "no refusal");
        }
        if (spend.spent + spend.top_cost <= s.limits.budget_units) {
          return fail("budget refused after " + std::to_string(spend.spent) + " of " + std::to_string(s.limits.budget_units) + " units",
                      "refusal only once the declared budget is spent", compact(spend.refusal));
        }
        std::string scope = spend.refusal.value("scope", "");
        if (scope != "run" && scope != "session") {
          return fail("the budget refusal names scope \"" + scope + "\"", "scope run or session", compact(spend.refusal));
        }
        return pass("refused after " + std::to_string(spend.spent) + " units, scope " + scope);
      },
  });

  registry.add({
      .id = "limits.refusal.no-side-effects",
      .level = Level::kProfile,
      .requirement = "A refused call does not run the tool: the declared execution counter grows only by the calls "
                     "that were accepted.",
      .spec_ref = kProfileDoc,
      .procedure = "Reads the declared executions resource, loops past the rate limit, reads it again and compares.",
      .needs_callable_tool = true,
      .precondition = without_declaration,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup s = setup(ctx, true);
        if (s.outcome) return *s.outcome;
        if (s.limits.executions_resource.empty()) return skip("no executions resource declared to observe side effects");
        McpClient& client = s.listing.session->client;
        auto count = [&]() -> StatusOr<long long> {
          ASSIGN_OR_RETURN(json response, client.request("resources/read", {{"uri", s.limits.executions_resource}}));
          if (!response.contains("result")) return failed_precondition("cannot read " + s.limits.executions_resource);
          json counts = jsonrpc::parse_untrusted_value(response["result"]["contents"][0].value("text", "{}"));
          return counts.is_object() ? counts.value(s.tool, 0LL) : 0LL;
        };
        REQUIRE_OK(long long before, count(), "reading executions");
        REQUIRE_OK(Loop loop, loop_on(ctx, client, s.tool, s.arguments, calls_past_burst(s.limits, s.tool), 5), "looping");
        REQUIRE(expect_refused(loop, "a loop past the burst"));
        REQUIRE_OK(long long after, count(), "reading executions again");
        if (after - before != loop.accepted) {
          return fail(std::to_string(after - before) + " executions for " + std::to_string(loop.accepted) + " accepted and " +
                          std::to_string(loop.refused) + " refused calls",
                      std::to_string(loop.accepted) + " executions", std::to_string(after - before));
        }
        return pass(std::to_string(loop.refused) + " refused calls ran nothing");
      },
  });

  registry.add({
      .id = "limits.slow-drip.accepted",
      .level = Level::kProfile,
      .requirement = "An agent calling at half the declared rate is never refused.",
      .spec_ref = kProfileDoc,
      .procedure = "Calls one tool at half its declared rate for about a second (at least 3 calls).",
      .needs_callable_tool = true,
      .precondition = without_declaration,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        LimitsSetup s = setup(ctx, true);
        if (s.outcome) return *s.outcome;
        double rate = s.limits.rate_for(s.tool);
        int calls = std::max(3, static_cast<int>(rate / 2));
        auto gap = std::chrono::duration<double>(2.0 / rate);
        for (int i = 0; i < calls; ++i) {
          REQUIRE_OK(Loop call, loop_on(ctx, s.listing.session->client, s.tool, s.arguments, 1), "calling " + s.tool);
          if (call.refused || !call.other_failure.is_null()) {
            return fail("call " + std::to_string(i + 1) + " at half the declared rate was refused", "every call accepted",
                        compact(call.refused ? call.first_refusal : call.other_failure, 400));
          }
          if (i + 1 < calls) std::this_thread::sleep_for(gap);
        }
        return pass(std::to_string(calls) + " calls at " + std::to_string(rate / 2) + "/s");
      },
  });
}

}  // namespace mcp::harness::suites
