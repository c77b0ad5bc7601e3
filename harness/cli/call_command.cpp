// mcp-harness call: one tool call by hand, for what people open an inspector for.
#include <cstdio>
#include <iostream>

#include "harness/cli/commands.h"
#include "mcp/json_rpc.h"

namespace mcp::harness::cli {

namespace {

struct CallCommand {
  CLI::App* command = nullptr;
  TargetArgs target;
  std::string tool;
  std::string arguments = "{}";
  bool list = false;
};

CallCommand& state() {
  static CallCommand command;
  return command;
}

}  // namespace

void add_call_command(CLI::App& app) {
  CallCommand& args = state();
  args.command = app.add_subcommand("call", "Call one tool by hand and print the whole response");
  args.command->footer(
      "Prints the JSON-RPC response. Exit code 0 for a result, 1 for a tool error (isError) or a JSON-RPC error.\n"
      "Examples:\n"
      "  mcp-harness call echo_v1 --args '{\"message\":\"hi\"}' --stdio -- ./build/bin/mcp-reference-server --stdio\n"
      "  mcp-harness call --list --url http://127.0.0.1:8080/mcp");
  args.command->add_option("tool", args.tool, "The tool's name");
  args.command->add_option("--args,--arguments", args.arguments, "Its arguments, as a JSON object")->capture_default_str();
  args.command->add_flag("--list", args.list, "List the tools (every page) instead of calling one");
  args.target.add_to(args.command);
  args.target.quiet = true;  // the response is the output
}

std::optional<int> run_call_command(const std::vector<std::string>& command) {
  CallCommand& args = state();
  if (!args.command || !args.command->parsed()) return std::nullopt;
  if (args.list == !args.tool.empty()) return usage_error("name one tool to call, or --list");
  nlohmann::json arguments = jsonrpc::parse_untrusted(args.arguments).value_or(nlohmann::json());
  if (!args.list && !arguments.is_object()) return usage_error("--args must be a JSON object, e.g. '{\"text\":\"hi\"}'");
  ReadyTarget ready = prepare_target(args.target, command);
  if (ready.exit_code != kExitPassed) return ready.exit_code;
  Transcript transcript;
  ViolationSink violations;
  CheckContext context(ready.config, transcript, violations);
  auto session = context.session();
  if (!session.ok()) {
    std::cerr << "mcp-harness call: " << session.status().message() << "\n";
    return kExitServerUnavailable;
  }
  if (args.list) {
    auto walk = walk_list(*session, "tools/list", "tools");
    if (!walk.ok()) {
      std::cerr << "mcp-harness call: tools/list failed: " << walk.status().message() << "\n";
      return kExitChecksFailed;
    }
    std::cout << jsonrpc::serialize_indented(nlohmann::json(walk->items)) << "\n";
    return kExitPassed;
  }
  auto response = session->request("tools/call", {{"name", args.tool}, {"arguments", arguments}});
  if (!response.ok()) {
    std::cerr << "mcp-harness call: " << response.status().message() << "\n";
    return kExitServerUnavailable;
  }
  std::cout << jsonrpc::serialize_indented(*response) << "\n";
  bool failed = response->contains("error") ||
                (response->contains("result") && (*response)["result"].is_object() && (*response)["result"].value("isError", false));
  return failed ? kExitChecksFailed : kExitPassed;
}

}  // namespace mcp::harness::cli
