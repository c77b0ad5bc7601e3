// Classifies every difference between two tool lock files. A client pinned to a
// tool version must keep working: inputs the tool accepted must still be
// accepted, outputs it promised must still come. Changes are:
//   additive  - compatible: new tools, new optional inputs, new output fields,
//               widened inputs, deprecation on a schedule, removal after sunset;
//   breaking  - removed or retyped properties, new required inputs, narrowed
//               enums or bounds, lost output fields, removal before sunset, ...;
//   cosmetic  - titles and descriptions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mcp::harness {

enum class ChangeKind { kAdditive, kBreaking, kCosmetic };
const char* change_kind_name(ChangeKind kind);

struct SchemaChange {
  std::string tool;
  ChangeKind kind;
  std::string path;    // where in the tool: "inputSchema.properties.customer", "lifecycle", ...
  std::string reason;  // one sentence
};

// `today` (YYYY-MM-DD) decides whether a sunset has passed.
std::vector<SchemaChange> diff_locks(const nlohmann::json& before, const nlohmann::json& after, const std::string& today);
bool has_breaking(const std::vector<SchemaChange>& changes);
std::string render_changes_text(const std::vector<SchemaChange>& changes);
nlohmann::json render_changes_json(const std::vector<SchemaChange>& changes);

}  // namespace mcp::harness
