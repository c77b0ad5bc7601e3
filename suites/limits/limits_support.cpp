#include "suites/limits/limits_support.h"

#include <regex>

namespace mcp::harness::suites {

using json = nlohmann::json;

double DeclaredLimits::rate_for(const std::string& tool) const {
  return tools.contains(tool) ? tools[tool].value("per_second", per_second) : per_second;
}
double DeclaredLimits::burst_for(const std::string& tool) const {
  return tools.contains(tool) ? tools[tool].value("burst", burst) : burst;
}
long long DeclaredLimits::cost_of(const std::string& tool) const {
  return tools.contains(tool) ? tools[tool].value("cost", 1LL) : 1LL;
}

DeclaredLimits declared_limits(const Session& session, const LimitsProfile& profile) {
  return declared_limits(session.initialize_response, profile);
}

DeclaredLimits declared_limits(const json& init, const LimitsProfile& profile) {
  json declared = profile.declared;
  if (declared.is_null()) {
    if (init.contains("result") && init["result"].contains("_meta") && init["result"]["_meta"].is_object()) {
      declared = init["result"]["_meta"].value(profile.declaration_key, json());
    }
  }
  DeclaredLimits limits;
  if (!declared.is_object()) return limits;
  try {
    json rate = declared.value("rate", json::object()), budget = declared.value("budget", json::object());
    limits.per_second = rate.value("per_second", 0.0);
    limits.burst = rate.value("burst", 0.0);
    limits.budget_units = budget.value("units", 0LL);
    limits.window_seconds = budget.value("window_seconds", 0LL);
    limits.run_id_key = budget.value("run_id_meta_key", limits.run_id_key);
    limits.tools = declared.value("tools", json::object());
    limits.executions_resource = declared.value("executions_resource", "");
  } catch (const json::exception&) {
    return DeclaredLimits{};
  }
  limits.present = limits.per_second > 0 && limits.burst > 0 && limits.budget_units > 0 && limits.window_seconds > 0;
  return limits;
}

StatusOr<Loop> tight_loop(const LimitsProfile& profile, McpClient& client, const std::string& tool, const json& arguments,
                          int max_calls,
                          int stop_after_refused, const json& meta) {
  Loop loop;
  auto start = Clock::now();
  json params = {{"name", tool}, {"arguments", arguments}};
  if (!meta.is_null()) params["_meta"] = meta;
  for (int i = 0; i < max_calls && loop.refused < stop_after_refused; ++i) {
    auto sent = Clock::now();
    auto answer = client.request("tools/call", params);
    if (!answer.ok() && answer.status().message().rfind("HTTP 429", 0) == 0) {
      // A refusal, but a bare one: no tool result an agent could read (limits.refusal.structured judges it).
      if (loop.refused++ == 0) {
        loop.first_refusal_at = i;
        loop.first_refusal_sent = sent;
        loop.first_refusal = {{"http_status", 429}, {"body", answer.status().message()}};
        // Retry-After in seconds (RFC 9110 § 10.2.3), so that its honesty can be judged too.
        std::smatch seconds;
        const std::string& message = answer.status().message();
        if (std::regex_search(message, seconds, std::regex(R"(\(Retry-After: (\d+)\))"))) {
          loop.first_refusal["retry_after_seconds"] = std::stod(seconds[1]);
        }
      }
      continue;
    }
    ASSIGN_OR_RETURN(json response, std::move(answer));
    if (is_refusal(response, profile)) {
      if (loop.refused++ == 0) {
        loop.first_refusal_at = i;
        loop.first_refusal_sent = sent;
        loop.first_refusal = response;
      }
    } else if (response.contains("result") && response["result"].value("isError", false) != true) {
      ++loop.accepted;
    } else if (loop.other_failure.is_null()) {
      loop.other_failure = response;
      if (response.contains("error") || loop.accepted == 0) break;
    }
  }
  loop.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return loop;
}

std::optional<std::pair<std::string, json>> loop_tool(const CheckContext& ctx, const std::vector<json>& tools) {
  // Current versions only: deprecated ones add notices, retired ones refuse for other reasons.
  const std::string& lifecycle_key = ctx.target().profile.versioning.lifecycle_key;
  auto found = callable_tool(call_policy(ctx), tools, [&](const json& tool) { return is_current_version(tool, lifecycle_key); });
  if (!found) return std::nullopt;
  return std::make_pair(found->first.value("name", std::string()), found->second);
}

}  // namespace mcp::harness::suites
