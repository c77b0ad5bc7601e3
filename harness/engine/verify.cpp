#include "harness/engine/verify.h"

#include "mcp/json_rpc.h"
#include "mcp/official_schemas.h"

namespace mcp::harness {

using json = nlohmann::json;

std::string compact(const json& value, std::size_t max_bytes) {
  std::string text = jsonrpc::serialize(value);
  if (text.size() > max_bytes) text = text.substr(0, max_bytes - 3) + "...(" + std::to_string(text.size()) + " bytes)";
  return text;
}

Failure expect_result(const json& response, const std::string& what) {
  if (response.is_object() && response.contains("result")) return std::nullopt;
  return fail(what + ": expected a result, got " + (response.contains("error") ? "an error" : "something else"),
              "a JSON-RPC response with \"result\"", compact(response));
}

Failure expect_error(const json& response, int code, const std::string& what) {
  std::string expected = code ? "a JSON-RPC error with code " + std::to_string(code) : "a JSON-RPC error";
  if (!response.is_object() || !response.contains("error") || !response["error"].is_object()) {
    return fail(what + ": expected an error response", expected, compact(response));
  }
  const json& error = response["error"];
  if (!error.contains("code") || !error["code"].is_number_integer()) {
    return fail(what + ": error has no integer code", expected, compact(response));
  }
  if (code && error["code"].get<int>() != code) {
    return fail(what + ": wrong error code " + std::to_string(error["code"].get<int>()), expected, compact(response));
  }
  return std::nullopt;
}

Failure expect_schema(const json& value, const std::string& version, const std::string& definition,
                      const std::string& what) {
  const SchemaValidator* schema = official_schema(version);
  if (!schema) return fail(what + ": no official schema for protocol version " + version);
  std::vector<SchemaError> errors = schema->validate_definition(value, definition);
  if (errors.empty()) return std::nullopt;
  return fail(what + " violates " + definition + " (" + version + " schema): " + describe_errors(errors),
              "a valid " + definition, compact(value));
}

Failure expect_silence(McpClient& client, std::chrono::milliseconds quiet, const std::string& what) {
  auto message = client.next_message(deadline_in(quiet));
  if (message.ok()) return fail(what + ": the server sent a message", "no message", compact(*message));
  return std::nullopt;
}

Outcome fail_status(const Status& status, const std::string& doing) {
  // What was expected depends on what went wrong: silence, an HTTP refusal, a closed
  // connection, an answer under another id.
  std::string expected = status.code() == StatusCode::kDeadlineExceeded ? "a reply within the deadline"
                         : status.code() == StatusCode::kUnavailable    ? "a connection that stays open"
                                                                        : "a JSON-RPC answer to the request";
  return fail(doing + ": " + status.message(), expected, status.to_string());
}

}  // namespace mcp::harness
