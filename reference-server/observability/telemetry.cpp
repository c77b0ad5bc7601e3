#include "reference-server/observability/telemetry.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <utility>

#include "mcp/json_rpc.h"
#include "mcp/json_text.h"
#include "mcp/protocol_version.h"
#include "mcp/trace_context.h"
#include "reference-server/core/event_log.h"
#include "reference-server/filters/limits/limits_filter.h"
#include "reference-server/observability/tracing.h"

namespace mcp::server::obs {

using json = nlohmann::json;

namespace {

const std::vector<double> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

bool sensitive(const std::string& name, const json& property) {
  if (property.is_object() && (property.value("writeOnly", false) || property.value("x-sensitive", false))) return true;
  // A substring test on the lower-cased name: this runs for every argument of every call.
  static const char* const kSecretWords[] = {"password", "passwd", "secret", "token", "apikey",
                                             "api_key", "api-key", "authorization", "credential"};
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::any_of(std::begin(kSecretWords), std::end(kSecretWords),
                     [&](const char* word) { return lower.find(word) != std::string::npos; });
}

std::string id_text(const json& id) { return id.is_string() ? id.get<std::string>() : id.dump(); }

// The caller of the request this thread is handling (set by its Scope).
thread_local std::string active_principal;

// The entry for `key` while the map has room, else the one for "_other": client-chosen
// keys (principals, sessions, runs) cannot grow a map past `limit` (+1).
template <typename Value>
Value& bounded_slot(std::map<std::string, Value>& map, const std::string& key, std::size_t limit) {
  auto it = map.find(key);
  if (it != map.end()) return it->second;
  return map[map.size() >= limit ? std::string("_other") : key];
}

// Prometheus label values escape backslash, double quote and newline (exposition format).
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// What a result looked like, without its data: for logs.
void append_result_shape(std::string& out, const json& result) {
  std::map<std::string, int> counts;
  if (auto content = result.find("content"); content != result.end() && content->is_array()) {
    for (const json& block : *content) {
      if (!block.is_object()) continue;
      std::string type = jsonrpc::string_member(block, "type");
      ++counts[type.empty() ? "unknown" : type];
    }
  }
  out += "{\"is_error\":";
  auto is_error = result.find("isError");
  out += is_error != result.end() && is_error->is_boolean() && is_error->get<bool>() ? "true" : "false";
  out += ",\"content\":{";
  bool first = true;
  for (const auto& [type, n] : counts) {
    if (!std::exchange(first, false)) out += ',';
    json_text::append_string(out, type, kMaxLoggedString);
    out += ':' + std::to_string(n);
  }
  out += "},\"bytes\":" + std::to_string(jsonrpc::serialized_size(result)) + ",\"structured_keys\":[";
  if (auto structured = result.find("structuredContent"); structured != result.end() && structured->is_object()) {
    first = true;
    std::size_t written = 0;
    for (auto it = structured->begin(); it != structured->end() && written < kMaxLoggedItems; ++it, ++written) {
      if (!std::exchange(first, false)) out += ',';
      json_text::append_string(out, it.key(), kMaxLoggedString);
    }
  }
  out += "]}";
}

class Scope final : public RequestScope {
 public:
  Scope(Telemetry& telemetry, const jsonrpc::Message& request, Session& session)
      : telemetry_(telemetry), session_(session), method_(request.method()), id_(request.id()),
        started_(std::chrono::steady_clock::now()) {
    static const json kNone = json::object();
    const json& params = request.params();
    const json* found = &kNone;
    if (auto m = params.find("_meta"); params.is_object() && m != params.end() && m->is_object()) found = &*m;
    const json& meta = *found;
    std::string target;
    if (method_ == "tools/call" || method_ == "prompts/get") target = jsonrpc::string_member(params, "name");
    if (method_ == "resources/read") target = jsonrpc::string_member(params, "uri");
    if (method_ == "tools/call") {
      tool_ = target;
      if (auto a = params.find("arguments"); params.is_object() && a != params.end()) arguments_ = &*a;
      registered_ = telemetry.server().tools().find(tool_);
    }
    active_principal = session.principal();
    // Malformed trace context is ignored, never fatal: the span starts a new trace.
    std::optional<TraceParent> parent;
    if (auto tp = meta.find("traceparent"); tp != meta.end() && tp->is_string()) parent = parse_traceparent(tp->get<std::string>());
    span_ = std::make_unique<ScopedSpan>(target.empty() ? method_ : method_ + " " + target, SpanKind::kServer,
                                         parent ? parent->trace_id : random_hex_id(16), parent ? parent->span_id : "");
    if (auto c = meta.find(kCorrelationMetaKey); c != meta.end() && c->is_string() && !c->get<std::string>().empty() &&
                                                  c->get<std::string>().size() <= 128) {
      correlation_ = c->get<std::string>();
    } else {
      correlation_ = span_->span().trace_id;  // one agent turn = one trace, unless the client names the turn
    }
    set_active_correlation_id(correlation_);
    // Run ids the limits filter refuses (too long) are never stored here.
    if (std::string run = jsonrpc::string_member(meta, kRunIdMetaKey); run.size() <= kMaxRunIdBytes) run_ = std::move(run);
    span_->set_attribute("mcp.method.name", method_);
    span_->set_attribute("jsonrpc.request.id", id_text(id_));
    span_->set_attribute("jsonrpc.protocol.version", "2.0");
    // A modern request names its version in _meta and belongs to no session.
    std::string version = jsonrpc::string_member(meta, protocol::kMetaProtocolVersion);
    if (version.empty() && !session.id().empty()) span_->set_attribute("mcp.session.id", session.id());
    if (version.empty()) version = session.protocol_version();
    if (!version.empty()) span_->set_attribute("mcp.protocol.version", version);
    span_->set_attribute("network.transport", telemetry.options().network_transport);
    span_->set_attribute("dev.mcp_harness.correlation_id", correlation_);
    if (!tool_.empty()) {
      span_->set_attribute("gen_ai.tool.name", tool_);
      span_->set_attribute("gen_ai.operation.name", "execute_tool");
    }
    if (auto ts = meta.find("tracestate"); ts != meta.end() && ts->is_string() && valid_tracestate(ts->get<std::string>())) {
      span_->set_attribute("w3c.tracestate", ts->get<std::string>());
    }
  }

  ~Scope() override {
    set_active_correlation_id({});
    active_principal.clear();
  }

  void on_refused(std::string_view filter) override { refused_by_ = filter; }

  void finish(std::optional<json>& response) override {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::string outcome = "ok";
    if (!response) {
      outcome = "cancelled";
    } else if (response->contains("error")) {
      int code = (*response)["error"].value("code", 0);
      outcome = "protocol_error";
      span_->set_attribute("error.type", std::to_string(code));
      span_->set_attribute("rpc.response.status_code", std::to_string(code));
      span_->set_error((*response)["error"].value("message", ""));
    } else if (response->contains("result") && (*response)["result"].is_object()) {
      json& result = (*response)["result"];
      if (result.value("isError", false)) {
        outcome = refused_by_.empty() ? "tool_error" : "refused";
        span_->set_attribute("error.type", "tool_error");
        span_->set_error("tool error");
      }
      // Tool results carry the turn's correlation id; other results stay as the spec
      // shapes them (strict clients expect ping's result to be exactly {}).
      if (!tool_.empty()) result["_meta"][kCorrelationMetaKey] = correlation_;
    }
    if (tool_.empty()) return;
    const std::string& principal = session_.principal();
    long long cost = registered_ && (outcome == "ok" || outcome == "tool_error") ? telemetry_.options().cost_of(tool_) : 0;
    telemetry_.record_call(registered_ ? tool_ : "unknown", outcome, seconds, cost, principal, session_.id(), run_);
    LogLine line(outcome == "ok" ? "info" : "warn", "tool_call");
    if (!line.enabled()) return;
    line.text("correlation_id", correlation_).text("trace_id", span_->span().trace_id).text("span_id", span_->span().span_id);
    line.text("session", session_.id()).text("principal", principal).text("tool", tool_);
    // Redacted by name even when the tool is unknown: its arguments are a client's guess.
    static const json kNoSchema = json::object();
    static const json kNoArguments = json::object();
    const json& arguments = arguments_ ? *arguments_ : kNoArguments;
    if (telemetry_.options().redact) {
      append_redacted(line.raw("arguments"), arguments, registered_ ? registered_->spec.input_schema : kNoSchema);
    } else {
      line.value("arguments", arguments);
    }
    line.number("latency_ms", seconds * 1000).text("outcome", outcome).integer("cost_units", cost);
    if (!run_.empty()) line.text("run_id", run_);
    if (!refused_by_.empty()) line.text("refused_by", refused_by_);
    if (response) {
      if (auto result = response->find("result"); result != response->end() && result->is_object()) {
        append_result_shape(line.raw("result"), *result);
      }
    }
    line.write();
  }

 private:
  Telemetry& telemetry_;
  Session& session_;
  std::string method_;
  std::string refused_by_;  // the filter that refused the call, if one did
  json id_;
  std::string tool_;
  const RegisteredTool* registered_ = nullptr;  // null for a name no tool has
  const json* arguments_ = nullptr;              // in the request, which outlives the scope
  std::string correlation_;
  std::string run_;
  std::chrono::steady_clock::time_point started_;
  std::unique_ptr<ScopedSpan> span_;
};

}  // namespace

void append_redacted(std::string& out, const json& arguments, const json& schema) {
  static const json kNoSchema = json::object();
  if (arguments.is_array()) {
    const json& items = schema.is_object() && schema.contains("items") ? schema["items"] : kNoSchema;
    json_text::append_array(out, arguments, kMaxLoggedItems, [&](const json& element) { append_redacted(out, element, items); });
    return;
  }
  if (!arguments.is_object()) {
    json_text::append_value(out, arguments, kMaxLoggedString, kMaxLoggedItems);
    return;
  }
  const json* properties = &kNoSchema;
  if (schema.is_object()) {
    if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) properties = &*it;
  }
  json_text::append_object(out, arguments, kMaxLoggedString, kMaxLoggedItems, [&](const std::string& name, const json& value) {
    auto property_it = properties->find(name);
    const json& property = property_it != properties->end() ? *property_it : kNoSchema;
    if (sensitive(name, property)) {
      out += "\"[REDACTED]\"";
    } else {
      append_redacted(out, value, property);
    }
  });
}

std::unique_ptr<RequestScope> Telemetry::start(const jsonrpc::Message& request, Session& session) {
  return std::make_unique<Scope>(*this, request, session);
}

Telemetry::Shard& Telemetry::my_shard() {
  static std::atomic<std::size_t> next_thread{0};
  thread_local std::size_t index = next_thread++ % kShards;
  return shards_[index];
}

void Telemetry::record_call(const std::string& tool, const std::string& outcome, double seconds, long long cost,
                            const std::string& principal, const std::string& session, const std::string& run) {
  Shard& shard = my_shard();
  std::lock_guard<std::mutex> lock(shard.mutex);
  ToolStats& stats = shard.tools[tool];
  if (stats.buckets.empty()) stats.buckets.assign(kLatencyBounds.size(), 0);
  ++stats.outcomes[outcome];
  ++stats.count;
  stats.seconds_sum += seconds;
  stats.cost += cost;
  for (std::size_t i = 0; i < kLatencyBounds.size(); ++i) stats.buckets[i] += seconds <= kLatencyBounds[i];
  PrincipalCost& mine = bounded_slot(shard.costs, principal, kMaxPrincipals);
  mine.total += cost;
  bounded_slot(mine.by_tool, tool, kMaxKeysPerPrincipal) += cost;
  if (!session.empty()) bounded_slot(mine.by_session, session, kMaxKeysPerPrincipal) += cost;
  if (!run.empty()) bounded_slot(mine.by_run, run, kMaxKeysPerPrincipal) += cost;
}

json Telemetry::cost_totals() const { return cost_totals_of(active_principal); }

json Telemetry::cost_totals_of(const std::string& principal) const {
  json totals = {{"unit", "cost units"}, {"by_tool", json::object()}, {"by_principal", json::object()},
                 {"by_session", json::object()}, {"by_run", json::object()}};
  if (principal.empty()) return totals;
  PrincipalCost merged;
  bool found = false;
  auto add_bounded = [](std::map<std::string, long long>& into, const std::map<std::string, long long>& from) {
    for (const auto& [key, units] : from) bounded_slot(into, key, kMaxKeysPerPrincipal) += units;
  };
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto mine = shard.costs.find(principal);
    if (mine == shard.costs.end()) continue;
    found = true;
    merged.total += mine->second.total;
    add_bounded(merged.by_tool, mine->second.by_tool);
    add_bounded(merged.by_session, mine->second.by_session);
    add_bounded(merged.by_run, mine->second.by_run);
  }
  if (!found) return totals;
  totals["by_tool"] = merged.by_tool;
  totals["by_principal"][principal] = merged.total;
  totals["by_session"] = merged.by_session;
  totals["by_run"] = merged.by_run;
  return totals;
}

std::string Telemetry::prometheus() const {
  std::map<std::string, ToolStats> tools;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (const auto& [tool, stats] : shard.tools) {
      ToolStats& total = tools[tool];
      if (total.buckets.empty()) total.buckets.assign(kLatencyBounds.size(), 0);
      for (const auto& [outcome, n] : stats.outcomes) total.outcomes[outcome] += n;
      for (std::size_t i = 0; i < kLatencyBounds.size(); ++i) total.buckets[i] += stats.buckets[i];
      total.seconds_sum += stats.seconds_sum;
      total.count += stats.count;
      total.cost += stats.cost;
    }
  }
  std::string out;
  out += "# HELP mcp_tool_calls_total Tool calls by outcome.\n# TYPE mcp_tool_calls_total counter\n";
  for (const auto& [tool, stats] : tools) {
    for (const auto& [outcome, n] : stats.outcomes) {
      out += "mcp_tool_calls_total{tool=\"" + label(tool) + "\",outcome=\"" + outcome + "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP mcp_tool_call_duration_seconds Tool call latency.\n# TYPE mcp_tool_call_duration_seconds histogram\n";
  char number[64];
  for (const auto& [tool, stats] : tools) {
    for (std::size_t i = 0; i < kLatencyBounds.size(); ++i) {
      std::snprintf(number, sizeof number, "%g", kLatencyBounds[i]);
      out += "mcp_tool_call_duration_seconds_bucket{tool=\"" + label(tool) + "\",le=\"" + number + "\"} " +
             std::to_string(stats.buckets[i]) + "\n";
    }
    out += "mcp_tool_call_duration_seconds_bucket{tool=\"" + label(tool) + "\",le=\"+Inf\"} " + std::to_string(stats.count) + "\n";
    std::snprintf(number, sizeof number, "%.6f", stats.seconds_sum);
    out += "mcp_tool_call_duration_seconds_sum{tool=\"" + label(tool) + "\"} " + number + "\n";
    out += "mcp_tool_call_duration_seconds_count{tool=\"" + label(tool) + "\"} " + std::to_string(stats.count) + "\n";
  }
  out += "# HELP mcp_tool_cost_units_total Cost units spent by tool.\n# TYPE mcp_tool_cost_units_total counter\n";
  for (const auto& [tool, stats] : tools) {
    out += "mcp_tool_cost_units_total{tool=\"" + label(tool) + "\"} " + std::to_string(stats.cost) + "\n";
  }
  return out;
}

}  // namespace mcp::server::obs
