// The tool-call filter chain (after Envoy's HTTP filters): each concern (auth,
// versioning, limits, observability) is one filter that either lets the call
// continue or answers it itself. Filters run in order before the handler and in
// reverse order after it.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/status.h"
#include "reference-server/core/session.h"
#include "reference-server/observability/metrics_registry.h"

namespace mcp::server {

struct ToolCall {
  const std::string& tool;
  const nlohmann::json& arguments;
  const nlohmann::json& request_meta;  // params._meta of the tools/call request
  Session& session;
};

class FilterVerdict {
 public:
  static FilterVerdict proceed() { return FilterVerdict(true, false, nullptr); }
  // Stops the chain; `result` (a CallToolResult) is the answer to the call.
  static FilterVerdict respond(nlohmann::json result) { return FilterVerdict(false, false, std::move(result)); }
  // Stops the chain with a refusal (a limit, a retired version): the handler never ran,
  // so observability counts the call as refused and charges it nothing.
  static FilterVerdict refuse(nlohmann::json result) { return FilterVerdict(false, true, std::move(result)); }

  bool proceeds() const { return proceed_; }
  bool refused() const { return refused_; }
  const nlohmann::json& response() const { return response_; }

 private:
  FilterVerdict(bool proceed, bool refused, nlohmann::json response)
      : proceed_(proceed), refused_(refused), response_(std::move(response)) {}
  bool proceed_;
  bool refused_;
  nlohmann::json response_;
};

class ToolCallFilter {
 public:
  virtual ~ToolCallFilter() = default;
  virtual std::string_view name() const = 0;
  virtual FilterVerdict on_call(const ToolCall& call) = 0;
  // Sees (and may annotate) every result, including ones another filter produced.
  virtual void on_result(const ToolCall& call, nlohmann::json& result) { (void)call, (void)result; }
  // Registers the filter's counters, which it bumps where it decides (after Envoy's stats).
  virtual void register_stats(MetricsRegistry& registry) const { (void)registry; }
  // Whether on_call may wait on I/O (a remote store): such a chain never runs on a
  // transport's reading thread.
  virtual bool may_block() const { return false; }
  // Whether what the filter depends on answers now (readiness probes).
  virtual Status health() { return ok_status(); }
};

class FilterChain {
 public:
  void add(std::unique_ptr<ToolCallFilter> filter) { filters_.push_back(std::move(filter)); }
  std::size_t size() const { return filters_.size(); }
  std::string_view name_of(std::size_t index) const { return filters_.at(index)->name(); }

  // Runs on_call in order; returns the first verdict that stops, and how many
  // filters ran (so that only those see the result).
  FilterVerdict run(const ToolCall& call, std::size_t& ran) const;
  void complete(const ToolCall& call, nlohmann::json& result, std::size_t ran) const;
  void register_stats(MetricsRegistry& registry) const {
    for (const auto& filter : filters_) filter->register_stats(registry);
  }
  bool may_block() const {
    for (const auto& filter : filters_) {
      if (filter->may_block()) return true;
    }
    return false;
  }
  Status health() const {
    for (const auto& filter : filters_) RETURN_IF_ERROR(filter->health());
    return ok_status();
  }

 private:
  std::vector<std::unique_ptr<ToolCallFilter>> filters_;
};

}  // namespace mcp::server
