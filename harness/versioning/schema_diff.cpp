#include "harness/versioning/schema_diff.h"

#include <algorithm>
#include <set>

namespace mcp::harness {

using json = nlohmann::json;

const char* change_kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdditive: return "additive";
    case ChangeKind::kBreaking: return "breaking";
    case ChangeKind::kCosmetic: return "cosmetic";
  }
  return "?";
}

namespace {

// Inputs flow from client to server (the new schema must accept more);
// outputs flow back (the new schema must promise at least as much).
enum class Flow { kInput, kOutput };

class Differ {
 public:
  Differ(std::string tool, std::vector<SchemaChange>& out) : tool_(std::move(tool)), out_(out) {}

  void add(ChangeKind kind, const std::string& path, const std::string& reason) { out_.push_back({tool_, kind, path, reason}); }

  // A change that helps one direction and hurts the other.
  void directional(Flow flow, bool hurts_inputs, const std::string& path, const std::string& reason) {
    bool breaking = (flow == Flow::kInput) == hurts_inputs;
    add(breaking ? ChangeKind::kBreaking : ChangeKind::kAdditive, path, reason);
  }

  void schema(const json& before, const json& after, Flow flow, const std::string& path) {
    if (!before.is_object() || !after.is_object()) {
      if (before != after) add(ChangeKind::kBreaking, path, "schema replaced");
      return;
    }
    for (const char* text : {"description", "title", "default", "examples"}) {
      if (before.value(text, json()) != after.value(text, json())) add(ChangeKind::kCosmetic, path + "." + text, std::string(text) + " changed");
    }
    types(before, after, flow, path);
    enums(before, after, flow, path);
    bounds(before, after, flow, path);
    if (before.value("pattern", json()) != after.value("pattern", json())) {
      bool added_or_changed = after.contains("pattern");
      directional(flow, added_or_changed, path + ".pattern",
                  added_or_changed ? "pattern now " + after["pattern"].dump() : "pattern removed");
    }
    if (flow == Flow::kInput && before.value("x-mcp-header", json()) != after.value("x-mcp-header", json())) {
      // Clients holding the old definition send (or omit) the wrong Mcp-Param-* header,
      // which the server must refuse: any change here breaks them.
      add(ChangeKind::kBreaking, path + ".x-mcp-header",
          "x-mcp-header " + before.value("x-mcp-header", json("none")).dump() + " -> " + after.value("x-mcp-header", json("none")).dump());
    }
    properties(before, after, flow, path);
    if (before.contains("items") || after.contains("items")) {
      schema(before.value("items", json::object()), after.value("items", json::object()), flow, path + ".items");
    }
  }

 private:
  static std::set<std::string> type_set(const json& s) {
    std::set<std::string> out;
    auto t = s.find("type");
    if (t == s.end()) return {"*"};
    if (t->is_string()) out.insert(t->get<std::string>());
    if (t->is_array()) for (const json& x : *t) if (x.is_string()) out.insert(x.get<std::string>());
    if (out.count("number")) out.insert("integer");  // number accepts integers
    return out;
  }

  static bool subset(const std::set<std::string>& a, const std::set<std::string>& b) {
    if (b.count("*")) return true;
    if (a.count("*")) return false;
    return std::includes(b.begin(), b.end(), a.begin(), a.end());
  }

  void types(const json& before, const json& after, Flow flow, const std::string& path) {
    auto old_types = type_set(before), new_types = type_set(after);
    if (old_types == new_types) return;
    std::string change = "type " + before.value("type", json("any")).dump() + " -> " + after.value("type", json("any")).dump();
    if (subset(old_types, new_types)) directional(flow, false, path + ".type", change + " (widened)");
    else if (subset(new_types, old_types)) directional(flow, true, path + ".type", change + " (narrowed)");
    else add(ChangeKind::kBreaking, path + ".type", change + " (retyped)");
  }

  void enums(const json& before, const json& after, Flow flow, const std::string& path) {
    bool had = before.contains("enum") && before["enum"].is_array();
    bool has = after.contains("enum") && after["enum"].is_array();
    if (!had && !has) return;
    if (had && !has) return directional(flow, false, path + ".enum", "enum constraint removed");
    if (!had && has) return directional(flow, true, path + ".enum", "enum constraint added");
    std::vector<std::string> removed, added;
    for (const json& v : before["enum"]) if (std::find(after["enum"].begin(), after["enum"].end(), v) == after["enum"].end()) removed.push_back(v.dump());
    for (const json& v : after["enum"]) if (std::find(before["enum"].begin(), before["enum"].end(), v) == before["enum"].end()) added.push_back(v.dump());
    auto joined = [](const std::vector<std::string>& values) {
      std::string s;
      for (const std::string& v : values) s += (s.empty() ? "" : ", ") + v;
      return s;
    };
    if (!removed.empty()) directional(flow, true, path + ".enum", "enum narrowed (removed " + joined(removed) + ")");
    if (!added.empty()) directional(flow, false, path + ".enum", "enum widened (added " + joined(added) + ")");
  }

  void bounds(const json& before, const json& after, Flow flow, const std::string& path) {
    // Lower bounds tighten when they rise; upper bounds when they fall; adding one tightens.
    for (const char* key : {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"}) {
      bound(before, after, flow, path, key, /*lower=*/true);
    }
    for (const char* key : {"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"}) {
      bound(before, after, flow, path, key, /*lower=*/false);
    }
  }

  void bound(const json& before, const json& after, Flow flow, const std::string& path, const char* key, bool lower) {
    bool had = before.contains(key) && before[key].is_number();
    bool has = after.contains(key) && after[key].is_number();
    if (!had && !has) return;
    if (had && has && before[key] == after[key]) return;
    bool tightened;
    if (!had) tightened = true;
    else if (!has) tightened = false;
    else tightened = lower ? after[key].get<double>() > before[key].get<double>() : after[key].get<double>() < before[key].get<double>();
    std::string change = std::string(key) + " " + (had ? before[key].dump() : "none") + " -> " + (has ? after[key].dump() : "none");
    directional(flow, tightened, path + "." + key, change + (tightened ? " (tightened)" : " (loosened)"));
  }

  static std::set<std::string> required_of(const json& s) {
    std::set<std::string> out;
    if (s.contains("required") && s["required"].is_array()) {
      for (const json& r : s["required"]) if (r.is_string()) out.insert(r.get<std::string>());
    }
    return out;
  }

  void properties(const json& before, const json& after, Flow flow, const std::string& path) {
    json old_props = before.value("properties", json::object()), new_props = after.value("properties", json::object());
    if (!old_props.is_object() || !new_props.is_object()) return;
    auto old_required = required_of(before), new_required = required_of(after);
    for (const auto& [name, schema_before] : old_props.items()) {
      std::string at = path + ".properties." + name;
      if (!new_props.contains(name)) {
        add(ChangeKind::kBreaking, at, flow == Flow::kInput ? "input property \"" + name + "\" removed"
                                                          : "output field \"" + name + "\" removed");
        continue;
      }
      schema(schema_before, new_props[name], flow, at);
      bool was = old_required.count(name), is = new_required.count(name);
      if (was && !is) {
        directional(flow, false, at, flow == Flow::kInput ? "\"" + name + "\" is now optional"
                                                          : "output field \"" + name + "\" may now be missing");
      } else if (!was && is) {
        directional(flow, true, at, flow == Flow::kInput ? "\"" + name + "\" is now required"
                                                         : "output field \"" + name + "\" is now always present");
      }
    }
    for (const auto& [name, schema_after] : new_props.items()) {
      if (old_props.contains(name)) continue;
      std::string at = path + ".properties." + name;
      if (flow == Flow::kInput && new_required.count(name)) add(ChangeKind::kBreaking, at, "new required input \"" + name + "\"");
      else add(ChangeKind::kAdditive, at, std::string(flow == Flow::kInput ? "new optional input \"" : "new output field \"") + name + "\"");
    }
    bool old_closed = before.value("additionalProperties", json(true)) == false;
    bool new_closed = after.value("additionalProperties", json(true)) == false;
    if (old_closed != new_closed) {
      directional(flow, new_closed, path + ".additionalProperties",
                  new_closed ? "additional properties no longer allowed" : "additional properties now allowed");
    }
  }

  std::string tool_;
  std::vector<SchemaChange>& out_;
};

void diff_annotations(Differ& d, const json& before, const json& after) {
  if (before == after) return;
  auto flag = [](const json& a, const char* key, bool fallback) {
    return a.is_object() && a.contains(key) && a[key].is_boolean() ? a[key].get<bool>() : fallback;
  };
  // Defaults per the spec's ToolAnnotations: readOnly false, destructive true, idempotent false.
  if (flag(before, "readOnlyHint", false) && !flag(after, "readOnlyHint", false)) {
    d.add(ChangeKind::kBreaking, "annotations.readOnlyHint", "the tool is no longer read-only");
  } else if (!flag(before, "destructiveHint", true) && flag(after, "destructiveHint", true) && !flag(after, "readOnlyHint", false)) {
    d.add(ChangeKind::kBreaking, "annotations.destructiveHint", "the tool may now be destructive");
  } else if (flag(before, "idempotentHint", false) && !flag(after, "idempotentHint", false)) {
    d.add(ChangeKind::kBreaking, "annotations.idempotentHint", "the tool is no longer idempotent");
  } else {
    d.add(ChangeKind::kCosmetic, "annotations", "annotations changed");
  }
}

void diff_lifecycle(Differ& d, const json& before, const json& after, const std::string& today) {
  std::string was = before.value("status", "current"), is = after.value("status", "current");
  std::string old_sunset = before.value("sunset", ""), new_sunset = after.value("sunset", "");
  if (was == is && old_sunset == new_sunset && before.value("replacement", "") == after.value("replacement", "")) return;
  if (is == "current") return d.add(ChangeKind::kAdditive, "lifecycle", "back to current (was " + was + ")");
  if (is == "deprecated") {
    if (new_sunset.empty()) return d.add(ChangeKind::kBreaking, "lifecycle", "deprecated without a sunset date");
    if (was == "deprecated" && !old_sunset.empty() && new_sunset < old_sunset) {
      return d.add(ChangeKind::kBreaking, "lifecycle.sunset", "sunset moved earlier: " + old_sunset + " -> " + new_sunset);
    }
    return d.add(ChangeKind::kAdditive, "lifecycle",
                 "deprecated: sunset " + new_sunset + ", replacement " + after.value("replacement", "(none)"));
  }
  // retired
  if (was == "current") return d.add(ChangeKind::kBreaking, "lifecycle", "retired without deprecation");
  std::string scheduled = old_sunset.empty() ? new_sunset : old_sunset;
  if (was == "deprecated" && today < scheduled) {
    return d.add(ChangeKind::kBreaking, "lifecycle", "retired before its sunset (" + scheduled + ")");
  }
  d.add(ChangeKind::kAdditive, "lifecycle", "retired on schedule (" + scheduled + ")");
}

}  // namespace

std::vector<SchemaChange> diff_locks(const json& before, const json& after, const std::string& today) {
  std::vector<SchemaChange> changes;
  const json old_tools = before.value("tools", json::object()), new_tools = after.value("tools", json::object());
  for (const auto& [name, old_tool] : old_tools.items()) {
    Differ d(name, changes);
    if (!new_tools.contains(name)) {
      json lifecycle = old_tool.value("lifecycle", json::object());
      std::string status = lifecycle.value("status", "current"), sunset = lifecycle.value("sunset", "");
      if (status == "current") d.add(ChangeKind::kBreaking, "", "tool removed without deprecation");
      else if (sunset.empty() || today < sunset) d.add(ChangeKind::kBreaking, "", "tool removed before its sunset (" + sunset + ")");
      else d.add(ChangeKind::kAdditive, "", "tool removed after its sunset (" + sunset + ")");
      continue;
    }
    const json& new_tool = new_tools[name];
    for (const char* text : {"title", "description"}) {
      if (old_tool.value(text, json()) != new_tool.value(text, json())) d.add(ChangeKind::kCosmetic, text, std::string(text) + " changed");
    }
    d.schema(old_tool.value("inputSchema", json::object()), new_tool.value("inputSchema", json::object()), Flow::kInput, "inputSchema");
    bool had_output = old_tool.contains("outputSchema"), has_output = new_tool.contains("outputSchema");
    if (had_output && !has_output) d.add(ChangeKind::kBreaking, "outputSchema", "outputSchema removed: structured output no longer promised");
    else if (!had_output && has_output) d.add(ChangeKind::kAdditive, "outputSchema", "outputSchema added");
    else if (had_output) d.schema(old_tool["outputSchema"], new_tool["outputSchema"], Flow::kOutput, "outputSchema");
    diff_annotations(d, old_tool.value("annotations", json()), new_tool.value("annotations", json()));
    diff_lifecycle(d, old_tool.value("lifecycle", json::object()), new_tool.value("lifecycle", json::object()), today);
  }
  for (const auto& [name, new_tool] : new_tools.items()) {
    if (!old_tools.contains(name)) changes.push_back({name, ChangeKind::kAdditive, "", "new tool"});
  }
  return changes;
}

bool has_breaking(const std::vector<SchemaChange>& changes) {
  return std::any_of(changes.begin(), changes.end(), [](const SchemaChange& c) { return c.kind == ChangeKind::kBreaking; });
}

std::string render_changes_text(const std::vector<SchemaChange>& changes) {
  if (changes.empty()) return "no changes\n";
  std::string out;
  std::size_t counts[3] = {0, 0, 0};
  for (const SchemaChange& c : changes) {
    ++counts[static_cast<int>(c.kind)];
    out += std::string(change_kind_name(c.kind)) + "  " + c.tool + (c.path.empty() ? "" : " " + c.path) + ": " + c.reason + "\n";
  }
  out += std::to_string(changes.size()) + " changes: " + std::to_string(counts[1]) + " breaking, " +
         std::to_string(counts[0]) + " additive, " + std::to_string(counts[2]) + " cosmetic\n";
  return out;
}

json render_changes_json(const std::vector<SchemaChange>& changes) {
  json list = json::array();
  for (const SchemaChange& c : changes) {
    list.push_back({{"tool", c.tool}, {"kind", change_kind_name(c.kind)}, {"path", c.path}, {"reason", c.reason}});
  }
  return {{"breaking", has_breaking(changes)}, {"changes", list}};
}

}  // namespace mcp::harness
