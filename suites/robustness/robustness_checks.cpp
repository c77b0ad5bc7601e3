// Robustness inside `run`: a short, bounded pass over what breaks real servers in
// production. A long session whose every response id is checked, and every callable
// tool (--call-tools) given a 64 KiB string and invalid arguments: the server must
// answer each request (a result or an error, within the deadline) and stay alive.
// Fuzzing goes further (mcp-harness fuzz); this pass runs on every CI run.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>

#include "harness/fuzz/fuzzer.h"
#include "mcp/json_rpc.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {

const std::string kReplyMust =
    "\"When a rpc call is made, the Server MUST reply with a Response, except for in the case of Notifications\" "
    "(JSON-RPC 2.0 § 4, which \"All messages between MCP clients and servers MUST follow\").";
const std::string kReplyRef = spec("2025-11-25", "basic/index.mdx", "Messages") + " (JSON-RPC 2.0 § 4)";
constexpr int kSequentialRequests = 50;
constexpr std::size_t kLargeString = 64 * 1024;
constexpr std::size_t kToolsTried = 5;

// The first top-level property of a schema whose type allows `type` (string, number ...).
std::optional<std::string> property_of_type(const json& schema, const std::string& type) {
  if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object()) return std::nullopt;
  for (const auto& [name, property] : schema["properties"].items()) {
    if (!property.is_object() || !property.contains("type")) continue;
    const json& t = property["type"];
    if (t == type || (t.is_array() && std::find(t.begin(), t.end(), json(type)) != t.end())) return name;
  }
  return std::nullopt;
}

// A value no schema of `property`'s declared type accepts.
json wrong_type_for(const json& property) {
  const json type = property.is_object() ? property.value("type", json()) : json();
  if (type == "string") return 12345;
  return "mcp-harness: not a " + (type.is_string() ? type.get<std::string>() : std::string("valid value"));
}

// Tools to try: the callable ones whose plain example arguments answer within the
// deadline (a tool that is slow on valid input is not this pass's concern).
struct Tried {
  std::optional<Session> session;
  std::vector<std::pair<json, json>> tools;  // {tool, valid arguments}
  std::optional<Outcome> outcome;
};
Tried quick_tools(CheckContext& ctx) {
  Tried t;
  ToolListing tour = list_all_tools(ctx);
  if (tour.outcome) {
    t.outcome = tour.outcome;
    return t;
  }
  auto candidates = callable_tools(call_policy(ctx), tour.tools, kToolsTried);
  if (candidates.empty()) {
    t.outcome = skip(std::string(kNoCallableTool) + " whose arguments can be built from its schema");
    return t;
  }
  for (auto& [tool, args] : candidates) {
    auto answer = tour.session->client.request("tools/call", {{"name", tool["name"]}, {"arguments", args}});
    if (!answer.ok() && answer.status().code() == StatusCode::kDeadlineExceeded) {
      ctx.note(tool.value("name", "") + " is slow on valid arguments; left out");
      continue;
    }
    if (!answer.ok()) {
      t.outcome = fail_status(answer.status(), "calling " + tool.value("name", "") + " with valid arguments");
      return t;
    }
    t.tools.emplace_back(tool, args);
  }
  t.session = std::move(tour.session);
  if (t.tools.empty()) t.outcome = skip("every callable tool was slow on valid arguments");
  return t;
}

// The calls a check makes: {tool name, arguments}, built from a tried tool and its valid arguments.
using Calls = std::vector<std::pair<std::string, json>>;
using CallBuilder = std::function<void(const json& tool, const json& valid_arguments, Calls& calls)>;
// A smaller input that may still break the server (nullopt: nothing left to shrink).
using Shrinker = std::function<std::optional<json>(const json& arguments)>;

constexpr int kShrinkAttempts = 6;

// Why a call broke the server, or nothing when it replied and the server still answers.
std::optional<std::string> breaks_server(McpClient& client, const std::string& tool, const json& arguments) {
  auto answer = client.request("tools/call", {{"name", tool}, {"arguments", arguments}});
  if (!answer.ok()) return "got no reply: " + answer.status().message();
  auto alive = client.request(harmless_method(client));
  if (!alive.ok()) return "replied, then the server stopped answering " + harmless_method(client) + ": " + alive.status().message();
  return std::nullopt;
}

// A server that died (not one that hung: each try would wait out the deadline) is
// started again for each smaller input, while the smaller input still kills it.
json shrink(CheckContext& ctx, const std::string& tool, json arguments, const Shrinker& smaller) {
  for (int attempt = 0; attempt < kShrinkAttempts; ++attempt) {
    std::optional<json> candidate = smaller(arguments);
    if (!candidate) break;
    auto session = ctx.session();
    if (!session.ok()) break;  // the server does not come back (an HTTP server we cannot restart)
    auto start = Clock::now();
    bool still_breaks = breaks_server(*session, tool, *candidate).has_value();
    if (!still_breaks) break;
    arguments = std::move(*candidate);
    if (Clock::now() - start >= ctx.timeout()) break;  // it hung this time: no more waiting
  }
  return arguments;
}

// Writes the input as a repro file for `mcp-harness replay`; the sentence that says where.
// Named by check and tool, so that two checks breaking one tool keep both inputs.
std::string write_repro(CheckContext& ctx, const std::string& check, fuzz::FindingKind kind, const std::string& detail,
                        const std::string& tool, const json& arguments) {
  fuzz::Finding finding;
  finding.kind = kind;
  finding.detail = detail;
  finding.tool = tool;
  finding.arguments = finding.original_arguments = arguments;
  finding.mutation = "robustness pass";
  std::string safe = tool;
  for (char& c : safe) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  std::filesystem::path path = std::filesystem::path(ctx.target().repro_dir) / ("repro-" + check + "-" + safe + ".json");
  std::ofstream out(path);
  out << fuzz::repro_json(finding, ctx.target(), 0).dump(2) << "\n";
  if (!out) return " (could not write a repro file to " + ctx.target().repro_dir + ")";
  return "; replay: mcp-harness replay " + path.string() + " <target>";
}

// Makes the calls `build` derives from each quick tool; the server must reply to every
// call and then still answer a harmless request. `what` names the inputs in messages.
// A breaking input is shrunk by `smaller` (when given) and written as a repro file.
Outcome every_call_answered(CheckContext& ctx, const std::string& check, const std::string& what, const CallBuilder& build,
                            const Shrinker& smaller = nullptr) {
  Tried t = quick_tools(ctx);
  if (t.outcome) return *t.outcome;
  Calls calls;
  for (const auto& [tool, args] : t.tools) build(tool, args.is_object() ? args : json::object(), calls);
  if (calls.empty()) return skip("no tried tool takes parameters");
  McpClient& client = t.session->client;
  for (const auto& [name, arguments] : calls) {
    auto start = Clock::now();
    std::optional<std::string> broken = breaks_server(client, name, arguments);
    if (!broken) continue;
    bool hung = Clock::now() - start >= ctx.timeout();
    json input = smaller && !hung ? shrink(ctx, name, arguments, smaller) : arguments;
    std::string repro = write_repro(ctx, check, hung ? fuzz::FindingKind::kHang : fuzz::FindingKind::kCrash, "tools/call with " + what + " " + *broken, name, input);
    return fail("tools/call " + name + " with " + what + " " + *broken + repro,
                "a result or an error within " + std::to_string(ctx.timeout().count()) + " ms, and the server alive",
                "arguments " + compact(input, 300));
  }
  return pass(std::to_string(calls.size()) + " call(s) with " + what + " answered");
}

// Halves the longest string among the arguments (down to 1 byte).
std::optional<json> halve_longest_string(const json& arguments) {
  std::string longest;
  std::size_t size = 1;
  for (const auto& [name, value] : arguments.items()) {
    if (value.is_string() && value.get_ref<const std::string&>().size() > size) {
      size = value.get_ref<const std::string&>().size();
      longest = name;
    }
  }
  if (longest.empty()) return std::nullopt;
  json smaller = arguments;
  smaller[longest] = std::string(size / 2, 'x');
  return smaller;
}

}  // namespace

void register_robustness(Registry& registry) {
  registry.add({
      .id = "robustness.sequential-ids",
      .level = Level::kMust,
      .requirement = "\"Result responses MUST include the same ID as the request they correspond to.\" On the "
                     "fiftieth request of a session as on the first.",
      .spec_ref = spec("2025-11-25", "basic/index.mdx", "Responses"),
      .procedure = "Sends 50 requests one after another on one session (ping, or server/discover at 2026-07-28), "
                   "with integer and string ids in turn, and checks every response's id.",
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(McpClient client, ctx.session(), "initializing");
        const std::string method = harmless_method(client);
        for (int i = 0; i < kSequentialRequests; ++i) {
          json id = i % 2 ? json("mcp-harness-seq-" + std::to_string(i)) : json(1000 + i);
          auto response = client.request_with_id(id, method, json::object());
          if (!response.ok()) {
            return fail("request " + std::to_string(i + 1) + " of " + std::to_string(kSequentialRequests) + " (id " +
                            id.dump() + ") got no response with its id",
                        "a response with id " + id.dump(), seen_instead(client, response.status()));
          }
        }
        return pass(std::to_string(kSequentialRequests) + " responses, every id echoed");
      },
  });

  registry.add({
      .id = "robustness.large-argument",
      .level = Level::kMust,
      .requirement = kReplyMust + " A 64 KiB string argument is an ordinary request: answered with a result or an "
                     "error, and the server lives on.",
      .spec_ref = kReplyRef,
      .procedure = "Calls up to 5 callable tools (--call-tools) with their example arguments, then again with a 64 KiB "
                   "string in their first string parameter (or an extra one), then a harmless request. An input that "
                   "kills the server is shrunk (the string halved while it still does) and written as a repro file "
                   "(--repro-dir) for mcp-harness replay.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        return every_call_answered(ctx, "robustness.large-argument", "a 64 KiB string argument", [](const json& tool, const json& valid, Calls& calls) {
          json large = valid;
          std::string property = property_of_type(tool.value("inputSchema", json()), "string").value_or("mcp_harness_padding");
          large[property] = std::string(kLargeString, 'x');
          calls.emplace_back(tool.value("name", ""), std::move(large));
        }, halve_longest_string);
      },
  });

  registry.add({
      .id = "robustness.invalid-arguments",
      .level = Level::kMust,
      .requirement = kReplyMust + " Arguments of the wrong type, or without a required parameter, get a tool error or "
                     "-32602, and the server lives on.",
      .spec_ref = kReplyRef,
      .procedure = "Calls up to 5 callable tools (--call-tools) with a parameter of the wrong type, and without their "
                   "required parameters, then a harmless request. An input that breaks the server is written as a "
                   "repro file (--repro-dir) for mcp-harness replay.",
      .needs_callable_tool = true,
      .run = [](CheckContext& ctx) -> Outcome {
        return every_call_answered(ctx, "robustness.invalid-arguments", "invalid arguments", [](const json& tool, const json& valid, Calls& calls) {
          std::string name = tool.value("name", "");
          const json schema = tool.value("inputSchema", json::object());
          const json properties = schema.is_object() ? schema.value("properties", json::object()) : json::object();
          if (properties.is_object() && !properties.empty()) {
            json wrong = valid;
            wrong[properties.begin().key()] = wrong_type_for(properties.begin().value());
            calls.emplace_back(name, std::move(wrong));
          }
          if (schema.is_object() && schema.contains("required") && schema["required"].is_array() && !schema["required"].empty()) {
            calls.emplace_back(name, json::object());
          }
        });
      },
  });
}

}  // namespace mcp::harness::suites
