// mcp-harness: runs conformance and production-profile checks against an MCP server,
// records tool lock files (snapshot) and classifies changes between them (diff).
// Exit codes: 0 no MUST check failed, 1 a MUST check failed, 2 usage error,
// 3 the server could not be started or reached, 4 no MUST failure but a harness error.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/engine/crash_note.h"
#include "harness/engine/runner.h"
#include "harness/launch/launcher.h"
#include "harness/report/reports.h"
#include "harness/runaway/runaway.h"
#include "harness/versioning/lockfile.h"
#include "harness/versioning/schema_diff.h"
#include "mcp/protocol_version.h"

namespace {

using namespace mcp::harness;
using namespace mcp::harness::cli;

struct RunArgs {
  TargetArgs target;
  std::vector<std::string> suites;
  std::vector<std::string> levels;  // must | should | profile; empty: all
  std::string report_json, report_junit, report_html;
  std::string lock_file, profile_file;
  std::string repro_dir = ".";
  bool verbose = false, no_color = false;
  unsigned jobs = 0;  // 0: default_jobs(transport)
};

// "report.json" -> "report.2025-11-25.json": the second era's report beside the first.
std::string with_era(const std::string& path, const std::string& era) {
  std::size_t slash = path.find_last_of('/');
  std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return path + "." + era;
  return path.substr(0, dot) + "." + era + path.substr(dot);
}

int run(RunArgs& args, const std::vector<std::string>& command) {
  install_crash_note(args.report_json);
  std::vector<const CheckSpec*> checks = builtin_checks().select(args.suites);
  if (!args.levels.empty()) {
    // The level a check has as written; over stdio a few are lower (CheckSpec::stdio_level).
    std::erase_if(checks, [&](const CheckSpec* c) {
      std::string level = level_name(c->level);
      for (char& ch : level) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return std::find(args.levels.begin(), args.levels.end(), level) == args.levels.end();
    });
  }
  if (checks.empty()) return usage_error("no check matches the --suite patterns (see 'mcp-harness list-checks')");
  Profile profile;
  if (!args.profile_file.empty()) {
    auto loaded = load_profile(args.profile_file);
    if (!loaded.ok()) return usage_error(loaded.status().message());
    profile = *loaded;
  }
  nlohmann::json lock;
  if (!args.lock_file.empty()) {
    auto loaded = load_lock(args.lock_file);
    if (!loaded.ok()) return usage_error(loaded.status().message());
    lock = *loaded;
  }
  if (args.target.auth_scopes.empty()) args.target.auth_scopes = profile.auth.scopes;
  ReadyTarget ready = prepare_target(args.target, command);
  if (ready.exit_code != kExitPassed) return ready.exit_code;
  TargetConfig& target = ready.config;
  if (!args.target.call_tools.empty()) profile.tools.callable = target.profile.tools.callable;  // the flag wins
  target.profile = profile;
  target.lock = lock;
  target.today = iso8601_now().substr(0, 10);
  target.repro_dir = args.repro_dir;

  bool color = !args.no_color && ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  bool quiet = args.target.quiet;
  auto verbosity = quiet ? ConsoleReporter::Verbosity::kQuiet
                   : args.verbose ? ConsoleReporter::Verbosity::kVerbose
                                  : ConsoleReporter::Verbosity::kNormal;
  // A server that speaks 2026-07-28 and still answers initialize serves two eras: test
  // both (auto only), so that its legacy defects show without a second, manual run.
  std::vector<std::string> eras = {target.protocol_version};
  if (args.target.protocol_version == "auto" && mcp::protocol::is_modern(target.protocol_version) &&
      also_answers_initialize(target)) {
    eras.push_back(std::string(mcp::protocol::latest_legacy()));
    if (!quiet) std::cerr << "the server also answers initialize: testing " << eras[0] << ", then " << eras[1] << "\n";
  }
  // With one static token every check is the same principal, so concurrent checks would
  // share its rate limits: one at a time unless --jobs says otherwise.
  unsigned jobs = args.jobs ? args.jobs : args.target.auth_token.empty() ? default_jobs(target.transport) : 1;
  int status = kExitPassed;
  for (std::size_t era = 0; era < eras.size(); ++era) {
    if (era > 0) {
      target.protocol_version = eras[era];
      target.observed = std::make_shared<ViolationSink>();  // each era's listings and messages on their own
      if (mcp::Status reachable = preflight(target); !reachable.ok()) {
        std::cerr << "mcp-harness: " << eras[era] << ": the server could not be initialized: " << reachable.message() << "\n";
        if (status == kExitPassed) status = kExitServerUnavailable;
        continue;
      }
    }
    ConsoleReporter console(stdout, color, verbosity);
    if (!quiet) std::printf("%smcp-harness %s: %zu checks against %s\n", era ? "\n" : "", kHarnessVersion, checks.size(), target.describe().c_str());
    RunReport report = run_checks(checks, target, console.observer(), jobs);
    console.summary(report);
    int era_status = report.must_failures()              ? kExitChecksFailed
                     : report.count(Verdict::kError) > 0 ? kExitHarnessError
                                                         : kExitPassed;
    // Exit codes rank: a MUST failure (1) over a harness error (4) over a pass (0).
    if (era_status == kExitChecksFailed || (era_status == kExitHarnessError && status == kExitPassed)) status = era_status;
    const std::pair<const std::string*, std::string (*)(const RunReport&)> outputs[] = {
        {&args.report_json, &render_json}, {&args.report_junit, &render_junit}, {&args.report_html, &render_html}};
    for (const auto& [path, render] : outputs) {
      if (path->empty()) continue;
      std::string file = era == 0 ? *path : with_era(*path, eras[era]);
      if (mcp::Status written = write_text_file(file, render(report)); !written.ok()) {
        std::cerr << "mcp-harness: " << written.message() << "\n";
        status = kExitUsage;
      } else if (!quiet) {
        std::printf("report: %s\n", file.c_str());
      }
    }
  }
  return status;
}

struct RunawayArgs {
  TargetArgs target;
  std::vector<std::string> scenarios;
  unsigned long long seed = 1;
  int duration_ms = 3000;
  int max_calls = 5000;
  int fan_out = 8, sessions = 16;
  std::string tool, csv, report_json, report_html;
};

int runaway(const RunawayArgs& args, const std::vector<std::string>& command) {
  for (const std::string& name : args.scenarios) {
    const auto& known = runaway_scenario_names();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return usage_error("unknown scenario " + name + " (choose from " + list + ")");
    }
  }
  ReadyTarget ready = prepare_target(args.target, command);
  if (ready.exit_code != kExitPassed) return ready.exit_code;
  RunawayOptions options;
  options.scenarios = args.scenarios;
  options.seed = args.seed;
  options.duration = std::chrono::milliseconds(args.duration_ms);
  options.max_calls = args.max_calls;
  options.fan_out = args.fan_out;
  options.sessions = args.sessions;
  options.tool = args.tool;
  bool tty = ::isatty(STDERR_FILENO);
  RunawayProgress progress;
  if (!args.target.quiet && tty) {
    progress = [](std::size_t, const std::string& name, int calls, double fraction) {
      int filled = static_cast<int>(fraction * 30);
      std::fprintf(stderr, "\r  %-14s [%s%s] %3d%%  %6d calls", name.c_str(), std::string(filled, '#').c_str(),
                   std::string(30 - filled, '.').c_str(), static_cast<int>(fraction * 100), calls);
      std::fflush(stderr);
    };
  }
  auto report = run_runaway(ready.config, options, progress);
  if (tty && progress) std::fprintf(stderr, "\r%70s\r", "");
  if (!report.ok()) {
    std::cerr << "mcp-harness runaway: " << report.status().message() << "\n";
    return kExitServerUnavailable;
  }
  if (!args.target.quiet) {
    std::printf("runaway against %s, tool %s, seed %llu\n", report->target.c_str(), report->tool.c_str(),
                static_cast<unsigned long long>(report->seed));
    for (const ScenarioResult& s : report->scenarios) {
      std::printf("  %-14s %-5s %s\n", s.name.c_str(), verdict_name(s.verdict.verdict), s.verdict.message.c_str());
    }
  }
  int status = report->passed() ? kExitPassed : kExitChecksFailed;
  const std::pair<const std::string*, std::string> outputs[] = {
      {&args.csv, render_runaway_csv(*report)},
      {&args.report_json, render_runaway_json(*report).dump(2) + "\n"},
      {&args.report_html, render_runaway_html(*report)}};
  for (const auto& [path, content] : outputs) {
    if (path->empty()) continue;
    if (mcp::Status written = write_text_file(*path, content); !written.ok()) return usage_error(written.message());
    if (!args.target.quiet) std::printf("wrote %s\n", path->c_str());
  }
  return status;
}

// Hints for the mistakes new users make most: the server command without '--', and
// a misspelt subcommand.
void print_usage_hint(const CLI::App& app, int own_argc, char** argv, const std::vector<std::string>& command) {
  std::vector<std::string> words(argv + 1, argv + own_argc);
  bool stdio = std::find(words.begin(), words.end(), "--stdio") != words.end();
  if (stdio && command.empty()) {
    std::cerr << "Hint: put the server's command after '--', e.g. mcp-harness run --stdio -- npx -y my-mcp-server\n";
    return;
  }
  if (words.empty() || words.front().empty() || words.front()[0] == '-') return;
  std::string best;
  std::size_t best_distance = 3;  // at most two edits away
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    const std::string& name = sub->get_name();
    if (name == words.front()) return;
    std::vector<std::size_t> row(name.size() + 1);
    for (std::size_t j = 0; j <= name.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= words.front().size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= name.size(); ++j) {
        std::size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (words.front()[i - 1] != name[j - 1])});
        diagonal = row[j];
        row[j] = next;
      }
    }
    if (row[name.size()] < best_distance) best_distance = row[name.size()], best = name;
  }
  if (!best.empty()) std::cerr << "Hint: did you mean 'mcp-harness " << best << "'?\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  // Everything after the first "--" is the stdio server's command line, untouched.
  std::vector<std::string> command;
  int own_argc = argc;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      own_argc = i;
      for (int j = i + 1; j < argc; ++j) command.emplace_back(argv[j]);
      break;
    }
  }

  CLI::App app{"mcp-harness: prove an MCP server is ready for production.\n"
               "Exit codes: 0 passed, 1 a MUST check failed, 2 usage error, 3 server could not be started, "
               "4 a harness error (no MUST failure)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", MCP_HARNESS_VERSION);
  RunArgs args;
  CLI::App* run_cmd = app.add_subcommand("run", "Run checks against a server");
  run_cmd->footer(
      "Examples:\n"
      "  mcp-harness run --stdio -- ./build/bin/mcp-reference-server --stdio\n"
      "  mcp-harness run --url http://127.0.0.1:8080/mcp --launch \"./server --http --port 8080\"\n"
      "  mcp-harness run --suite 'tools.*' --report-html report.html --stdio -- npx my-server");
  run_cmd->add_option("--suite", args.suites,
                      "Only checks whose id matches this glob (repeatable), e.g. 'tools.*'; '!glob' excludes, "
                      "e.g. '!observability.*'");
  run_cmd->add_option("--level", args.levels, "Only checks of these levels (repeatable): must, should, profile")
      ->check(CLI::IsMember({"must", "should", "profile"}, CLI::ignore_case));
  run_cmd->add_option("--jobs,-j", args.jobs,
                      "Checks run at once, each with its own server process or session (default: stdio twice the cores, "
                      "at most 8; HTTP four times, at most 16); timing-sensitive checks always run alone")
      ->check(CLI::Range(1u, 64u));
  run_cmd->add_option("--report-json", args.report_json, "Write a JSON report to this file");
  run_cmd->add_option("--repro-dir", args.repro_dir,
                      "Where an input that crashed or hung the server (robustness.*) is written, shrunk, as a repro "
                      "file for 'mcp-harness replay'")
      ->capture_default_str();
  run_cmd->add_option("--report-junit", args.report_junit, "Write a JUnit XML report to this file");
  run_cmd->add_option("--report-html", args.report_html, "Write a self-contained HTML report to this file");
  args.target.add_to(run_cmd);
  args.target.receive_traces = true;
  run_cmd->add_option("--lock", args.lock_file, "A tool lock file: checks that the server is an additive evolution of it");
  run_cmd->add_option("--profile", args.profile_file, "A profile file describing the server's conventions (docs/profile.md)");
  auto* quiet = run_cmd->add_flag("--quiet,-q", args.target.quiet, "Only the summary");
  run_cmd->add_flag("--verbose,-v", args.verbose, "Details for every check")->excludes(quiet);
  run_cmd->add_flag("--no-color", args.no_color, "Never colour the console output");

  std::string format = "text";
  CLI::App* list_cmd = app.add_subcommand("list-checks", "List every check with its id, level and requirement");
  list_cmd->add_option("--format", format, "text, md or json")->capture_default_str();
  list_cmd->footer("Examples:\n  mcp-harness list-checks\n  mcp-harness list-checks --format md > docs/checks.md\n"
                   "  mcp-harness list-checks --format json | python3 -m json.tool");

  TargetArgs snapshot_args;
  std::string snapshot_output;
  CLI::App* snapshot_cmd = app.add_subcommand("snapshot", "Record every tool's schemas and lifecycle in a lock file");
  snapshot_cmd->footer("Example:\n  mcp-harness snapshot -o tools.lock.json --stdio -- ./server --stdio");
  snapshot_args.add_to(snapshot_cmd);
  snapshot_cmd->add_option("-o,--output", snapshot_output, "Lock file to write ('-' or nothing: stdout)");
  snapshot_cmd->add_flag("--quiet,-q", snapshot_args.quiet, "No progress messages");

  std::string diff_before, diff_after, diff_format = "text", diff_today;
  CLI::App* diff_cmd = app.add_subcommand("diff", "Classify changes between two lock files; exit 1 on breaking changes");
  diff_cmd->footer("Example:\n  mcp-harness diff tools.lock.json new.lock.json --format json");
  diff_cmd->add_option("old", diff_before, "The lock file clients were built against")->required();
  diff_cmd->add_option("new", diff_after, "The lock file of the new server")->required();
  diff_cmd->add_option("--format", diff_format, "text or json")->capture_default_str();
  diff_cmd->add_option("--today", diff_today, "Date (YYYY-MM-DD) for sunset decisions; default today (UTC)");

  RunawayArgs runaway_args;
  CLI::App* runaway_cmd = app.add_subcommand("runaway", "Simulate runaway agents and judge how the server's limits hold");
  runaway_cmd->footer(
      "Scenarios: tight-loop, fan-out, retry-storm, polite, many-sessions, slow-drip (default: all).\n"
      "Example:\n  mcp-harness runaway --duration 2000 --csv timeline.csv --report-html runaway.html --stdio -- ./server --stdio");
  runaway_args.target.add_to(runaway_cmd);
  runaway_cmd->add_option("--scenario", runaway_args.scenarios, "Run only this scenario (repeatable)");
  runaway_cmd->add_option("--seed", runaway_args.seed, "Seed for the agents' choices; same seed, same plan")->capture_default_str();
  runaway_cmd->add_option("--duration", runaway_args.duration_ms, "Milliseconds per scenario")->capture_default_str()->check(CLI::Range(100, 600000));
  runaway_cmd->add_option("--max-calls", runaway_args.max_calls, "Call cap per scenario")->capture_default_str()->check(CLI::Range(1, 10000000));
  runaway_cmd->add_option("--fan-out", runaway_args.fan_out, "Parallel agents in fan-out")->capture_default_str()->check(CLI::Range(1, 256));
  runaway_cmd->add_option("--sessions", runaway_args.sessions, "Sessions in many-sessions")->capture_default_str()->check(CLI::Range(1, 1024));
  runaway_cmd->add_option("--tool", runaway_args.tool, "Tool to drive (default: the first read-only tool that answers)");
  runaway_cmd->add_option("--csv", runaway_args.csv, "Write the per-second timeline as CSV");
  runaway_cmd->add_option("--report-json", runaway_args.report_json, "Write a JSON report");
  runaway_cmd->add_option("--report-html", runaway_args.report_html, "Write an HTML report with timeline charts");
  runaway_cmd->add_flag("--quiet,-q", runaway_args.target.quiet, "Only the exit code");

  add_fuzz_commands(app);
  add_load_command(app);
  add_call_command(app);

  try {
    app.parse(own_argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    (void)app.exit(e);
    print_usage_hint(app, own_argc, argv, command);
    return kExitUsage;
  }
  if (list_cmd->parsed()) return list_checks(format);
  if (snapshot_cmd->parsed()) return snapshot(snapshot_args, command, snapshot_output);
  if (diff_cmd->parsed()) return diff(diff_before, diff_after, diff_format, diff_today);
  if (runaway_cmd->parsed()) return runaway(runaway_args, command);
  if (auto status = run_fuzz_commands(command)) return *status;
  if (auto status = run_load_command(command)) return *status;
  if (auto status = run_call_command(command)) return *status;
  return run(args, command);
}
