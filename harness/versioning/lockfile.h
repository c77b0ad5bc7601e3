// Tool lock files: every tool's name, schemas, annotations and lifecycle in a
// canonical form (keys sorted, tools by name), so that two snapshots compare
// byte for byte when nothing changed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcp/status.h"

namespace mcp::harness {

inline constexpr const char* kDefaultLifecycleKey = "dev.mcp-harness/lifecycle";

// `tools` as tools/list returns them.
nlohmann::json make_lock(const std::vector<nlohmann::json>& tools,
                         const std::string& lifecycle_key = kDefaultLifecycleKey);
StatusOr<nlohmann::json> load_lock(const std::string& path);
std::string render_lock(const nlohmann::json& lock);

}  // namespace mcp::harness
