// The modern era's HTTP request metadata a client sends: Mcp-Method, Mcp-Name and the
// Mcp-Param-* headers of tools that declared x-mcp-header parameters.
#include <mutex>

#include "harness/client/http_connection.h"
#include "mcp/request_headers.h"

namespace mcp::harness {

void ToolHeaderBook::learn(const nlohmann::json& tools_list_result) {
  if (!tools_list_result.is_object() || !tools_list_result.contains("tools") || !tools_list_result["tools"].is_array()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const nlohmann::json& tool : tools_list_result["tools"]) {
    if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
    HeaderParameters declared = header_parameters(tool.value("inputSchema", nlohmann::json::object()));
    if (declared.invalid.empty()) tools_[tool["name"]] = std::move(declared.parameters);
    else tools_.erase(tool["name"].get<std::string>());
  }
}

std::vector<HeaderParameter> ToolHeaderBook::parameters(const std::string& tool) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = tools_.find(tool);
  return found == tools_.end() ? std::vector<HeaderParameter>{} : found->second;
}

std::map<std::string, std::string> request_metadata_headers(const nlohmann::json& message, const ToolHeaderBook* book) {
  std::map<std::string, std::string> headers;
  if (!message.is_object() || !message.contains("method") || !message["method"].is_string()) return headers;
  std::string method = message["method"];
  headers["Mcp-Method"] = method;
  // By reference: this runs for every POST, and arguments may be large.
  static const nlohmann::json kNone = nlohmann::json::object();
  auto found = message.find("params");
  const nlohmann::json& params = found != message.end() ? *found : kNone;
  auto name = mcp_name_source(method, params);
  if (name) headers["Mcp-Name"] = encode_header_value(*name);
  if (book && name && method == "tools/call") {
    const nlohmann::json& arguments = params.is_object() && params.contains("arguments") ? params["arguments"] : kNone;
    for (const HeaderParameter& parameter : book->parameters(*name)) {
      if (auto text = header_parameter_text(parameter, arguments)) headers[parameter.header()] = encode_header_value(*text);
    }
  }
  return headers;
}

}  // namespace mcp::harness
