// Versioning (production profile, docs/profile.md "Versioning"): tools carry a
// version suffix, versions evolve additively, deprecation runs on a schedule and
// is visible, retired versions say where to go, and the tool list is stable.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>

#include "harness/versioning/lockfile.h"
#include "mcp/json_rpc.h"
#include "harness/versioning/schema_diff.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kProfileDoc = "docs/profile.md § Versioning";

json lifecycle_of(const json& tool, const VersioningProfile& profile) {
  if (tool.contains("_meta") && tool["_meta"].is_object() && tool["_meta"].contains(profile.lifecycle_key)) {
    return tool["_meta"][profile.lifecycle_key];
  }
  return {{"status", "current"}};
}

std::string status_of(const json& tool, const VersioningProfile& profile) {
  json lifecycle = lifecycle_of(tool, profile);
  return lifecycle.is_object() ? lifecycle.value("status", "current") : "current";
}

const json* find_tool(const std::vector<json>& tools, const std::string& name) {
  for (const json& t : tools) {
    if (t.value("name", "") == name) return &t;
  }
  return nullptr;
}

// A read-only tool in `status` to call, with arguments built from its schema.
std::optional<std::pair<std::string, json>> callable_in_status(const CheckContext& ctx, const std::vector<json>& tools,
                                                                const std::string& status, const VersioningProfile& profile) {
  auto found = callable_tool(call_policy(ctx), tools, [&](const json& tool) { return status_of(tool, profile) == status; });
  if (!found) return std::nullopt;
  return std::make_pair(found->first.value("name", std::string()), found->second);
}

// Tool names without descriptions of volatile details: what must not change between lists.
json comparable(const std::vector<json>& tools) { return make_lock(tools); }

// A name split into base and version by the profile's pattern. The default pattern is
// matched by hand; a custom one by std::regex, whose matcher recurses per character, so
// names longer than any real tool's (a hostile server's 100k-character name overflowed
// the stack) are never given to it.
struct SplitName {
  std::string base;
  long version = 0;
};

class VersionedNames {
 public:
  static constexpr std::size_t kMaxName = 256;
  explicit VersionedNames(const VersioningProfile& profile)
      : default_(profile.name_pattern == VersioningProfile{}.name_pattern),
        pattern_(default_ ? std::regex() : std::regex(profile.name_pattern)) {}

  std::optional<SplitName> split(const std::string& name) const {
    if (name.empty() || name.size() > kMaxName) return std::nullopt;
    std::string base, digits;
    if (default_) {
      std::size_t at = name.rfind("_v");
      if (at == std::string::npos || at == 0) return std::nullopt;
      base = name.substr(0, at);
      digits = name.substr(at + 2);
      if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
    } else {
      std::smatch m;
      if (!std::regex_match(name, m, pattern_)) return std::nullopt;
      base = m[1];
      digits = m[2];
    }
    // Nine digits at most: std::stol must not throw on a hostile version number.
    if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return std::nullopt;
    return SplitName{base, std::stol(digits)};
  }

 private:
  bool default_;
  std::regex pattern_;
};

// Preconditions on the preflight's tool list: these checks have nothing to judge
// without a versioned name, or a tool in the lifecycle status they look at.
std::optional<Outcome> without_versioned_names(const TargetConfig& target) {
  if (!target.first_tools) return std::nullopt;
  VersionedNames names(target.profile.versioning);
  for (const json& tool : *target.first_tools) {
    if (names.split(jsonrpc::string_member(tool, "name"))) return std::nullopt;
  }
  return skip("no tool name matches the version pattern");
}

// `wanted` picks tools by lifecycle status ("deprecated"), or any status but current ("!current").
std::function<std::optional<Outcome>(const TargetConfig&)> without_tool_in(std::string wanted, std::string reason) {
  return [wanted = std::move(wanted), reason = std::move(reason)](const TargetConfig& target) -> std::optional<Outcome> {
    if (!target.first_tools) return std::nullopt;
    for (const json& tool : *target.first_tools) {
      std::string status = status_of(tool, target.profile.versioning);
      if (wanted == "!current" ? status != "current" : status == wanted) return std::nullopt;
    }
    return skip(reason);
  };
}

// A name as a failure message quotes it: long ones cut.
std::string shown_name(const std::string& name) {
  return name.size() > 80 ? name.substr(0, 80) + "...(" + std::to_string(name.size()) + " characters)" : name;
}

}  // namespace

void register_versioning(Registry& registry) {
  registry.add({
      .id = "versioning.names.suffix",
      .level = Level::kProfile,
      .requirement = "Every tool name carries a version suffix (default pattern name_vN) so clients can pin a version.",
      .spec_ref = kProfileDoc,
      .procedure = "Lists every tool and matches each name against the profile's name_pattern.",
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing listing = list_all_tools(ctx);
        if (listing.outcome) return *listing.outcome;
        VersionedNames names(ctx.target().profile.versioning);
        std::vector<std::string> unversioned;
        for (const json& tool : listing.tools) {
          std::string name = jsonrpc::string_member(tool, "name");
          if (!names.split(name)) unversioned.push_back(shown_name(name));
        }
        if (!unversioned.empty()) {
          std::string names;
          for (const std::string& n : unversioned) names += (names.empty() ? "" : ", ") + n;
          return fail(std::to_string(unversioned.size()) + " tool(s) without a version suffix: " + names,
                      "names matching " + ctx.target().profile.versioning.name_pattern, names);
        }
        return pass(std::to_string(listing.tools.size()) + " tools");
      },
  });

  registry.add({
      .id = "versioning.versions.coherent",
      .level = Level::kProfile,
      .requirement = "The versions of one tool form an unbroken sequence, and the newest version is current (neither "
                     "deprecated nor retired).",
      .spec_ref = kProfileDoc,
      .procedure = "Groups tools by base name and inspects each group's version numbers and lifecycles.",
      .precondition = without_versioned_names,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing listing = list_all_tools(ctx);
        if (listing.outcome) return *listing.outcome;
        const VersioningProfile& profile = ctx.target().profile.versioning;
        VersionedNames names(profile);
        std::map<std::string, std::map<long, const json*>> groups;
        for (const json& tool : listing.tools) {
          if (auto split = names.split(jsonrpc::string_member(tool, "name"))) groups[split->base][split->version] = &tool;
        }
        if (groups.empty()) return skip("no tool name matches the version pattern");
        for (const auto& [base, versions] : groups) {
          long first = versions.begin()->first, last = versions.rbegin()->first;
          if (last - first + 1 != static_cast<long>(versions.size())) {
            std::string seen;
            for (const auto& [n, tool] : versions) seen += (seen.empty() ? "v" : ", v") + std::to_string(n);
            return fail(base + " skips versions (" + seen + ")", "consecutive versions", seen);
          }
          std::string newest = status_of(*versions.rbegin()->second, profile);
          if (newest != "current") {
            return fail(base + "_v" + std::to_string(last) + ", the newest version, is " + newest,
                        "the newest version current", compact(lifecycle_of(*versions.rbegin()->second, profile)));
          }
        }
        return pass(std::to_string(groups.size()) + " tool families");
      },
  });

  registry.add({
      .id = "versioning.deprecation.metadata",
      .level = Level::kProfile,
      .requirement = "A deprecated or retired tool version declares its sunset date (YYYY-MM-DD) and a replacement "
                     "that exists and is not itself retired.",
      .spec_ref = kProfileDoc,
      .procedure = "Inspects the lifecycle _meta of every tool.",
      .precondition = without_tool_in("!current", "no tool is deprecated or retired"),
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing listing = list_all_tools(ctx);
        if (listing.outcome) return *listing.outcome;
        const VersioningProfile& profile = ctx.target().profile.versioning;
        static const std::regex kDate("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
        int scheduled = 0;
        for (const json& tool : listing.tools) {
          std::string status = status_of(tool, profile);
          if (status == "current") continue;
          ++scheduled;
          json lifecycle = lifecycle_of(tool, profile);
          std::string name = tool.value("name", "");
          std::string sunset = lifecycle.value("sunset", ""), replacement = lifecycle.value("replacement", "");
          if (!std::regex_match(sunset, kDate)) {
            return fail(name + " is " + status + " without a sunset date", "\"sunset\": \"YYYY-MM-DD\"", compact(lifecycle));
          }
          const json* target = find_tool(listing.tools, replacement);
          if (!target || status_of(*target, profile) == "retired") {
            return fail(name + " names replacement \"" + replacement + "\", which is " + (target ? "retired" : "not listed"),
                        "a listed, non-retired replacement", compact(lifecycle));
          }
        }
        if (scheduled == 0) return skip("no tool is deprecated or retired");
        return pass(std::to_string(scheduled) + " scheduled tool versions");
      },
  });

  registry.add({
      .id = "versioning.deprecation.call-signals",
      .level = Level::kProfile,
      .requirement = "Calling a deprecated tool version still works, and the result says it is deprecated (sunset and "
                     "replacement in the result's _meta).",
      .spec_ref = kProfileDoc,
      .procedure = "Calls a read-only deprecated tool with arguments built from its schema and inspects the result.",
      .precondition = without_tool_in("deprecated", "no tool is deprecated"),
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing listing = list_all_tools(ctx);
        if (listing.outcome) return *listing.outcome;
        const VersioningProfile& profile = ctx.target().profile.versioning;
        auto target = callable_in_status(ctx, listing.tools, "deprecated", profile);
        if (!target) return skip("no read-only deprecated tool to call safely");
        REQUIRE_OK(json response, listing.session->client.request("tools/call", {{"name", target->first}, {"arguments", target->second}}),
                   "calling " + target->first);
        REQUIRE(expect_result(response, "calling deprecated " + target->first));
        const json& result = response["result"];
        if (result.value("isError", false)) {
          return fail("the deprecated tool " + target->first + " no longer works", "a successful result", compact(result));
        }
        json meta = result.value("_meta", json::object());
        if (!meta.is_object() || !meta.contains(profile.deprecation_key)) {
          return fail(target->first + " did not say it is deprecated", "_meta[\"" + profile.deprecation_key + "\"]",
                      compact(result));
        }
        return pass(compact(meta[profile.deprecation_key]));
      },
  });

  registry.add({
      .id = "versioning.retired.structured-error",
      .level = Level::kProfile,
      .requirement = "Calling a retired tool version returns a tool error (isError) whose structuredContent carries "
                     "the retired code and names an existing replacement, not a bare protocol error.",
      .spec_ref = kProfileDoc,
      .procedure = "Calls a read-only retired tool with arguments built from its schema.",
      .precondition = without_tool_in("retired", "no tool is retired"),
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing listing = list_all_tools(ctx);
        if (listing.outcome) return *listing.outcome;
        const VersioningProfile& profile = ctx.target().profile.versioning;
        auto target = callable_in_status(ctx, listing.tools, "retired", profile);
        if (!target) return skip("no read-only retired tool to call safely");
        REQUIRE_OK(json response, listing.session->client.request("tools/call", {{"name", target->first}, {"arguments", target->second}}),
                   "calling " + target->first);
        if (!response.contains("result")) {
          return fail("the retired tool answered with a protocol error", "a CallToolResult with isError: true",
                      compact(response));
        }
        const json& result = response["result"];
        json structured = result.value("structuredContent", json::object());
        std::string replacement = structured.is_object() ? structured.value("replacement", "") : "";
        if (result.value("isError", false) != true || !structured.is_object() ||
            structured.value("code", "") != profile.retired_code || !find_tool(listing.tools, replacement)) {
          return fail("the retired tool's answer does not say where to go",
                      "isError: true, structuredContent {code: \"" + profile.retired_code + "\", replacement: <listed tool>}",
                      compact(result));
        }
        return pass(target->first + " -> " + replacement);
      },
  });

  registry.add({
      .id = "versioning.list.stable-within-session",
      .level = Level::kProfile,
      .requirement = "Within a session the tool list does not change unless the server sends "
                     "notifications/tools/list_changed.",
      .spec_ref = kProfileDoc + "; docs/2025-11-25/server/tools.mdx § List Changed Notification",
      .procedure = "Lists tools, pings, lists again, and compares the two listings.",
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing listing = list_all_tools(ctx);
        if (listing.outcome) return *listing.outcome;
        McpClient& client = listing.session->client;
        REQUIRE_OK(json ping, client.request("ping"), "ping");
        REQUIRE_OK(ListWalk again, walk_list(client, "tools/list", "tools"), "listing tools again");
        for (const json& message : client.take_others()) {
          if (message.value("method", "") == "notifications/tools/list_changed") return skip("the server announced a change");
        }
        if (comparable(listing.tools) != comparable(again.items)) {
          return fail("the second listing differs from the first", compact(comparable(listing.tools), 300),
                      compact(comparable(again.items), 300));
        }
        return pass();
      },
  });

  registry.add({
      .id = "versioning.list.stable-across-sessions",
      .level = Level::kProfile,
      .requirement = "Two sessions see the same tool list: a tool's schema never changes silently between sessions.",
      .spec_ref = kProfileDoc,
      .procedure = "Lists tools in two separate sessions and compares them.",
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing first = list_all_tools(ctx);
        if (first.outcome) return *first.outcome;
        ToolListing second = list_all_tools(ctx);
        if (second.outcome) return *second.outcome;
        auto changes = diff_locks(comparable(first.tools), comparable(second.tools), ctx.target().today);
        if (!changes.empty()) {
          return fail("the tool list differs between sessions: " + changes.front().tool + " " + changes.front().path + ": " +
                          changes.front().reason,
                      "identical listings", render_changes_text(changes));
        }
        return pass(std::to_string(first.tools.size()) + " tools");
      },
  });

  registry.add({
      .id = "versioning.tools.stable-across-run",
      .level = Level::kProfile,
      .requirement = "A tool never changes its contract (inputSchema, outputSchema) under the same name during a run: "
                     "a changed contract is a new version (the spec lets tool lists change; the production profile "
                     "does not let a name change its meaning).",
      .spec_ref = kProfileDoc,
      .procedure = "Compares every tools/list page any check saw during the run (every session, every page), from "
                   "the preflight's first listing to a fresh session at the end, tool by tool with its first listing; "
                   "differences are classified by the rules of mcp-harness diff.",
      .concludes = true,
      .run = [](CheckContext& ctx) -> Outcome {
        ToolListing last = list_all_tools(ctx);  // the end of the pair; the preflight listed first
        if (last.outcome) return *last.outcome;
        std::size_t seen = ctx.violations().tools_observed();
        for (const ToolDrift& drift : ctx.violations().drifts()) {
          auto changes = diff_locks(comparable({drift.first}), comparable({drift.later}), ctx.target().today);
          std::erase_if(changes, [](const SchemaChange& c) { return c.kind == ChangeKind::kCosmetic; });
          if (changes.empty()) continue;
          const SchemaChange& c = changes.front();
          return fail(drift.name + " changed its contract during the run without a new name: " + c.path + ": " + c.reason +
                          " (" + change_kind_name(c.kind) + ")",
                      "first listed: " + compact(drift.first, 600), "later listed: " + compact(drift.later, 600));
        }
        return pass(std::to_string(seen) + " tools, each with one contract across the run");
      },
  });

  registry.add({
      .id = "versioning.lock.additive",
      .level = Level::kProfile,
      .requirement = "Against the tool lock file given with --lock, the live server changes tools only "
                     "additively: nothing removed before its sunset, no input narrowed, no output field lost "
                     "(the production profile; the spec lets tool lists change).",
      .spec_ref = kProfileDoc,
      .procedure = "Snapshots the live tool list and classifies every difference from the lock file.",
      .run = [](CheckContext& ctx) -> Outcome {
        if (ctx.target().lock.is_null()) return skip("no lock file given (--lock)");
        ToolListing listing = list_all_tools(ctx);
        if (listing.outcome) return *listing.outcome;
        json live = make_lock(listing.tools, ctx.target().profile.versioning.lifecycle_key);
        auto changes = diff_locks(ctx.target().lock, live, ctx.target().today);
        ctx.note(render_changes_text(changes));
        for (const SchemaChange& c : changes) {
          if (c.kind == ChangeKind::kBreaking) {
            return fail("breaking change to " + c.tool + (c.path.empty() ? "" : " at " + c.path) + ": " + c.reason,
                        "additive changes only", render_changes_text(changes));
          }
        }
        return pass(std::to_string(changes.size()) + " compatible changes");
      },
  });
}

}  // namespace mcp::harness::suites
