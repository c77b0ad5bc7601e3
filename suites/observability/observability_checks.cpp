// Observability (production profile, docs/profile.md "Observability"): trace
// context continues through the server, spans follow the OpenTelemetry MCP
// semantic conventions, every call is logged as JSON with its correlation id and
// without secrets, and a dead collector never slows tool calls.
#include <algorithm>
#include <thread>

#include "harness/telemetry/silent_collector.h"
#include "mcp/json_rpc.h"
#include "mcp/trace_context.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kProfileDoc = "docs/profile.md § Observability";
const std::string kSep414 = "docs/2026-07-28/basic/index.mdx § _meta (OpenTelemetry trace context); SEP-414";
constexpr std::chrono::milliseconds kSpanWait{3000};

// A session with a tool to call; or the outcome to report.
struct Traced {
  ToolListing listing;
  std::string tool;
  json arguments;
  std::optional<Outcome> outcome;
};

Traced setup(CheckContext& ctx, bool needs_spans) {
  Traced t;
  if (needs_spans && !ctx.target().profile.observability.exports_traces) {
    t.outcome = skip("the profile says the server exports no traces");
    return t;
  }
  if (needs_spans && !ctx.target().receiver) {
    t.outcome = skip("the harness did not start the server, so it could not point it at its OTLP receiver "
                     "(use --stdio or --launch)");
    return t;
  }
  t.listing = list_all_tools(ctx);
  if (t.listing.outcome) {
    t.outcome = t.listing.outcome;
    return t;
  }
  auto tool = callable_tool(call_policy(ctx), t.listing.tools, [](const json&) { return true; });
  if (!tool) {
    t.outcome = skip("no callable tool to call");
    return t;
  }
  t.tool = tool->first.value("name", "");
  t.arguments = tool->second;
  return t;
}

StatusOr<json> call_with_meta(McpClient& client, const std::string& tool, const json& arguments, const json& meta) {
  return client.request("tools/call", {{"name", tool}, {"arguments", arguments}, {"_meta", meta}});
}

const ReceivedSpan* server_span_with_parent(const std::vector<ReceivedSpan>& spans, const std::string& parent) {
  for (const ReceivedSpan& s : spans) {
    if (s.kind == 2 && s.parent_span_id == parent) return &s;
  }
  return nullptr;
}

std::string describe_spans(const std::vector<ReceivedSpan>& spans) {
  std::string out;
  for (const ReceivedSpan& s : spans) {
    out += s.name + " (trace " + s.trace_id + ", span " + s.span_id + ", parent " + s.parent_span_id + ", kind " +
           std::to_string(s.kind) + "); ";
  }
  return out.empty() ? "no spans" : out;
}

// Sends one traced call and waits for the server span that continues it.
struct TracedCall {
  TraceParent parent;
  json response;
  std::vector<ReceivedSpan> spans;
  const ReceivedSpan* server = nullptr;
};

StatusOr<TracedCall> traced_call(CheckContext& ctx, McpClient& client, const std::string& tool, const json& arguments,
                                 const std::string& trace_id = random_hex_id(16)) {
  TracedCall call;
  call.parent = TraceParent{trace_id, random_hex_id(8), "01"};
  ASSIGN_OR_RETURN(call.response, call_with_meta(client, tool, arguments, {{"traceparent", call.parent.format()}}));
  std::string parent_id = call.parent.span_id;
  call.spans = ctx.target().receiver->wait_for_trace(
      trace_id, [&](const std::vector<ReceivedSpan>& spans) { return server_span_with_parent(spans, parent_id) != nullptr; },
      kSpanWait);
  call.server = server_span_with_parent(call.spans, parent_id);
  return call;
}

// The server's stderr, from the process the harness started for this connection
// or from the server it launched; nullopt when the harness cannot see it.
std::optional<std::string> server_stderr(CheckContext& ctx, McpClient& client) {
  if (StdioConnection* stdio = as_stdio(client)) return stdio->process().stderr_tail();
  if (ctx.target().launched_stderr) return ctx.target().launched_stderr();
  return std::nullopt;
}

// No SERVER span continues the call. A server that exports no spans at all may still
// correlate through its logs: the trace id in its stderr is judged instead.
Outcome missing_span(CheckContext& ctx, McpClient& client, const TracedCall& call) {
  std::size_t total = ctx.target().receiver->spans().size();
  if (total == 0) {
    if (auto text = server_stderr(ctx, client); text && text->find(call.parent.trace_id) != std::string::npos) {
      std::size_t at = text->find(call.parent.trace_id);
      std::size_t start = text->rfind('\n', at);
      start = start == std::string::npos ? 0 : start + 1;
      std::string line = text->substr(start, text->find('\n', at) - start);
      return pass("the server exported no spans, but its log carries the caller's trace id: " + line.substr(0, 300));
    }
    auto text = server_stderr(ctx, client);
    return fail("no span reached the OTLP receiver within 3 s: the server exported no spans in this run" +
                    std::string(text ? ", and its log does not carry the caller's trace id " + call.parent.trace_id
                                     : ", and its log is not visible to the harness"),
                "a SERVER span for the call exported to OTEL_EXPORTER_OTLP_ENDPOINT, or the caller's trace id in its log",
                "the server exported nothing");
  }
  return fail("no SERVER span continues the caller's trace", "trace " + call.parent.trace_id + " with parent " + call.parent.span_id,
              call.spans.empty() ? std::to_string(total) + " spans in other traces: the server started new traces"
                                 : describe_spans(call.spans));
}

// Waits (briefly) until the server's stderr mentions `needle`; returns the lines then.
std::optional<std::vector<std::string>> log_lines_mentioning(CheckContext& ctx, McpClient& client, const std::string& needle) {
  auto deadline = Clock::now() + std::chrono::milliseconds(1500);
  for (;;) {
    auto text = server_stderr(ctx, client);
    if (!text) return std::nullopt;
    if (text->find(needle) != std::string::npos || Clock::now() > deadline) {
      std::vector<std::string> lines;
      std::size_t start = 0;
      while (start < text->size()) {
        std::size_t end = text->find('\n', start);
        lines.push_back(text->substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
      }
      return lines;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

void register_observability(Registry& registry) {
  registry.add({
      .id = "observability.trace.parent",
      .level = Level::kProfile,
      .requirement = "A tools/call carrying params._meta.traceparent produces a SERVER span in the caller's trace whose "
                     "parent is the caller's span.",
      .spec_ref = kSep414,
      .procedure = "Calls a read-only tool with a fresh traceparent and waits up to 3 s for the span at the harness's "
                   "OTLP receiver.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        Traced t = setup(ctx, true);
        if (t.outcome) return *t.outcome;
        REQUIRE_OK(TracedCall call, traced_call(ctx, t.listing.session->client, t.tool, t.arguments), "calling " + t.tool);
        if (!call.server) return missing_span(ctx, t.listing.session->client, call);
        return pass("span \"" + call.server->name + "\" " + call.server->span_id);
      },
  });

  registry.add({
      .id = "observability.trace.continuity",
      .level = Level::kProfile,
      .requirement = "Every call of one agent turn (one trace) lands in that trace, each under the span that made it.",
      .spec_ref = kSep414,
      .procedure = "Makes three calls with one trace id and three parent span ids; expects three SERVER spans.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        Traced t = setup(ctx, true);
        if (t.outcome) return *t.outcome;
        std::string trace = random_hex_id(16);
        for (int i = 0; i < 3; ++i) {
          REQUIRE_OK(TracedCall call, traced_call(ctx, t.listing.session->client, t.tool, t.arguments, trace),
                     "call " + std::to_string(i + 1));
          if (!call.server) return missing_span(ctx, t.listing.session->client, call);
        }
        return pass("three server spans in trace " + trace);
      },
  });

  registry.add({
      .id = "observability.span.semconv",
      .level = Level::kProfile,
      .requirement = "The SERVER span of a tools/call is named \"tools/call {tool}\" and carries mcp.method.name, "
                     "gen_ai.tool.name, jsonrpc.request.id, mcp.protocol.version, network.transport, and "
                     "mcp.session.id when the session has one.",
      .spec_ref = "OpenTelemetry semantic conventions for MCP (gen-ai/mcp.md); " + kProfileDoc,
      .procedure = "Makes a traced call and inspects its span's name and attributes.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        Traced t = setup(ctx, true);
        if (t.outcome) return *t.outcome;
        McpClient& client = t.listing.session->client;
        REQUIRE_OK(TracedCall call, traced_call(ctx, client, t.tool, t.arguments), "calling " + t.tool);
        if (!call.server) return skip("no SERVER span continues the call's trace; see observability.trace.parent");
        const ReceivedSpan& span = *call.server;
        json expected = {{"mcp.method.name", "tools/call"}, {"gen_ai.tool.name", t.tool},
                         {"jsonrpc.request.id", call.response.value("id", json()).dump()},
                         {"mcp.protocol.version", client.protocol_version()}};
        if (HttpConnection* http = as_http(client); http && http->session_id()) expected["mcp.session.id"] = *http->session_id();
        if (span.name != "tools/call " + t.tool) {
          return fail("span name \"" + span.name + "\"", "\"tools/call " + t.tool + "\"", describe_spans({span}));
        }
        for (const auto& [key, value] : expected.items()) {
          json seen = span.attributes.value(key, json());
          if (seen.is_string() && value.is_string() && seen == value) continue;
          if (!seen.is_null() && seen.dump() == value.get<std::string>()) continue;  // request ids may be numbers
          return fail("attribute " + key + " is " + seen.dump(), key + " = " + value.dump(), compact(span.attributes));
        }
        static const std::vector<std::string> kTransports = {"pipe", "tcp", "unix", "quic"};
        json transport = span.attributes.value("network.transport", json());
        if (!transport.is_string() || std::find(kTransports.begin(), kTransports.end(), transport.get<std::string>()) == kTransports.end()) {
          return fail("network.transport is " + transport.dump(), "pipe, tcp, unix or quic", compact(span.attributes));
        }
        return pass(span.name);
      },
  });

  registry.add({
      .id = "observability.span.error-type",
      .level = Level::kProfile,
      .requirement = "When a tool call ends in a tool error (isError), its span carries error.type = \"tool_error\".",
      .spec_ref = "OpenTelemetry semantic conventions for MCP (gen-ai/mcp.md); " + kProfileDoc,
      .procedure = "Calls a read-only tool with required arguments missing (a tool error in 2025-11-25) and inspects "
                   "the span.",
      .min_version = "2025-11-25",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        Traced t = setup(ctx, true);
        if (t.outcome) return *t.outcome;
        auto target = callable_tool(call_policy(ctx), t.listing.tools, [](const json& tool) {
          return !tool["inputSchema"].value("required", json::array()).empty();
        });
        if (!target) return skip("no callable tool with required arguments");
        std::string name = target->first.value("name", "");
        REQUIRE_OK(TracedCall call, traced_call(ctx, t.listing.session->client, name, json::object()), "calling " + name);
        if (!call.response.contains("result") || call.response["result"].value("isError", false) != true) {
          return skip(name + " did not answer with a tool error");
        }
        if (!call.server) return skip("no SERVER span continues the call's trace; see observability.trace.parent");
        json type = call.server->attributes.value("error.type", json());
        if (type != "tool_error") return fail("error.type is " + type.dump(), "\"tool_error\"", compact(call.server->attributes));
        return pass();
      },
  });

  registry.add({
      .id = "observability.correlation.result-meta",
      .level = Level::kProfile,
      .requirement = "The correlation id of an agent turn (from params._meta, else the trace id) comes back in the "
                     "result's _meta.",
      .spec_ref = kProfileDoc,
      .procedure = "Calls a tool with _meta[correlation key] set and checks the result's _meta.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        Traced t = setup(ctx, false);
        if (t.outcome) return *t.outcome;
        const std::string& key = ctx.target().profile.observability.correlation_key;
        std::string turn = "turn-" + random_hex_id(6);
        REQUIRE_OK(json response, call_with_meta(t.listing.session->client, t.tool, t.arguments, {{key, turn}}), "calling " + t.tool);
        REQUIRE(expect_result(response, "calling " + t.tool));
        json meta = response["result"].value("_meta", json::object());
        if (!meta.is_object() || meta.value(key, json()) != turn) {
          return fail("the result does not carry the turn's correlation id", "_meta[\"" + key + "\"] = \"" + turn + "\"",
                      compact(response["result"]));
        }
        return pass(turn);
      },
  });

  registry.add({
      .id = "observability.logs.tool-call-line",
      .level = Level::kProfile,
      .requirement = "Each tool call writes one JSON log line (stderr, never stdout) with ts, level, event, "
                     "correlation_id, trace_id, tool, latency_ms and the result's shape.",
      .spec_ref = kProfileDoc,
      .procedure = "Calls a tool with a known correlation id and traceparent, then finds its line in the server's stderr.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        Traced t = setup(ctx, false);
        if (t.outcome) return *t.outcome;
        McpClient& client = t.listing.session->client;
        std::string turn = "turn-" + random_hex_id(6);
        TraceParent parent{random_hex_id(16), random_hex_id(8), "01"};
        REQUIRE_OK(json response, call_with_meta(client, t.tool, t.arguments,
                                                  {{ctx.target().profile.observability.correlation_key, turn},
                                                   {"traceparent", parent.format()}}),
                   "calling " + t.tool);
        // Several lines may name the turn (an auth decision, a refusal, a deprecation); one of them must be
        // the call's own, and it may be written a moment after the first of them.
        auto evaluate = [&](const std::vector<std::string>& lines) -> Outcome {
          std::optional<Outcome> closest;
          for (const std::string& line : lines) {
            if (line.find(turn) == std::string::npos) continue;
            json entry = jsonrpc::parse_untrusted_value(line);
            if (!entry.is_object()) {
              closest = fail("a log line of the call is not JSON", "one JSON object per line", line);
              continue;
            }
            std::string missing;
            for (const char* field : {"ts", "level", "event", "correlation_id", "trace_id", "tool", "latency_ms", "result"}) {
              if (!entry.contains(field) && missing.empty()) missing = field;
            }
            if (!missing.empty()) {
              if (!closest) closest = fail("the call's log line has no \"" + missing + "\"", "the required fields", line);
              continue;
            }
            if (entry["trace_id"] != parent.trace_id) {
              closest = fail("the log line names another trace", parent.trace_id, line);
              continue;
            }
            return pass(entry.value("event", "") + " line for " + t.tool);
          }
          if (closest) return *closest;
          return fail("no log line carries the call's correlation id", "a JSON line with correlation_id " + turn,
                      std::to_string(lines.size()) + " stderr lines, none naming it");
        };
        auto deadline = Clock::now() + std::chrono::milliseconds(1500);
        for (;;) {
          auto lines = log_lines_mentioning(ctx, client, turn);
          if (!lines) return skip("the server's stderr is not visible to the harness (use --stdio or --launch)");
          Outcome outcome = evaluate(*lines);
          if (outcome.verdict == Verdict::kPass || Clock::now() > deadline) return outcome;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      },
  });

  registry.add({
      .id = "observability.logs.json-only",
      .level = Level::kProfile,
      .requirement = "Everything the server writes to stderr is structured: one JSON object per line.",
      .spec_ref = kProfileDoc,
      .procedure = "Initializes, calls a tool, and parses every stderr line.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        Traced t = setup(ctx, false);
        if (t.outcome) return *t.outcome;
        std::string turn = "turn-" + random_hex_id(6);
        REQUIRE_OK(json response, call_with_meta(t.listing.session->client, t.tool, t.arguments,
                                                  {{ctx.target().profile.observability.correlation_key, turn}}),
                   "calling " + t.tool);
        auto lines = log_lines_mentioning(ctx, t.listing.session->client, turn);
        if (!lines) return skip("the server's stderr is not visible to the harness (use --stdio or --launch)");
        int count = 0;
        for (const std::string& line : *lines) {
          if (line.empty()) continue;
          ++count;
          if (!jsonrpc::parse_untrusted_value(line).is_object()) return fail("a stderr line is not a JSON object", "JSON lines", line);
        }
        return pass(std::to_string(count) + " lines");
      },
  });

  registry.add({
      .id = "observability.logs.redaction",
      .level = Level::kProfile,
      .requirement = "Arguments marked sensitive (writeOnly, x-sensitive, or named like a secret) never appear in logs.",
      .spec_ref = kProfileDoc + "; docs/2025-11-25/server/utilities/logging.mdx § Security",
      .procedure = "Calls a read-only tool with a sensitive string argument set to a unique secret and searches stderr.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        Traced t = setup(ctx, false);
        if (t.outcome) return *t.outcome;
        for (const json& tool : t.listing.tools) {
          if (!call_policy(ctx).allows(tool)) continue;
          json schema = tool.value("inputSchema", json::object());
          json properties = schema.value("properties", json::object());
          if (!properties.is_object()) continue;
          for (const auto& [name, property] : properties.items()) {
            bool marked = property.is_object() && (property.value("writeOnly", false) || property.value("x-sensitive", false));
            if (!marked || property.value("type", "") != "string") continue;
            auto args = example_arguments(schema);
            if (!args) continue;
            std::string secret = "mcp-harness-secret-" + random_hex_id(8);
            (*args)[name] = secret;
            std::string turn = "turn-" + random_hex_id(6);
            std::string tool_name = tool.value("name", "");
            REQUIRE_OK(json response, call_with_meta(t.listing.session->client, tool_name, *args,
                                                      {{ctx.target().profile.observability.correlation_key, turn}}),
                       "calling " + tool_name);
            auto lines = log_lines_mentioning(ctx, t.listing.session->client, turn);
            if (!lines) return skip("the server's stderr is not visible to the harness (use --stdio or --launch)");
            for (const std::string& line : *lines) {
              if (line.find(secret) != std::string::npos) {
                return fail("the secret passed as " + tool_name + "." + name + " appears in the server's log",
                            "the value redacted", line.substr(0, 600));
              }
            }
            return pass(tool_name + "." + name + " redacted");
          }
        }
        return skip("no callable tool has a sensitive (writeOnly / x-sensitive) string argument");
      },
  });

  registry.add({
      .id = "observability.export.non-blocking",
      .level = Level::kProfile,
      .requirement = "A collector that accepts connections but never answers does not slow tool calls.",
      .spec_ref = kProfileDoc,
      .procedure = "Starts the stdio server pointed at a collector that never answers, makes 20 traced calls, and "
                   "expects each to finish within 250 ms.",
      .transports = kStdio,
      .exclusive = true,
      .run = [](CheckContext& ctx) -> Outcome {
        if (!ctx.target().profile.observability.exports_traces) return skip("the profile says the server exports no traces");
        auto collector = SilentCollector::open();
        if (!collector.ok()) return skip(collector.status().message());
        TargetConfig silent = ctx.target();
        for (auto& [name, value] : silent.env) {
          if (name == "OTEL_EXPORTER_OTLP_ENDPOINT") value = (*collector)->endpoint();
        }
        silent.env.emplace_back("OTEL_BSP_SCHEDULE_DELAY", "10");
        CheckContext quiet_ctx(silent, ctx.transcript(), ctx.violations());
        Traced t = setup(quiet_ctx, false);
        if (t.outcome) return *t.outcome;
        double slowest = 0;
        for (int i = 0; i < 20; ++i) {
          auto start = Clock::now();
          auto response = call_with_meta(t.listing.session->client, t.tool, t.arguments,
                                         {{"traceparent", TraceParent{random_hex_id(16), random_hex_id(8), "01"}.format()}});
          double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
          slowest = std::max(slowest, ms);
          if (!response.ok()) return fail_status(response.status(), "calling with a silent collector");
          std::this_thread::sleep_for(std::chrono::milliseconds(15));  // let batches leave for the silent collector
        }
        if (slowest > 250) {
          return fail("a call took " + std::to_string(static_cast<int>(slowest)) + " ms while the collector hung",
                      "every call under 250 ms", std::to_string(slowest) + " ms");
        }
        return pass("slowest call " + std::to_string(slowest) + " ms");
      },
  });
}

}  // namespace mcp::harness::suites
