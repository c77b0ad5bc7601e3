#include "reference-server/core/tool.h"

#include <array>

#include "mcp/json_rpc.h"

namespace mcp::server {

using json = nlohmann::json;

void ToolContext::report_progress(double progress, double total, const std::string& message) {
  if (progress_token_.is_null() || progress <= last_progress_) return;
  last_progress_ = progress;
  json params = {{"progressToken", progress_token_}, {"progress", progress}};
  if (total > 0) params["total"] = total;
  if (!message.empty()) params["message"] = message;
  out_.send(jsonrpc::make_notification("notifications/progress", std::move(params)));
}

void ToolContext::log(const std::string& level, const json& data) {
  auto threshold = session_.log_level();
  int severity = log_severity(level);
  if (!threshold || severity < 0 || severity < *threshold) return;
  out_.send(jsonrpc::make_notification("notifications/message",
                                       {{"level", level}, {"logger", "reference-server"}, {"data", data}}));
}

bool ToolContext::client_supports(const std::string& capability) const {
  json capabilities = session_.client_capabilities();
  return capabilities.is_object() && capabilities.contains(capability) && capabilities[capability].is_object();
}

StatusOr<json> ToolContext::ask_client(const std::string& method, json params, std::chrono::milliseconds timeout) {
  return session_.client_requests().call(out_, method, std::move(params), timeout, cancelled_);
}

ToolResult text_result(const std::string& text) {
  return {{"content", json::array({{{"type", "text"}, {"text", text}}})}};
}

ToolResult structured_result(const json& structured) {
  ToolResult result = text_result(jsonrpc::serialize(structured));
  result["structuredContent"] = structured;
  return result;
}

ToolResult error_result(const std::string& text, const json& structured) {
  ToolResult result = text_result(text);
  result["isError"] = true;
  if (!structured.is_null()) result["structuredContent"] = structured;
  return result;
}

int log_severity(const std::string& level) {
  static constexpr std::array<const char*, 8> kLevels = {"debug",    "info",  "notice", "warning",
                                                         "error",    "critical", "alert", "emergency"};
  for (std::size_t i = 0; i < kLevels.size(); ++i) {
    if (level == kLevels[i]) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace mcp::server
