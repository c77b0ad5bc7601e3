#include "reference-server/filters/filter.h"

#include "reference-server/observability/tracing.h"

namespace mcp::server {

FilterVerdict FilterChain::run(const ToolCall& call, std::size_t& ran) const {
  ran = 0;
  for (const auto& filter : filters_) {
    ++ran;
    obs::ScopedSpan span("filter " + std::string(filter->name()));
    FilterVerdict verdict = filter->on_call(call);
    if (!verdict.proceeds()) span.set_attribute("filter.verdict", "respond");
    if (!verdict.proceeds()) return verdict;
  }
  return FilterVerdict::proceed();
}

void FilterChain::complete(const ToolCall& call, nlohmann::json& result, std::size_t ran) const {
  for (std::size_t i = ran; i > 0; --i) filters_[i - 1]->on_result(call, result);
}

}  // namespace mcp::server
