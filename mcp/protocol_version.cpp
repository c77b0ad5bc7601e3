#include "mcp/protocol_version.h"

#include <algorithm>

namespace mcp::protocol {

const std::vector<Revision>& revisions() {
  static const std::vector<Revision> kRevisions = {
      // name         era            batches structured input-errors completions annotations title
      {k2024_11_05, Era::kLegacy, false, false, false, false, false, false},
      {k2025_03_26, Era::kLegacy, true, false, false, true, true, false},
      {k2025_06_18, Era::kLegacy, false, true, false, true, true, true},
      {k2025_11_25, Era::kLegacy, false, true, true, true, true, true},
      {k2026_07_28, Era::kModern, false, true, true, true, true, true},
  };
  return kRevisions;
}

std::optional<Revision> find_revision(std::string_view name) {
  for (const Revision& r : revisions()) {
    if (r.name == name) return r;
  }
  return std::nullopt;
}

const Revision& revision_or_oldest(std::string_view name) {
  for (const Revision& r : revisions()) {
    if (r.name == name) return r;
  }
  return revisions().front();
}

std::vector<std::string> legacy_version_names() {
  std::vector<std::string> names;
  for (const Revision& r : revisions()) {
    if (r.era == Era::kLegacy) names.emplace_back(r.name);
  }
  return names;
}

std::string_view latest_legacy() { return k2025_11_25; }

std::vector<std::string> modern_version_names() {
  std::vector<std::string> names;
  for (const Revision& r : revisions()) {
    if (r.era == Era::kModern) names.emplace_back(r.name);
  }
  return names;
}

bool is_modern(std::string_view version) {
  auto revision = find_revision(version);
  return revision ? revision->era == Era::kModern : at_least(version, k2026_07_28);
}

bool at_least(std::string_view version, std::string_view other) { return version >= other; }

std::string negotiate(std::string_view requested, const std::vector<std::string>& supported) {
  if (std::find(supported.begin(), supported.end(), requested) != supported.end()) return std::string(requested);
  return supported.empty() ? std::string() : *std::max_element(supported.begin(), supported.end());
}

}  // namespace mcp::protocol
