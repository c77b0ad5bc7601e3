#include "reference-server/filters/limits/limits_filter.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "mcp/json_rpc.h"
#include "reference-server/core/event_log.h"

namespace mcp::server {

using json = nlohmann::json;

namespace {

FilterVerdict refuse(const std::string& text, const json& refusal) {
  json result = error_result(text, refusal);
  result["_meta"][kRefusalMetaKey] = refusal;
  return FilterVerdict::refuse(std::move(result));
}

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, seconds < 10 ? "%.2f s" : "%.0f s", seconds);
  return buffer;
}

// Rounded up to the millisecond so that waiting exactly this long is always enough.
double round_up_ms(double seconds) { return std::ceil(seconds * 1000.0) / 1000.0; }

Status positive(double value, const std::string& what) {
  return value > 0 ? ok_status() : invalid_argument(what + " must be positive");
}

}  // namespace

std::string utc_timestamp_after(double seconds_from_now) {
  auto at = std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                                   std::chrono::duration<double>(seconds_from_now));
  std::time_t whole = std::chrono::system_clock::to_time_t(at);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count() % 1000;
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", std::gmtime(&whole));
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", buffer, static_cast<long long>(ms));
  return out;
}

StatusOr<LimitsConfig> LimitsConfig::from_json(const json& value, const ToolRegistry& tools) {
  LimitsConfig config;
  if (value.is_null()) return config;
  if (!value.is_object()) return invalid_argument("limits must be an object");
  try {
    for (const auto& [key, v] : value.items()) {
      if (key == "budget") {
        config.budget_units = v.value("units", config.budget_units);
        config.budget_window_seconds = v.value("window_seconds", config.budget_window_seconds);
        config.budget_principal_units = v.value("principal_units", config.budget_principal_units);
      } else if (key == "rate") {
        config.rate.per_second = v.value("per_second", config.rate.per_second);
        config.rate.burst = v.value("burst", config.rate.burst);
      } else if (key == "tools") {
        for (const auto& [tool, rule] : v.items()) {
          if (!tools.find(tool)) return invalid_argument("limits for unknown tool " + tool);
          if (rule.contains("per_second") || rule.contains("burst")) {
            config.tool_rates[tool] = {rule.value("per_second", config.rate.per_second), rule.value("burst", config.rate.burst)};
          }
          if (rule.contains("cost")) config.tool_costs[tool] = rule["cost"].get<long long>();
        }
      } else if (key == "backend") {
        config.backend = v.get<std::string>();
      } else if (key == "redis") {
        config.redis_address = v.get<std::string>();
      } else if (key == "redis_connections") {
        config.redis_connections = v.get<int>();
      } else if (key == "executions_resource") {
        config.executions_resource = v.get<std::string>();
      } else if (key == "key_prefix") {
        config.key_prefix = v.get<std::string>();
      } else {
        return invalid_argument("unknown limits setting \"" + key + "\"");
      }
    }
  } catch (const json::exception& e) {
    return invalid_argument(std::string("limits: ") + e.what());
  }
  if (config.backend != "memory" && config.backend != "redis") return invalid_argument("limits.backend must be memory or redis");
  RETURN_IF_ERROR(positive(static_cast<double>(config.budget_units), "limits.budget.units"));
  RETURN_IF_ERROR(positive(static_cast<double>(config.budget_window_seconds), "limits.budget.window_seconds"));
  RETURN_IF_ERROR(positive(config.rate.per_second, "limits.rate.per_second"));
  RETURN_IF_ERROR(positive(config.rate.burst, "limits.rate.burst"));
  for (const auto& [tool, rule] : config.tool_rates) {
    RETURN_IF_ERROR(positive(rule.per_second, tool + ".per_second"));
    RETURN_IF_ERROR(positive(rule.burst, tool + ".burst"));
  }
  for (const auto& [tool, cost] : config.tool_costs) RETURN_IF_ERROR(positive(static_cast<double>(cost), tool + ".cost"));
  return config;
}

RateRule LimitsConfig::rate_for(const std::string& tool) const {
  auto it = tool_rates.find(tool);
  return it == tool_rates.end() ? rate : it->second;
}

long long LimitsConfig::cost_of(const std::string& tool) const {
  auto it = tool_costs.find(tool);
  return it == tool_costs.end() ? 1 : it->second;
}

json LimitsConfig::declaration() const {
  json tools = json::object();
  for (const auto& [tool, rule] : tool_rates) tools[tool] = {{"per_second", rule.per_second}, {"burst", rule.burst}};
  for (const auto& [tool, cost] : tool_costs) tools[tool]["cost"] = cost;
  json declared = {{"budget", {{"units", budget_units}, {"window_seconds", budget_window_seconds}, {"scope", "session"},
                               {"run_id_meta_key", kRunIdMetaKey}, {"principal_units", principal_units()}}},
                   {"rate", {{"per_second", rate.per_second}, {"burst", rate.burst}, {"scope", "principal+tool"}}},
                   {"tools", tools}};
  if (!executions_resource.empty()) declared["executions_resource"] = executions_resource;
  return declared;
}

FilterVerdict LimitsFilter::on_call(const ToolCall& call) {
  std::string principal = call.session.principal();
  RateRule rule = config_.rate_for(call.tool);
  auto bucket = store_->take(config_.key_prefix + ":rate:" + principal + ":" + call.tool, rule.per_second, rule.burst, 1);
  if (!bucket.ok()) return store_unavailable(bucket.status());
  if (!bucket->allowed) {
    double retry = round_up_ms(bucket->retry_after_seconds);
    std::string at = utc_timestamp_after(retry);
    ++rate_limited_;
    log_event("info", "call_refused", {{"code", "rate_limited"}, {"tool", call.tool}, {"principal", principal}});
    return refuse(
        "rate limited: " + call.tool + " allows " + std::to_string(static_cast<int>(rule.per_second)) + " calls/s (burst " +
            std::to_string(static_cast<int>(rule.burst)) + "); try again after " + seconds_text(retry) + " (" + at + ").",
        {{"code", "rate_limited"}, {"scope", "tool"}, {"tool", call.tool},
         {"limit", {{"per_second", rule.per_second}, {"burst", rule.burst}}}, {"remaining", 0},
         {"retry_after_seconds", retry}, {"retry_at", at}});
  }

  std::string run = jsonrpc::string_member(call.request_meta, kRunIdMetaKey);
  if (run.size() > kMaxRunIdBytes) {
    ++invalid_run_id_;
    return FilterVerdict::refuse(error_result(
        "The run id in _meta." + std::string(kRunIdMetaKey) + " is longer than " + std::to_string(kMaxRunIdBytes) + " bytes.",
        {{"code", "invalid_run_id"}, {"limit", kMaxRunIdBytes}}));
  }
  // A run's budget belongs to the authenticated principal running it (the session's
  // owner): another principal naming the same run id spends its own, while one
  // anonymous agent run may span sessions. Every run also spends from its caller's
  // ceiling (the principal: without authentication, the session), so that inventing
  // run ids does not reset what a caller may spend.
  struct Scope {
    std::string name, id, key;
    long long units;
  };
  std::vector<Scope> scopes;
  if (run.empty()) {
    scopes.push_back({"session", call.session.id(), config_.key_prefix + ":budget:session:" + call.session.id(), config_.budget_units});
  } else {
    scopes.push_back({"run", run, config_.key_prefix + ":budget:run:" + call.session.owner() + "\n" + run, config_.budget_units});
    scopes.push_back({"principal", principal, config_.key_prefix + ":budget:principal:" + principal, config_.principal_units()});
  }
  long long cost = config_.cost_of(call.tool);
  std::string scope, scope_id;
  long long scope_units = config_.budget_units;
  StatusOr<WindowDecision> window = WindowDecision{};
  for (const Scope& s : scopes) {
    scope = s.name;
    scope_id = s.id;
    scope_units = s.units;
    window = store_->spend(s.key, cost, s.units, config_.budget_window_seconds);
    if (!window.ok() || !window->allowed) break;
  }
  if (!window.ok()) return store_unavailable(window.status());
  if (!window->allowed) {
    double retry = round_up_ms(window->retry_after_seconds);
    std::string at = utc_timestamp_after(retry);
    ++budget_exhausted_;
    log_event("info", "call_refused", {{"code", "budget_exhausted"}, {"tool", call.tool}, {"scope", scope}, {"id", scope_id}});
    return refuse(
        "budget exhausted: this " + scope + " has spent " + std::to_string(window->used) + " of " +
            std::to_string(scope_units) + " units in the current " + std::to_string(config_.budget_window_seconds) +
            " s window (" + call.tool + " costs " + std::to_string(cost) + "); try again after " + seconds_text(retry) +
            " (" + at + ").",
        {{"code", "budget_exhausted"}, {"scope", scope}, {"tool", call.tool},
         {"limit", {{"units", scope_units}, {"window_seconds", config_.budget_window_seconds}}},
         {"cost", cost}, {"remaining", std::max(0LL, scope_units - window->used)},
         {"retry_after_seconds", retry}, {"retry_at", at}});
  }
  return FilterVerdict::proceed();
}

// A limit store that cannot answer must not turn into unlimited calls.
FilterVerdict LimitsFilter::store_unavailable(const Status& status) {
  ++store_unavailable_;
  log_event("error", "limit_store_unavailable", {{"store", store_->describe()}, {"error", status.message()}});
  return FilterVerdict::refuse(error_result("The server cannot check its limits right now; try again shortly.",
                                            {{"code", "limits_unavailable"}, {"retry_after_seconds", 1}}));
}

void LimitsFilter::register_stats(MetricsRegistry& registry) const {
  const char* help = "Tool calls the limits filter refused before the handler ran, by reason.";
  registry.add_counter("mcp_limits_refused_total", help, "reason=\"rate_limited\"", rate_limited_);
  registry.add_counter("mcp_limits_refused_total", help, "reason=\"budget_exhausted\"", budget_exhausted_);
  registry.add_counter("mcp_limits_refused_total", help, "reason=\"store_unavailable\"", store_unavailable_);
  registry.add_counter("mcp_limits_refused_total", help, "reason=\"invalid_run_id\"", invalid_run_id_);
}

Status install_limits(McpServer& server, const LimitsConfig& config) {
  std::unique_ptr<LimitStore> store;
  if (config.backend == "redis") {
    ASSIGN_OR_RETURN(store, make_redis_store(config.redis_address, config.redis_connections));
  } else {
    store = make_memory_store();
  }
  server.set_initialize_meta(kLimitsMetaKey, config.declaration());
  if (store->shared()) {
    // Replicas behind one balancer declare one executions resource: its count must be
    // the deployment's, whichever replica answers the read.
    LimitStore* shared = store.get();  // owned by the filter, which the server keeps
    std::string key = config.key_prefix + ":executions";
    server.count_executions_in({.add = [shared, key](const std::string& tool) { (void)shared->add_execution(key, tool); },
                                .read = [shared, key] {
                                  auto counts = shared->executions(key);
                                  return counts.ok() ? nlohmann::json(*counts) : nlohmann::json::object();
                                }});
  }
  server.filters().add(std::make_unique<LimitsFilter>(config, std::move(store)));
  return ok_status();
}

}  // namespace mcp::server
