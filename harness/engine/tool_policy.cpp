#include "harness/engine/tool_policy.h"

#include <nlohmann/json.hpp>

namespace mcp::harness {

bool is_read_only(const nlohmann::json& tool) {
  if (!tool.is_object()) return false;
  auto annotations = tool.find("annotations");
  if (annotations == tool.end() || !annotations->is_object()) return false;
  auto hint = annotations->find("readOnlyHint");
  return hint != annotations->end() && *hint == true;
}

StatusOr<ToolCallPolicy> ToolCallPolicy::parse(const std::string& text) {
  ToolCallPolicy policy;
  if (text.empty() || text == "read-only") return policy;
  if (text == "all") {
    policy.mode_ = Mode::kAll;
    return policy;
  }
  policy.mode_ = Mode::kNamed;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (name.empty()) return invalid_argument("--call-tools: an empty tool name in \"" + text + "\" (use read-only, all, or NAME,NAME)");
    policy.names_.insert(name);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return policy;
}

bool ToolCallPolicy::allows(const nlohmann::json& tool) const {
  switch (mode_) {
    case Mode::kReadOnly: return is_read_only(tool);
    case Mode::kAll: return tool.is_object();
    case Mode::kNamed: {
      if (!tool.is_object()) return false;
      auto name = tool.find("name");
      return name != tool.end() && name->is_string() && names_.count(name->get<std::string>()) > 0;
    }
  }
  return false;
}

std::string ToolCallPolicy::describe() const {
  switch (mode_) {
    case Mode::kReadOnly: return "read-only tools (annotated readOnlyHint: true)";
    case Mode::kAll: return "every tool (--call-tools all: side effects possible; staging servers only)";
    case Mode::kNamed: return "the tools " + flag_value();
  }
  return "";
}

std::string ToolCallPolicy::flag_value() const {
  if (mode_ == Mode::kReadOnly) return "read-only";
  if (mode_ == Mode::kAll) return "all";
  std::string out;
  for (const std::string& name : names_) out += (out.empty() ? "" : ",") + name;
  return out;
}

}  // namespace mcp::harness
