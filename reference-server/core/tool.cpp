#include "reference-server/core/tool.h"

#include <array>
#include <map>
#include <set>

#include "mcp/base64.h"
#include "mcp/json_rpc.h"
#include "mcp/protocol_version.h"

namespace mcp::server {

using json = nlohmann::json;

bool ToolContext::cancelled() const {
  if (cancelled_ && cancelled_->load()) return true;
  // From 2026-07-28 closing the response stream is the cancellation. Legacy transports
  // say a disconnect SHOULD NOT be read as one, so that a resumable stream can redeliver;
  // this server's streams are not resumable, so a call whose stream closed can deliver
  // to no one, and running on would let abandoned calls hold threads (docs/security.md).
  if (cancelled_ && !out_.open()) {
    cancelled_->store(true);
    return true;
  }
  return false;
}

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
  std::string key = "input-" + std::to_string(questions_asked_ + 1);
  ASSIGN_OR_RETURN(json answers, ask_client_all({{key, method, std::move(params)}}, timeout));
  return std::move(answers[key]);
}

StatusOr<json> ToolContext::ask_client_all(std::vector<ClientQuestion> questions, std::chrono::milliseconds timeout) {
  static const std::map<std::string, std::string> kCapabilityFor = {
      {"sampling/createMessage", "sampling"}, {"elicitation/create", "elicitation"}, {"roots/list", "roots"}};
  bool modern = session_.input_by_retry();
  if (modern && needed_) return waiting_for_client();
  std::set<std::string> keys;
  for (const ClientQuestion& question : questions) {
    auto needed = kCapabilityFor.find(question.method);
    if (needed == kCapabilityFor.end()) return invalid_argument("not a request a server may ask a client: " + question.method);
    // inputRequests keys "MUST be unique within the scope of the request" (mrtr.mdx).
    if (question.key.empty() || !keys.insert(question.key).second) {
      return invalid_argument("each question needs its own non-empty key: \"" + question.key + "\"");
    }
    // Never ask for what the client did not declare (lifecycle "Operation"; mrtr.mdx).
    if (client_supports(needed->second)) continue;
    if (!modern) return failed_precondition("the client did not declare the " + needed->second + " capability");
    needed_ = MissingClientCapability{needed->second};
    return waiting_for_client();
  }
  questions_asked_ += static_cast<int>(questions.size());
  json answers = json::object();
  if (!modern) {
    for (ClientQuestion& question : questions) {
      ASSIGN_OR_RETURN(answers[question.key], session_.client_requests().call(out_, question.method, std::move(question.params),
                                                                              timeout, cancelled_));
    }
    return answers;
  }
  const json answered = session_.input_responses();
  json unanswered = json::object();
  for (ClientQuestion& question : questions) {
    if (auto answer = answered.find(question.key); answer != answered.end()) {
      answers[question.key] = used_answers_[question.key] = *answer;
    } else {
      unanswered[question.key] = {{"method", question.method}, {"params", std::move(question.params)}};
    }
  }
  if (unanswered.empty()) return answers;
  // Answers the handler never asked for are dropped here: "the server SHOULD ignore
  // any information it does not recognize or need" (mrtr.mdx), and requestState stays small.
  needed_ = InputRequired{std::move(unanswered), used_answers_};
  return waiting_for_client();
}

bool ToolContext::run_as_task() {
  if (task_mode_ != TaskMode::kMayBecomeTask || needed_) return false;
  became_task_ = true;
  return true;
}

Status ToolContext::waiting_for_client() const {
  return std::holds_alternative<InputRequired>(*needed_)
             ? unavailable("the call needs the client's input first; it answers with an InputRequiredResult")
             : failed_precondition("the request did not declare the client capability \"" +
                                   std::get<MissingClientCapability>(*needed_).capability + "\" this call needs");
}

json InputRequired::result(const std::string& request_state) const {
  return {{"resultType", "input_required"}, {"inputRequests", requests}, {"requestState", request_state}};
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
