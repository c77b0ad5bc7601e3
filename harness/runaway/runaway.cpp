#include "harness/runaway/runaway.h"

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "harness/client/task_requests.h"
#include "harness/engine/refusal.h"
#include "harness/engine/stats.h"
#include "mcp/json_rpc.h"
#include "mcp/profile_meta.h"
#include "mcp/protocol_version.h"
#include "mcp/schema_example.h"

namespace mcp::harness {

using json = nlohmann::json;
namespace protocol = mcp::protocol;

namespace {

// The _meta of a 2026-07-28 request that takes tasks (io.modelcontextprotocol/tasks).
json task_request_meta() {
  return {{protocol::kMetaClientCapabilities, {{"extensions", {{kTasksExtension, json::object()}}}}}};
}

struct Scenario {
  std::string name;
  std::string description;
  std::string verdict_id;
};

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> kScenarios = {
      {"tight-loop", "One agent calls one tool back to back, as a confused planning loop does.", "runaway.tight-loop.refused"},
      {"fan-out", "Parallel agents of one run (same run id) call at once.", "runaway.fan-out.refused"},
      {"retry-storm", "An agent retries every refusal at once, ignoring retry-after.", "runaway.retry-storm.structured"},
      {"polite", "An agent waits out every retry-after before calling again.", "runaway.polite.retry-after-honest"},
      {"many-sessions", "Many sessions call at once; none may be refused for another's calls.", "runaway.many-sessions.isolated"},
      {"slow-drip", "An agent calls at half the declared rate; it must never be refused.", "runaway.slow-drip.accepted"},
      {"task-polling", "An agent polls one task with tasks/get back to back, ignoring its pollInterval.",
       "runaway.task-polling.stable"},
  };
  return kScenarios;
}

// Shared by the agents of one scenario.
struct Recorder {
  const LimitsProfile& profile;
  std::chrono::milliseconds duration;
  Clock::time_point start = Clock::now();
  Clock::time_point deadline = Clock::now();
  std::atomic<int> calls{0};
  int max_calls;
  std::mutex mutex;
  std::vector<CallEvent> events;
  std::vector<json> refusals;  // kept for verdicts (first few hundred)
  std::vector<json> errors;

  bool more() const { return Clock::now() < deadline && calls.load() < max_calls; }

  // One call; returns the response (or null on transport failure) and records it.
  json call(McpClient& client, int agent, const std::string& tool, const json& args, const json& meta) {
    json params = {{"name", tool}, {"arguments", args}};
    if (!meta.is_null()) params["_meta"] = meta;
    return request(client, agent, "tools/call", std::move(params));
  }

  // Any request, recorded as accepted, refused (the profile's refusal, or a JSON-RPC
  // error that says when to retry) or an error.
  json request(McpClient& client, int agent, const std::string& method, json params) {
    ++calls;
    auto sent = Clock::now();
    auto response = client.request(method, std::move(params));
    double latency = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
    CallEvent event{std::chrono::duration<double, std::milli>(sent - start).count(), agent, CallEvent::kAccepted, latency};
    json message = response.ok() ? *response : json();
    bool retry_later = message.contains("error") && message["error"].value("data", json::object()).contains("retry_after_seconds");
    if (retry_later || (message.contains("result") && is_refusal(message, profile))) event.kind = CallEvent::kRefused;
    else if (!response.ok() || !message.contains("result") || message["result"].value("isError", false)) event.kind = CallEvent::kError;
    std::lock_guard<std::mutex> lock(mutex);
    events.push_back(event);
    if (event.kind == CallEvent::kRefused && refusals.size() < 500) refusals.push_back(message);
    if (event.kind == CallEvent::kError && errors.size() < 20) {
      errors.push_back(response.ok() ? message : json(response.status().to_string()));
    }
    return message;
  }
};

// A task on the first callable tool that runs as one (2026-07-28: declaring the tasks
// extension; 2025-11-25: tools listed with execution.taskSupport, with params.task): its id.
std::optional<std::string> start_any_task(McpClient& client, const std::vector<json>& tools, const ToolCallPolicy& policy) {
  for (const json& tool : tools) {
    std::string support = tool.value("execution", json::object()).value("taskSupport", "forbidden");
    if (!policy.allows(tool) || (!client.per_request() && support == "forbidden")) continue;
    std::optional<json> arguments = example_instance(tool.value("inputSchema", json::object()));
    if (!arguments) continue;
    auto answer = client.request("tools/call", task_call_params(client, tool["name"], *arguments, task_request_meta()));
    if (!answer.ok() || !answer->contains("result")) continue;
    json task = created_task(client, (*answer)["result"]);
    if (task.is_object() && task.contains("taskId") && task["taskId"].is_string()) return task["taskId"].get<std::string>();
  }
  return std::nullopt;
}

double retry_after(const json& response, const LimitsProfile& profile) {
  json refusal = refusal_of(response, profile);
  return refusal.is_object() && refusal.contains("retry_after_seconds") && refusal["retry_after_seconds"].is_number()
             ? refusal["retry_after_seconds"].get<double>()
             : -1;
}

std::string format_ms(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f ms", ms);
  return buffer;
}

int count(const std::vector<CallEvent>& events, CallEvent::Kind kind) {
  return static_cast<int>(std::count_if(events.begin(), events.end(), [&](const CallEvent& e) { return e.kind == kind; }));
}

// Runs `agents` threads, each with its own session, until the scenario ends.
Status run_agents(CheckContext& ctx, int agents, Recorder& recorder,
                  const std::function<void(int agent, McpClient& client)>& behave) {
  std::vector<McpClient> clients;
  for (int i = 0; i < agents; ++i) {
    auto client = ctx.session();
    if (!client.ok()) return client.status().with_context("opening session " + std::to_string(i + 1));
    clients.push_back(std::move(client).value());
    clients.back().stop_validating();  // refusals are judged here; schema checks are `run`'s, and would halve the rate
  }
  recorder.start = Clock::now();
  recorder.deadline = recorder.start + recorder.duration;
  std::vector<std::thread> threads;
  for (int i = 0; i < agents; ++i) threads.emplace_back([&, i] { behave(i, clients[static_cast<std::size_t>(i)]); });
  for (std::thread& t : threads) t.join();
  return ok_status();
}

}  // namespace

bool RunawayReport::passed() const {
  return std::all_of(scenarios.begin(), scenarios.end(), [](const ScenarioResult& s) { return s.verdict.verdict != Verdict::kFail; });
}

const std::vector<std::string>& runaway_scenario_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const Scenario& s : scenarios()) names.push_back(s.name);
    return names;
  }();
  return kNames;
}

std::vector<TimelineRow> build_timeline(const std::vector<CallEvent>& events) {
  std::vector<TimelineRow> rows;
  std::vector<std::vector<double>> latencies;
  for (const CallEvent& e : events) {
    std::size_t second = static_cast<std::size_t>(e.at_ms / 1000.0);
    while (rows.size() <= second) {
      rows.push_back(TimelineRow{static_cast<int>(rows.size())});
      latencies.emplace_back();
    }
    TimelineRow& row = rows[second];
    ++row.calls;
    if (e.kind == CallEvent::kAccepted) ++row.accepted;
    else if (e.kind == CallEvent::kRefused) ++row.refused;
    else ++row.errors;
    latencies[second].push_back(e.latency_ms);
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].p50_ms = percentile(latencies[i], 0.50);
    rows[i].p99_ms = percentile(latencies[i], 0.99);
  }
  return rows;
}

StatusOr<RunawayReport> run_runaway(const TargetConfig& target, const RunawayOptions& options, const RunawayProgress& progress) {
  RunawayReport report;
  report.target = target.describe();
  report.seed = options.seed;
  Transcript transcript;
  ViolationSink violations;
  CheckContext ctx(target, transcript, violations);

  // The tool to drive: the chosen one, or the first tool the call policy allows that answers.
  ASSIGN_OR_RETURN(McpClient probe, ctx.session());
  ASSIGN_OR_RETURN(ListWalk walk, walk_list(probe, "tools/list", "tools"));
  json arguments;
  for (const json& tool : walk.items) {
    std::string name = jsonrpc::string_member(tool, "name");
    if (!options.tool.empty() ? name != options.tool : !target.profile.tools.callable.allows(tool)) continue;
    // Any valid arguments will do; a schema nothing valid can be built for is passed over.
    std::optional<json> example = example_instance(tool.value("inputSchema", json::object()));
    if (!example) continue;
    json args = std::move(*example);
    auto answer = probe.request("tools/call", {{"name", name}, {"arguments", args}});
    if (!options.tool.empty() || (answer.ok() && answer->contains("result") && !(*answer)["result"].value("isError", false))) {
      report.tool = name;
      arguments = args;
      break;
    }
  }
  if (report.tool.empty()) {
    return failed_precondition(options.tool.empty() ? "no tool that " + target.profile.tools.callable.describe() +
                                                          " allows answered; name one with --tool, or widen --call-tools"
                                                    : "the server lists no tool named " + options.tool);
  }
  double declared_rate = 0;
  {
    json init = probe.handshake_response().value("result", json::object());
    json declared = init.value("_meta", json::object()).value("dev.mcp-harness/limits", json());
    if (declared.is_object()) declared_rate = declared.value("rate", json::object()).value("per_second", 0.0);
  }

  std::vector<std::string> chosen = options.scenarios.empty() ? runaway_scenario_names() : options.scenarios;
  for (std::size_t index = 0; index < chosen.size(); ++index) {
    auto it = std::find_if(scenarios().begin(), scenarios().end(), [&](const Scenario& s) { return s.name == chosen[index]; });
    if (it == scenarios().end()) return invalid_argument("unknown scenario " + chosen[index]);
    ScenarioResult result{it->name, it->description, it->verdict_id, {}, {}, {}, 0};
    Recorder recorder{target.profile.limits, options.duration};
    recorder.max_calls = options.max_calls;
    std::atomic<bool> done{false};
    std::thread reporter;
    if (progress) {
      reporter = std::thread([&] {
        while (!done) {
          double spent = std::chrono::duration<double>(Clock::now() - recorder.start).count() /
                         std::chrono::duration<double>(options.duration).count();
          progress(index, result.name, recorder.calls.load(), std::min(1.0, spent));
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      });
    }
    std::string run_id = "runaway-" + std::to_string(options.seed) + "-" + result.name;
    json run_meta = {{mcp::profile::kRunIdMetaKey, run_id}};
    Status status;
    const std::string& tool = report.tool;
    if (result.name == "tight-loop" || result.name == "retry-storm") {
      status = run_agents(ctx, 1, recorder, [&](int agent, McpClient& c) {
        while (recorder.more()) recorder.call(c, agent, tool, arguments, nullptr);
      });
    } else if (result.name == "fan-out") {
      status = run_agents(ctx, options.fan_out, recorder, [&](int agent, McpClient& c) {
        while (recorder.more()) recorder.call(c, agent, tool, arguments, run_meta);
      });
    } else if (result.name == "polite") {
      status = run_agents(ctx, 1, recorder, [&](int agent, McpClient& c) {
        std::mt19937_64 random(options.seed);
        while (recorder.more()) {
          json response = recorder.call(c, agent, tool, arguments, nullptr);
          double wait = retry_after(response, target.profile.limits);
          if (wait >= 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait + (random() % 5) / 1000.0));
        }
      });
    } else if (result.name == "many-sessions") {
      status = run_agents(ctx, options.sessions, recorder, [&](int agent, McpClient& c) {
        std::mt19937_64 random(options.seed * 7919 + static_cast<std::uint64_t>(agent));
        std::this_thread::sleep_for(std::chrono::milliseconds(random() % 50));  // a seeded, staggered start
        for (int i = 0; i < 5 && recorder.more(); ++i) recorder.call(c, agent, tool, arguments, nullptr);
      });
    } else if (result.name == "task-polling") {
      std::optional<std::string> task = start_any_task(probe, walk.items, target.profile.tools.callable);
      if (!task) {
        result.verdict = skip("no callable tool ran as a task");
        done = true;
        if (reporter.joinable()) reporter.join();
        report.scenarios.push_back(std::move(result));
        continue;
      }
      json params = {{"taskId", *task}};
      if (probe.per_request()) params["_meta"] = task_request_meta();
      // The task lives in the probe's session (2025-11-25 scopes tasks to it), so the storm polls from there.
      recorder.start = Clock::now();
      recorder.deadline = recorder.start + recorder.duration;
      probe.stop_validating();
      while (recorder.more()) recorder.request(probe, 0, "tasks/get", params);
    } else {  // slow-drip
      double rate = declared_rate > 0 ? declared_rate / 2 : 2;
      status = run_agents(ctx, 1, recorder, [&](int agent, McpClient& c) {
        while (recorder.more()) {
          recorder.call(c, agent, tool, arguments, nullptr);
          std::this_thread::sleep_for(std::chrono::duration<double>(1.0 / rate));
        }
      });
    }
    done = true;
    if (reporter.joinable()) reporter.join();
    if (!status.ok()) return status.with_context(result.name);
    result.events = recorder.events;
    std::sort(result.events.begin(), result.events.end(), [](const CallEvent& a, const CallEvent& b) { return a.at_ms < b.at_ms; });
    result.timeline = build_timeline(result.events);
    result.seconds = std::chrono::duration<double>(Clock::now() - recorder.start).count();

    int accepted = count(result.events, CallEvent::kAccepted), refused = count(result.events, CallEvent::kRefused);
    int errors = count(result.events, CallEvent::kError);
    std::vector<double> latencies;
    for (const CallEvent& e : result.events) latencies.push_back(e.latency_ms);
    double p99 = percentile(latencies, 0.99);
    std::string tally = std::to_string(result.events.size()) + " calls: " + std::to_string(accepted) + " accepted, " +
                        std::to_string(refused) + " refused, " + std::to_string(errors) + " errors; p99 " + format_ms(p99);
    std::string first_error = recorder.errors.empty() ? "" : recorder.errors.front().dump().substr(0, 300);
    if (errors > 0) {
      result.verdict = fail("calls failed outside a structured refusal", "accepted calls and structured refusals", first_error);
    } else if (result.name == "task-polling") {
      result.verdict = p99 > 1000 ? fail("polling slowed the server down: " + tally, "p99 under 1 s", format_ms(p99)) : pass(tally);
    } else if (result.name == "tight-loop" || result.name == "fan-out") {
      result.verdict = refused > 0 ? pass(tally) : fail("the runaway was never refused: " + tally, "refusals", "none");
    } else if (result.name == "retry-storm") {
      bool structured = std::all_of(recorder.refusals.begin(), recorder.refusals.end(), [&](const json& r) { return retry_after(r, target.profile.limits) >= 0; });
      if (refused == 0) result.verdict = fail("the storm was never refused: " + tally, "refusals", "none");
      else if (!structured) result.verdict = fail("a refusal carried no retry_after_seconds", "retry-after on every refusal", tally);
      else if (p99 > 1000) result.verdict = fail("the server slowed down under the storm: " + tally, "p99 under 1 s", std::to_string(p99));
      else result.verdict = pass(tally);
    } else if (result.name == "polite") {
      // After honouring retry-after, the next call should go through.
      int waited = 0, honoured = 0;
      for (std::size_t i = 0; i + 1 < result.events.size(); ++i) {
        if (result.events[i].kind != CallEvent::kRefused) continue;
        ++waited;
        honoured += result.events[i + 1].kind == CallEvent::kAccepted;
      }
      if (waited == 0) result.verdict = skip("never refused, so retry-after was never put to the test: " + tally);
      else if (honoured * 10 < waited * 9) {
        result.verdict = fail(std::to_string(waited - honoured) + " of " + std::to_string(waited) + " calls after waiting retry-after were refused again",
                              "the call after retry-after accepted", tally);
      } else {
        result.verdict = pass(tally);
      }
    } else if (result.name == "many-sessions") {
      std::vector<bool> first_seen(static_cast<std::size_t>(options.sessions), false);
      int refused_first = 0;
      for (const CallEvent& e : result.events) {
        if (first_seen[static_cast<std::size_t>(e.agent)]) continue;
        first_seen[static_cast<std::size_t>(e.agent)] = true;
        refused_first += e.kind == CallEvent::kRefused;
      }
      result.verdict = refused_first > 0 ? fail(std::to_string(refused_first) + " session(s) refused on their first call",
                                                "every session's first call accepted", tally)
                                         : pass(tally);
    } else {
      result.verdict = refused > 0 ? fail("the slow drip was refused: " + tally, "no refusals", std::to_string(refused))
                                   : pass(tally);
    }
    report.scenarios.push_back(std::move(result));
  }
  return report;
}

}  // namespace mcp::harness
