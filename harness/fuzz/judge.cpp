#include "harness/fuzz/judge.h"

#include "harness/engine/verify.h"
#include "mcp/json_rpc.h"

namespace mcp::harness::fuzz {

using json = nlohmann::json;

std::optional<Verdict> judge(const CallResult& call, bool valid, const ToolUnderTest& tool) {
  if (call.what == CallResult::What::kHang) return Verdict{FindingKind::kHang, call.detail};
  if (call.what == CallResult::What::kClosed) return Verdict{FindingKind::kCrash, call.detail};
  if (call.what == CallResult::What::kOversizedHeaders) {
    if (valid) return Verdict{FindingKind::kRejectedValid, "valid arguments refused at the HTTP layer: " + call.detail};
    return std::nullopt;
  }
  const json& response = call.response;
  if (response.contains("error")) {
    int code = response["error"].value("code", 0);
    if (code == jsonrpc::kInternalError) return Verdict{FindingKind::kInternalError, "JSON-RPC -32603: " + compact(response["error"], 300)};
    // The tool needs a client capability the fuzzer does not declare: refused before its arguments matter.
    if (code == jsonrpc::kMissingRequiredClientCapability) return std::nullopt;
    if (valid) return Verdict{FindingKind::kRejectedValid, "valid arguments refused: " + compact(response["error"], 300)};
    // -32602 is the answer; -32600 is accepted too, for requests refused whole by a server limit (depth, size).
    if (code != jsonrpc::kInvalidParams && code != jsonrpc::kInvalidRequest) {
      return Verdict{FindingKind::kWrongError, "invalid arguments answered with " + compact(response["error"], 300)};
    }
    return std::nullopt;
  }
  const json& result = response.contains("result") ? response["result"] : json();
  if (!result.is_object()) return Verdict{FindingKind::kProtocol, "response without a result object: " + compact(response, 300)};
  if (result.value("isError", false)) return std::nullopt;  // a tool error is an acceptable answer to anything
  if (result.value("resultType", "") == "input_required") return std::nullopt;  // the fuzzer answers no questions
  if (!valid) return Verdict{FindingKind::kAcceptedInvalid, "invalid arguments gave a successful result: " + compact(result, 300)};
  if (tool.output) {
    if (!result.contains("structuredContent")) return Verdict{FindingKind::kOutputSchema, "outputSchema declared but no structuredContent"};
    auto errors = tool.output->validate(result["structuredContent"]);
    if (!errors.empty()) return Verdict{FindingKind::kOutputSchema, describe_errors(errors) + " in " + compact(result["structuredContent"], 300)};
  }
  return std::nullopt;
}

}  // namespace mcp::harness::fuzz
