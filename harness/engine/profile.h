// A profile tells the checks a server's own conventions where MCP leaves them
// open (docs/profile.md). Defaults describe the reference server's conventions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mcp/status.h"

namespace mcp::harness {

struct VersioningProfile {
  // ECMAScript regex with two groups: the base name and the version number.
  std::string name_pattern = "^(.+)_v([0-9]+)$";
  std::string lifecycle_key = "dev.mcp-harness/lifecycle";      // in Tool._meta
  std::string deprecation_key = "dev.mcp-harness/deprecation";  // in CallToolResult._meta
  std::string retired_code = "tool_retired";                     // structuredContent.code of a retired call
};

struct Profile {
  VersioningProfile versioning;
};

// Reads a JSON profile; unknown keys are errors so that typos do not pass silently.
StatusOr<Profile> load_profile(const std::string& path);

}  // namespace mcp::harness
