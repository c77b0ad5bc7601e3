// mcp-harness load.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/load/load.h"

namespace mcp::harness::cli {

namespace {

struct LoadCommand {
  CLI::App* command = nullptr;
  TargetArgs target;
  LoadOptions options;
  std::string arguments = R"({"message":"hello"})";
  int duration_ms = 5000;
  int warmup_ms = 500;
  std::string report_json;
};

LoadCommand& state() {
  static LoadCommand command;
  return command;
}

}  // namespace

void add_load_command(CLI::App& app) {
  LoadCommand& args = state();
  args.command = app.add_subcommand("load", "Drive a server with real MCP requests and report throughput and latency");
  args.command->footer(
      "Over stdio, --in-flight requests are pipelined on one session; over HTTP, --connections threads each\n"
      "drive a session of their own. Replies are verified (a result, and for tools no isError).\n"
      "A server's own rate limits refuse a load test quickly (the figures then measure the limiter, and the\n"
      "refusals count as failures): measure a server configured to allow the load, as the first example does.\n"
      "Examples:\n"
      "  mcp-harness load --in-flight 64 --duration 10000 --stdio -- ./build/bin/mcp-reference-server --stdio \\\n"
      "      --config bench/load-config.json\n"
      "  mcp-harness load --connections 8 --method ping --url http://127.0.0.1:8080/mcp");
  args.target.add_to(args.command);
  args.command->add_option("--tool", args.options.tool, "Tool to call")->capture_default_str();
  args.command->add_option("--arguments", args.arguments, "Its arguments, as JSON")->capture_default_str();
  args.command->add_option("--method", args.options.method, "tools/call or ping")->capture_default_str();
  args.command->add_option("--in-flight", args.options.in_flight, "stdio: requests outstanding at once")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  args.command->add_option("--connections", args.options.connections, "HTTP: sessions, one thread each")
      ->capture_default_str()->check(CLI::Range(1, 1024));
  args.command->add_option("--duration", args.duration_ms, "Measured time in ms")->capture_default_str()->check(CLI::Range(100, 3600000));
  args.command->add_option("--warmup", args.warmup_ms, "Unmeasured time first, in ms")->capture_default_str()->check(CLI::Range(0, 600000));
  args.command->add_option("--report-json", args.report_json, "Write the figures as JSON");
  args.command->add_flag("--quiet,-q", args.target.quiet, "Only the JSON report and exit code");
}

std::optional<int> run_load_command(const std::vector<std::string>& command) {
  LoadCommand& args = state();
  if (!args.command || !args.command->parsed()) return std::nullopt;
  args.options.arguments = nlohmann::json::parse(args.arguments, nullptr, false);
  if (!args.options.arguments.is_object()) return usage_error("--arguments must be a JSON object");
  if (args.options.method != "tools/call" && args.options.method != "ping") return usage_error("--method is tools/call or ping");
  args.options.duration = std::chrono::milliseconds(args.duration_ms);
  args.options.warmup = std::chrono::milliseconds(args.warmup_ms);
  ReadyTarget ready = prepare_target(args.target, command);
  if (ready.exit_code != kExitPassed) return ready.exit_code;
  auto report = run_load(ready.config, args.options);
  if (!report.ok()) {
    std::cerr << "mcp-harness load: " << report.status().message() << "\n";
    return kExitServerUnavailable;
  }
  if (!args.target.quiet) {
    std::printf("%s: %lld calls in %.1f s = %.0f/s; latency p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms; %lld failures\n",
                report->target.c_str(), report->calls, report->seconds, report->per_second, report->p50_ms, report->p90_ms,
                report->p99_ms, report->max_ms, report->failures);
    if (!report->first_failure.empty()) std::printf("  first failure: %s\n", report->first_failure.c_str());
  }
  if (!args.report_json.empty()) {
    std::ofstream out(args.report_json);
    if (!out) return usage_error("cannot write " + args.report_json);
    out << load_report_json(*report).dump(2) << "\n";
  }
  return report->failures == 0 ? kExitPassed : kExitChecksFailed;
}

}  // namespace mcp::harness::cli
