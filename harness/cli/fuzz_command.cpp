// mcp-harness fuzz and mcp-harness replay.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/engine/verify.h"
#include "harness/fuzz/fuzzer.h"
#include "mcp/json_rpc.h"

namespace mcp::harness::cli {

namespace {

struct FuzzCommand {
  CLI::App* fuzz = nullptr;
  CLI::App* replay = nullptr;
  TargetArgs target;
  unsigned long long seed = 0;
  long long max_calls = 2000;
  int duration_ms = 60000;
  int call_timeout_ms = 2000;
  int in_flight = 16;
  bool allow_side_effects = false;
  bool no_protocol = false;
  std::vector<std::string> tools;
  std::string repro_dir = ".";
  std::string report_json;
  std::string repro_file;
};

FuzzCommand& state() {
  static FuzzCommand command;
  return command;
}

int run_fuzz_command(const std::vector<std::string>& command) {
  FuzzCommand& args = state();
  if (args.allow_side_effects) {
    if (!args.target.call_tools.empty() && args.target.call_tools != "all") {
      return usage_error("--allow-side-effects is --call-tools all; it cannot go with --call-tools " + args.target.call_tools);
    }
    args.target.call_tools = "all";
  }
  ReadyTarget ready = prepare_target(args.target, command);
  if (ready.exit_code != kExitPassed) return ready.exit_code;
  fuzz::FuzzOptions options;
  options.seed = args.seed;
  options.max_calls = args.max_calls;
  options.duration = std::chrono::milliseconds(args.duration_ms);
  options.call_timeout = std::chrono::milliseconds(args.call_timeout_ms);
  options.in_flight = args.in_flight;
  options.protocol_cases = !args.no_protocol;
  options.tools = args.tools;
  options.repro_dir = args.repro_dir;
  bool quiet = args.target.quiet;
  fuzz::FuzzReport report = fuzz::run_fuzz(ready.config, options, [quiet](const std::string& line) {
    if (!quiet) std::fprintf(stderr, "[fuzz] %s\n", line.c_str());
  });
  if (!quiet) {
    std::printf("fuzzed %s: seed %llu, %lld tool calls and %lld protocol cases in %.1f s (%s)\n", ready.config.describe().c_str(),
                static_cast<unsigned long long>(report.seed), report.calls, report.protocol_cases, report.seconds,
                report.stopped_because.c_str());
    for (const auto& skipped : report.skipped_tools) std::printf("  skipped %s\n", skipped.c_str());
    for (const fuzz::Finding& f : report.findings) {
      std::printf("  FAIL %s%s: %s\n", std::string(fuzz::kind_name(f.kind)).c_str(), f.tool.empty() ? "" : (" in " + f.tool).c_str(), f.detail.c_str());
      if (!f.tool.empty()) {
        std::printf("       shrunk in %d steps to arguments %s%s\n", f.shrink_steps, compact(f.arguments, 400).c_str(),
                    f.mutation.empty() ? "" : (" (" + f.mutation + ")").c_str());
      } else {
        std::printf("       message %s\n", compact(nlohmann::json(f.message), 400).c_str());
      }
      if (!f.repro_path.empty()) std::printf("       replay: mcp-harness replay %s <target>\n", f.repro_path.c_str());
    }
    if (report.findings.empty() && report.calls > 0) std::printf("  no property violated\n");
  }
  bool no_tool_fuzzed = report.calls == 0 && !report.skipped_tools.empty();
  if (!args.report_json.empty()) {
    std::ofstream out(args.report_json);
    if (!out) return usage_error("cannot write " + args.report_json);
    out << jsonrpc::serialize_indented(fuzz::report_json(report)) << "\n";
  }
  if (report.calls + report.protocol_cases == 0) {
    std::cerr << "mcp-harness fuzz: nothing was fuzzed: " << report.stopped_because << "\n";
    return kExitServerUnavailable;
  }
  if (!report.findings.empty()) return kExitChecksFailed;
  if (no_tool_fuzzed) {
    // Not a pass: the tools were never called. Say so where CI logs show it.
    std::cerr << "mcp-harness fuzz: NOTHING FUZZED: no tool is among " << ready.config.profile.tools.callable.describe()
              << " (" << report.skipped_tools.size() << " skipped); only protocol cases ran. Use --call-tools all on a "
              << "staging server, or --call-tools NAME,NAME.\n";
    return kExitNothingTested;
  }
  return kExitPassed;
}

int run_replay_command(const std::vector<std::string>& command) {
  FuzzCommand& args = state();
  std::ifstream in(args.repro_file);
  if (!in) return usage_error("cannot read " + args.repro_file);
  nlohmann::json repro = nlohmann::json::parse(in, nullptr, false);
  if (!repro.is_object()) return usage_error(args.repro_file + " is not JSON");
  ReadyTarget ready = prepare_target(args.target, command);
  if (ready.exit_code != kExitPassed) return ready.exit_code;
  auto replayed = fuzz::replay(ready.config, repro, std::chrono::milliseconds(args.call_timeout_ms));
  if (!replayed.ok()) return usage_error(replayed.status().message());
  if (!*replayed) {
    std::printf("did not reproduce: %s no longer fails (recorded: %s: %s)\n",
                repro.contains("tool") ? repro.value("tool", "").c_str() : "the message", repro.value("kind", "").c_str(),
                repro.value("detail", "").c_str());
    return kExitPassed;
  }
  std::printf("reproduced %s%s: %s\n", std::string(fuzz::kind_name((*replayed)->kind)).c_str(),
              (*replayed)->tool.empty() ? "" : (" in " + (*replayed)->tool).c_str(), (*replayed)->detail.c_str());
  return kExitChecksFailed;
}

}  // namespace

void add_fuzz_commands(CLI::App& app) {
  FuzzCommand& args = state();
  args.fuzz = app.add_subcommand("fuzz", "Fuzz every tool from its inputSchema, and the protocol; shrink and save failures");
  args.fuzz->footer(
      "Properties: every call is answered (or makes progress) within --call-timeout; valid arguments give a result\n"
      "(structuredContent matching outputSchema); invalid ones give an isError result or -32602, never -32603;\n"
      "the server keeps answering ping. Failures are shrunk and written as repro files for 'mcp-harness replay'.\n"
      "Only tools --call-tools allows are fuzzed (default: readOnlyHint: true); when it allows none, the exit\n"
      "code is 5 (nothing fuzzed), not 0.\n"
      "Examples:\n"
      "  mcp-harness fuzz --seed 42 --max-calls 5000 --stdio -- ./build/bin/mcp-reference-server --stdio\n"
      "  mcp-harness fuzz --tool 'search_*' --url http://127.0.0.1:8080/mcp");
  args.target.add_to(args.fuzz);
  args.fuzz->add_option("--seed", args.seed, "Seed (0: from the clock; printed either way). Same seed, same cases");
  args.fuzz->add_option("--max-calls", args.max_calls, "Call budget")->capture_default_str()->check(CLI::Range(1LL, 100000000LL));
  args.fuzz->add_option("--duration", args.duration_ms, "Time budget in ms")->capture_default_str()->check(CLI::Range(100, 86400000));
  args.fuzz->add_option("--call-timeout", args.call_timeout_ms, "A call without response or progress this long (ms) hangs")
      ->capture_default_str()
      ->check(CLI::Range(50, 600000));
  args.fuzz->add_option("--in-flight", args.in_flight, "Tool calls pipelined at once (1: one at a time)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  args.fuzz->add_flag("--allow-side-effects", args.allow_side_effects, "Same as --call-tools all (never against production)");
  args.fuzz->add_option("--tool", args.tools, "Only tools matching this glob (repeatable)");
  args.fuzz->add_flag("--no-protocol", args.no_protocol, "Only tool calls, no malformed protocol messages");
  args.fuzz->add_option("--repro-dir", args.repro_dir, "Where repro files go")->capture_default_str();
  args.fuzz->add_option("--report-json", args.report_json, "Write the fuzz report as JSON");
  args.fuzz->add_flag("--quiet,-q", args.target.quiet, "Only the exit code");

  args.replay = app.add_subcommand("replay", "Run a fuzz repro file against a server; exit 1 if it still fails");
  args.replay->footer("Example:\n  mcp-harness replay mcp-fuzz-crash-echo_v1.json --stdio -- ./server --stdio");
  args.replay->add_option("file", args.repro_file, "A repro file written by mcp-harness fuzz")->required();
  args.target.add_to(args.replay);
  args.replay->add_option("--call-timeout", args.call_timeout_ms, "Hang deadline in ms")->capture_default_str();
}

std::optional<int> run_fuzz_commands(const std::vector<std::string>& command) {
  FuzzCommand& args = state();
  if (args.fuzz && args.fuzz->parsed()) return run_fuzz_command(command);
  if (args.replay && args.replay->parsed()) return run_replay_command(command);
  return std::nullopt;
}

}  // namespace mcp::harness::cli
