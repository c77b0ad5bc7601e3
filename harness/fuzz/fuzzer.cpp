#include "harness/fuzz/fuzzer.h"

#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "harness/client/http_connection.h"
#include "harness/engine/verify.h"
#include "harness/fuzz/argument_fuzzer.h"
#include "harness/fuzz/protocol_cases.h"
#include "mcp/json_rpc.h"
#include "mcp/json_schema.h"

namespace mcp::harness::fuzz {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// One session with the server under test. For stdio it is a process of its own.
class Live {
 public:
  explicit Live(const TargetConfig& target) : target_(target) {}
  Status open() {
    client_.reset();
    transcript_ = std::make_unique<Transcript>();
    context_ = std::make_unique<CheckContext>(target_, *transcript_, sink_);
    auto session = context_->session();
    if (!session.ok()) return session.status();
    client_.emplace(std::move(session).value());
    // Fuzz judges replies by its own properties; checking every message against the
    // official schema is `run`'s job and would halve the call rate here.
    client_->stop_validating();
    return ok_status();
  }
  McpClient& client() { return *client_; }
  bool is_open() const { return client_.has_value(); }
  // How a stdio server ended, if it did.
  std::string exit_description() {
    StdioConnection* stdio = client_ ? as_stdio(*client_) : nullptr;
    if (!stdio) return "";
    auto status = stdio->process().wait_for(std::chrono::milliseconds(200));
    if (!status) return "";
    if (status->signal) return "server killed by signal " + std::to_string(status->signal);
    return "server exited with code " + std::to_string(status->code);
  }

 private:
  const TargetConfig& target_;
  ViolationSink sink_;
  std::unique_ptr<Transcript> transcript_;  // bounded: it keeps the first entries only
  std::unique_ptr<CheckContext> context_;
  std::optional<McpClient> client_;
};

struct CallResult {
  // kOversizedHeaders: an HTTP 4xx without a JSON-RPC answer to a call whose
  // Mcp-Param-* headers were too large for common servers; the server had to refuse
  // the headers before the body's schema could help.
  enum class What { kResponse, kHang, kClosed, kOversizedHeaders } what = What::kResponse;
  json response;
  std::string detail;
  bool slow = false;  // cancelled while still reporting progress
};

struct PendingCall {
  std::string tool;
  json arguments;
};

// What servers commonly accept in one header line (httplib, nginx, Node: 8 KiB), less
// some slack for servers that count the line differently.
constexpr std::size_t kCommonHeaderLimit = 8 * 1024 - 256;

bool headers_oversized(McpClient& client, const json& request) {
  HttpConnection* http = as_http(client);
  if (!http) return false;
  for (const auto& [name, value] : request_metadata_headers(request, &http->tool_header_book())) {
    if (name.size() + value.size() + 4 > kCommonHeaderLimit) return true;  // "Name: value\r\n"
  }
  return false;
}

// tools/call for each call, all sent before any reply is awaited (pipelined), each
// with a progress token: progress notifications extend that call's deadline (up to
// two call timeouts), as the spec lets clients do for long operations.
std::vector<CallResult> call_tools(McpClient& client, const std::vector<PendingCall>& calls, std::chrono::milliseconds timeout) {
  struct InFlight {
    json id;
    std::string token;
    Clock::time_point deadline, hard_deadline;
    bool progressed = false;
    bool done = false;
  };
  std::vector<CallResult> results(calls.size());
  std::vector<InFlight> flights(calls.size());
  std::size_t open = 0;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    InFlight& f = flights[i];
    f.id = client.next_id();
    f.token = "fuzz-" + f.id.dump();
    json params = {{"name", calls[i].tool}, {"arguments", calls[i].arguments}, {"_meta", {{"progressToken", f.token}}}};
    if (Status sent = client.send_request(f.id, "tools/call", params); !sent.ok()) {
      // An HTTP error status without an answer (failed_precondition) ends this POST, not the connection.
      if (sent.code() == StatusCode::kFailedPrecondition &&
          headers_oversized(client, jsonrpc::make_request(f.id, "tools/call", params))) {
        results[i] = {CallResult::What::kOversizedHeaders, {}, sent.message()};
        f.done = true;
        open = i + 1;
        continue;
      }
      for (std::size_t j = i; j < calls.size(); ++j) results[j] = {CallResult::What::kClosed, {}, sent.message()};
      break;
    }
    f.deadline = Clock::now() + timeout;
    f.hard_deadline = Clock::now() + 2 * timeout;
    open = i + 1;
  }
  std::size_t pending = 0;
  for (std::size_t i = 0; i < open; ++i) pending += !flights[i].done;
  while (pending > 0) {
    auto earliest = Clock::time_point::max();
    for (std::size_t i = 0; i < open; ++i) {
      if (!flights[i].done) earliest = std::min(earliest, flights[i].deadline);
    }
    auto message = client.next_message(earliest);
    if (!message.ok()) {
      if (message.status().code() != StatusCode::kDeadlineExceeded) {
        for (std::size_t i = 0; i < open; ++i) {
          if (!flights[i].done) results[i] = {CallResult::What::kClosed, {}, message.status().message()};
        }
        break;
      }
      for (std::size_t i = 0; i < open; ++i) {
        InFlight& f = flights[i];
        if (f.done || Clock::now() < f.deadline) continue;
        f.done = true;
        --pending;
        (void)client.connection().send(jsonrpc::make_notification("notifications/cancelled", {{"requestId", f.id}, {"reason", "fuzz deadline"}}));
        // Over HTTP the reply stream was read (and cut) during the send, so progress seen there is all there is.
        bool stream_cut = as_http(client) != nullptr;
        if (f.progressed && (Clock::now() >= f.hard_deadline || stream_cut)) {
          // Still reporting progress when the time ran out: a slow tool, not a hung one.
          results[i] = {CallResult::What::kResponse, json{{"result", {{"isError", true}, {"content", json::array()}}}}, "cancelled while progressing", true};
        } else {
          results[i] = {CallResult::What::kHang, {}, "no response or progress within " + std::to_string(timeout.count()) + " ms"};
        }
      }
      continue;
    }
    if (!message->contains("method")) {
      json id = message->value("id", json());
      for (std::size_t i = 0; i < open; ++i) {
        if (flights[i].done || flights[i].id != id) continue;
        flights[i].done = true;
        --pending;
        results[i] = {CallResult::What::kResponse, std::move(*message), ""};
        break;
      }
    } else if (message->value("method", "") == "notifications/progress") {
      const json& p = (*message)["params"];
      std::string token = p.is_object() && p.contains("progressToken") && p["progressToken"].is_string() ? p["progressToken"].get<std::string>() : "";
      for (std::size_t i = 0; i < open; ++i) {
        InFlight& f = flights[i];
        if (f.done || f.token != token) continue;
        f.progressed = true;
        f.deadline = std::min(f.hard_deadline, Clock::now() + timeout);
      }
    }
  }
  return results;
}

CallResult call_tool(McpClient& client, const std::string& tool, const json& arguments, std::chrono::milliseconds timeout) {
  return call_tools(client, {{tool, arguments}}, timeout).front();
}

struct ToolUnderTest {
  json tool;
  std::string name;
  ArgumentFuzzer arguments;
  SchemaValidator input;
  std::optional<SchemaValidator> output;
  ToolUnderTest(const json& t)
      : tool(t), name(t.value("name", "")), arguments(t.value("inputSchema", json::object())),
        input(t.value("inputSchema", json::object())) {
    if (t.contains("outputSchema") && t["outputSchema"].is_object()) output.emplace(t["outputSchema"]);
  }
};

struct Verdict {
  std::string kind;
  std::string detail;
};

// The properties of one call. valid: the arguments satisfy the input schema.
std::optional<Verdict> judge(const CallResult& call, bool valid, const ToolUnderTest& tool) {
  if (call.what == CallResult::What::kHang) return Verdict{"hang", call.detail};
  if (call.what == CallResult::What::kClosed) return Verdict{"crash", call.detail};
  if (call.what == CallResult::What::kOversizedHeaders) {
    if (valid) return Verdict{"rejected-valid", "valid arguments refused at the HTTP layer: " + call.detail};
    return std::nullopt;
  }
  const json& response = call.response;
  if (response.contains("error")) {
    int code = response["error"].value("code", 0);
    if (code == jsonrpc::kInternalError) return Verdict{"internal-error", "JSON-RPC -32603: " + compact(response["error"], 300)};
    // The tool needs a client capability the fuzzer does not declare: refused before its arguments matter.
    if (code == jsonrpc::kMissingRequiredClientCapability) return std::nullopt;
    if (valid) return Verdict{"rejected-valid", "valid arguments refused: " + compact(response["error"], 300)};
    // -32602 is the answer; -32600 is accepted too, for requests refused whole by a server limit (depth, size).
    if (code != jsonrpc::kInvalidParams && code != jsonrpc::kInvalidRequest) {
      return Verdict{"wrong-error", "invalid arguments answered with " + compact(response["error"], 300)};
    }
    return std::nullopt;
  }
  const json& result = response.contains("result") ? response["result"] : json();
  if (!result.is_object()) return Verdict{"protocol", "response without a result object: " + compact(response, 300)};
  if (result.value("isError", false)) return std::nullopt;  // a tool error is an acceptable answer to anything
  if (result.value("resultType", "") == "input_required") return std::nullopt;  // the fuzzer answers no questions
  if (!valid) return Verdict{"accepted-invalid", "invalid arguments gave a successful result: " + compact(result, 300)};
  if (tool.output) {
    if (!result.contains("structuredContent")) return Verdict{"output-schema", "outputSchema declared but no structuredContent"};
    auto errors = tool.output->validate(result["structuredContent"]);
    if (!errors.empty()) return Verdict{"output-schema", describe_errors(errors) + " in " + compact(result["structuredContent"], 300)};
  }
  return std::nullopt;
}

bool answers_ping(McpClient& client, std::chrono::milliseconds timeout) {
  json id = client.next_id();
  if (!client.send_request(id, "ping").ok()) return false;
  auto response = client.await_response(id, deadline_in(timeout));
  (void)client.take_others();
  return response.ok();
}

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) return invalid_argument("cannot write " + path);
  out << text;
  return ok_status();
}

}  // namespace

json repro_json(const Finding& f, const TargetConfig& target, std::uint64_t seed) {
  json out = {{"mcp_harness_repro", 1}, {"kind", f.kind},  {"detail", f.detail}, {"seed", seed},
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
    findings.push_back({{"kind", f.kind}, {"tool", f.tool}, {"detail", f.detail}, {"arguments", f.arguments},
                        {"mutation", f.mutation}, {"message", f.message}, {"repro", f.repro_path}, {"shrink_steps", f.shrink_steps}});
  }
  return {{"seed", r.seed}, {"calls", r.calls}, {"protocol_cases", r.protocol_cases}, {"seconds", r.seconds},
          {"calls_by_tool", r.calls_by_tool}, {"skipped_tools", r.skipped_tools}, {"findings", findings},
          {"stopped_because", r.stopped_because}};
}

FuzzReport run_fuzz(const TargetConfig& target, const FuzzOptions& options, const Progress& progress) {
  FuzzReport report;
  report.seed = options.seed ? options.seed : static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
  auto start = Clock::now();
  Live live(target);
  if (Status opened = live.open(); !opened.ok()) {
    report.stopped_because = "cannot open a session: " + opened.message();
    return report;
  }
  std::vector<std::unique_ptr<ToolUnderTest>> tools;
  auto listed = walk_list(live.client(), "tools/list", "tools");
  if (!listed.ok()) {
    report.stopped_because = "tools/list failed: " + listed.status().message();
    return report;
  }
  for (const json& tool : listed->items) {
    std::string name = tool.value("name", "");
    bool chosen = options.tools.empty();
    for (const std::string& glob : options.tools) chosen = chosen || glob_match(glob, name);
    if (!chosen) continue;
    if (!target.profile.tools.callable.allows(tool)) {
      report.skipped_tools.push_back(name + ": not among " + target.profile.tools.callable.describe() +
                                     " (--call-tools all, or NAME, to fuzz it)");
      continue;
    }
    tools.push_back(std::make_unique<ToolUnderTest>(tool));
  }
  if (tools.empty() && !options.protocol_cases) {
    report.stopped_because = "no tool to fuzz";
    return report;
  }
  progress("seed " + std::to_string(report.seed) + ": fuzzing " + std::to_string(tools.size()) + " tools" +
           (options.protocol_cases ? " and the protocol" : ""));

  std::vector<ToolUnderTest*> active;  // tools still in rotation
  for (auto& tool : tools) active.push_back(tool.get());
  std::map<std::string, int> slow_calls;
  auto drop = [&](ToolUnderTest& tool, const std::string& why) {
    auto it = std::find(active.begin(), active.end(), &tool);
    if (it == active.end()) return;
    active.erase(it);
    report.skipped_tools.push_back(tool.name + ": " + why);
  };
  std::set<std::string> seen;  // kind + tool: one finding each
  auto last_progress = Clock::now();
  auto record = [&](Finding finding) {
    std::string path = options.repro_dir + "/mcp-fuzz-" + finding.kind + (finding.tool.empty() ? "" : "-" + finding.tool) + ".json";
    if (write_file(path, jsonrpc::serialize_indented(repro_json(finding, target, report.seed)) + "\n").ok()) finding.repro_path = path;
    progress("FOUND " + finding.kind + (finding.tool.empty() ? "" : " in " + finding.tool) + ": " + finding.detail +
             (finding.repro_path.empty() ? "" : " (repro: " + finding.repro_path + ")"));
    report.findings.push_back(std::move(finding));
  };

  // Judges one answered (or unanswered) tool call; on a new failure, shrinks it and records the finding.
  auto handle_call = [&](ToolUnderTest& tool, std::uint64_t case_seed, int size, bool want_valid,
                         const GeneratedArguments& generated, bool valid, const CallResult& call) {
    if (call.slow && ++slow_calls[tool.name] == 3) {
      // Alive but slower than the deadline: keep the budget for the other tools.
      drop(tool, "dropped after 3 calls that outlived --call-timeout while reporting progress");
    }
    std::optional<Verdict> verdict = judge(call, valid, tool);
    if (verdict && verdict->kind == "crash") {
      if (std::string how = live.exit_description(); !how.empty()) verdict->detail = how;
    }
    if (verdict && !seen.count(verdict->kind + ":" + tool.name)) {
      seen.insert(verdict->kind + ":" + tool.name);
      std::string kind = verdict->kind;
      Finding f;
      f.kind = kind;
      f.tool = tool.name;
      f.case_seed = case_seed;
      f.original_arguments = generated.value;
      // Shrink: fresh sessions for every attempt, since the failure may have killed or wedged this one.
      int steps = 0;
      bool fresh_each_time = kind == "crash" || kind == "hang";
      Live probe(target);
      auto reproduces = [&](const GeneratedArguments& candidate) {
        ++steps;
        if (fresh_each_time || !probe.is_open()) {
          if (!probe.open().ok()) return false;
        }
        bool candidate_valid = tool.input.validate(candidate.value).empty();
        CallResult again = call_tool(probe.client(), tool.name, candidate.value, options.call_timeout);
        auto v = judge(again, candidate_valid, tool);
        return v && v->kind == kind;
      };
      // A failure that needs the calls before it cannot be shrunk alone; say so rather than shrink noise.
      bool alone = reproduces(generated);
      GeneratedArguments smallest = !alone ? generated : tool.arguments.shrink(
          case_seed, size, want_valid, reproduces, kind == "hang" ? std::min(options.shrink_steps, 16) : options.shrink_steps);
      f.arguments = smallest.value;
      f.mutation = tool.input.validate(smallest.value).empty() ? "" : (smallest.mutation.empty() ? "invalid" : smallest.mutation);
      f.shrink_steps = steps;
      f.detail = verdict->detail + (alone ? "" : " (not reproduced alone on a fresh session: earlier calls may matter)");
      record(std::move(f));
      if (kind == "crash" || kind == "hang") {
        // Calling it again would mostly rediscover the same failure at the cost of a restart each time.
        drop(tool, "dropped after a " + kind + " finding");
        (void)live.open();
      }
    } else if (verdict && (verdict->kind == "crash" || verdict->kind == "hang")) {
      (void)live.open();
    }
  };

  long long calls_at_last_ping = 0;  // the server must still answer ping every 100 calls
  for (long long i = 0;; ++i) {
    if (report.calls + report.protocol_cases >= options.max_calls) {
      report.stopped_because = "call budget reached";
      break;
    }
    if (Clock::now() - start >= options.duration) {
      report.stopped_because = "time budget reached";
      break;
    }
    if (static_cast<int>(report.findings.size()) >= options.max_findings) {
      report.stopped_because = "finding limit reached";
      break;
    }
    if (!live.is_open()) {
      if (Status reopened = live.open(); !reopened.ok()) {
        report.stopped_because = "the server stopped accepting sessions: " + reopened.message();
        break;
      }
    }
    std::uint64_t case_seed = splitmix64(report.seed + static_cast<std::uint64_t>(i));
    bool protocol = options.protocol_cases && (active.empty() || i % 10 == 9);
    if (!protocol && active.empty()) {
      report.stopped_because = "no tool left to fuzz";
      break;
    }
    if (protocol) {
      ++report.protocol_cases;
      ProtocolCase pcase = make_protocol_case(case_seed, target.transport == kStdio);
      auto broken = run_protocol_case(live.client(), pcase, options.call_timeout);
      if (broken && !seen.count(broken->kind + ":" + pcase.name)) {
        seen.insert(broken->kind + ":" + pcase.name);
        Finding f;
        f.kind = broken->kind;
        f.detail = pcase.name + ": " + broken->detail;
        f.message = pcase.raw;
        f.case_seed = case_seed;
        record(std::move(f));
        (void)live.open();
      } else if (broken) {
        (void)live.open();
      }
    } else {
      // A batch of consecutive tool-call cases, pipelined on the live session.
      struct Case {
        ToolUnderTest* tool;
        std::uint64_t seed;
        int size;
        bool want_valid;
        GeneratedArguments generated;
        bool valid;
      };
      std::vector<Case> batch;
      std::vector<PendingCall> calls;
      for (long long k = i; static_cast<int>(batch.size()) < std::max(options.in_flight, 1); ++k) {
        if (report.calls + report.protocol_cases + static_cast<long long>(batch.size()) >= options.max_calls) break;
        if (k > i && options.protocol_cases && k % 10 == 9) break;
        std::uint64_t seed = k == i ? case_seed : splitmix64(report.seed + static_cast<std::uint64_t>(k));
        ToolUnderTest* tool = active[static_cast<std::size_t>(k) % active.size()];
        int size = static_cast<int>(k % 100);
        bool want_valid = seed % 5 < 3;
        GeneratedArguments generated = tool->arguments.generate(seed, size, want_valid);
        bool valid = tool->input.validate(generated.value).empty();
        calls.push_back({tool->name, generated.value});
        batch.push_back({tool, seed, size, want_valid, std::move(generated), valid});
      }
      i += static_cast<long long>(batch.size()) - 1;
      std::vector<CallResult> results = call_tools(live.client(), calls, options.call_timeout);
      bool rerun = false;  // after a crash or hang in the batch, the rest run one at a time to pin it on the right call
      for (std::size_t j = 0; j < batch.size(); ++j) {
        Case& c = batch[j];
        if (std::find(active.begin(), active.end(), c.tool) == active.end()) continue;  // dropped earlier in this batch
        CallResult call = std::move(results[j]);
        if (!rerun && call.what != CallResult::What::kResponse && batch.size() > 1) {
          rerun = true;
          if (Status reopened = live.open(); !reopened.ok()) break;
        }
        if (rerun) {
          if (!live.is_open() && !live.open().ok()) break;
          call = call_tool(live.client(), c.tool->name, c.generated.value, options.call_timeout);
        }
        ++report.calls;
        ++report.calls_by_tool[c.tool->name];
        handle_call(*c.tool, c.seed, c.size, c.want_valid, c.generated, c.valid, call);
      }
      if (report.calls - calls_at_last_ping >= 100 && live.is_open()) {
        calls_at_last_ping = report.calls;
        if (!seen.count("unresponsive") && !answers_ping(live.client(), options.call_timeout)) {
          seen.insert("unresponsive");
          Finding f;
          f.kind = "unresponsive";
          f.detail = "no answer to ping after " + std::to_string(report.calls) + " calls";
          record(std::move(f));
          (void)live.open();
        }
      }
    }
    if (Clock::now() - last_progress > std::chrono::seconds(1)) {
      last_progress = Clock::now();
      double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      progress(std::to_string(report.calls) + " calls, " + std::to_string(report.protocol_cases) + " protocol cases, " +
               std::to_string(report.findings.size()) + " findings, " +
               std::to_string(static_cast<long long>(report.calls / std::max(elapsed, 0.001))) + " calls/s");
    }
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

StatusOr<std::optional<Finding>> replay(const TargetConfig& target, const json& repro, std::chrono::milliseconds call_timeout) {
  if (!repro.is_object() || repro.value("mcp_harness_repro", 0) != 1) return invalid_argument("not an mcp-harness repro file");
  Live live(target);
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
    if (verdict->kind == "crash") {
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
  auto broken = run_protocol_case(live.client(), pcase, call_timeout);
  if (!broken) return std::optional<Finding>();
  f.kind = broken->kind;
  f.detail = broken->detail;
  f.message = pcase.raw;
  return std::optional<Finding>(f);
}

}  // namespace mcp::harness::fuzz
