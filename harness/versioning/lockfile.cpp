#include "harness/versioning/lockfile.h"

#include <fstream>

namespace mcp::harness {

using json = nlohmann::json;

json make_lock(const std::vector<json>& tools, const std::string& lifecycle_key) {
  json entries = json::object();  // nlohmann's object keeps keys sorted: canonical for free
  for (const json& tool : tools) {
    if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
    json entry = {{"inputSchema", tool.value("inputSchema", json::object())}};
    for (const char* field : {"title", "description", "outputSchema", "annotations"}) {
      if (tool.contains(field)) entry[field] = tool[field];
    }
    json lifecycle = {{"status", "current"}};
    if (tool.contains("_meta") && tool["_meta"].is_object() && tool["_meta"].contains(lifecycle_key)) {
      lifecycle = tool["_meta"][lifecycle_key];
    }
    entry["lifecycle"] = lifecycle;
    entries[tool["name"].get<std::string>()] = entry;
  }
  return {{"lockfile_version", 1}, {"tools", entries}};
}

StatusOr<json> load_lock(const std::string& path) {
  std::ifstream file(path);
  if (!file) return not_found("cannot read lock file " + path);
  json lock = json::parse(file, nullptr, false);
  if (!lock.is_object() || !lock.contains("tools") || !lock["tools"].is_object()) {
    return invalid_argument(path + " is not a tool lock file (expected {\"lockfile_version\": 1, \"tools\": {...}})");
  }
  return lock;
}

std::string render_lock(const json& lock) { return lock.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

}  // namespace mcp::harness
