// What the subcommands share: exit codes, usage errors, and reaching the server
// under test (TargetArgs -> a ready TargetConfig, with a launched server kept alive).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/context.h"
#include "harness/launch/launcher.h"
#include "mcp/protocol_version.h"

namespace mcp::harness::cli {

constexpr int kExitPassed = 0;
constexpr int kExitChecksFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitServerUnavailable = 3;
// No MUST check failed, but the harness failed on at least one check: the run proves
// nothing about those checks, so it is neither a pass nor the server's failure.
constexpr int kExitHarnessError = 4;
// fuzz: the tool-call policy left no tool to fuzz, so nothing about the tools was tested.
constexpr int kExitNothingTested = 5;

// Prints the message and a hint, returns kExitUsage.
int usage_error(const std::string& message);

// How to reach the server under test; shared by every subcommand that talks to one
// (run, snapshot, fuzz, replay, runaway, load, call).
struct TargetArgs {
  std::string url, launch;
  bool stdio = false;
  std::string protocol_version = "auto";
  int timeout_ms = 5000;
  int launch_timeout_ms = 15000;
  bool quiet = false;
  // Only `run` judges exported spans (it turns this on); elsewhere the receiver would just tax the run.
  bool receive_traces = false;
  std::string auth_mode, auth_token, auth_scopes;
  std::string auth_alg = "RS256";
  bool insecure = false;
  std::string ca_cert;
  std::string call_tools;  // empty: the profile's tools.callable (default read-only)

  void add_to(CLI::App* cmd) {
    cmd->add_flag("--stdio", stdio, "The server is the command after '--', speaking stdio");
    cmd->add_option("--url", url, "The server's Streamable HTTP endpoint, e.g. http://127.0.0.1:8080/mcp");
    cmd->add_flag("--insecure", insecure,
                  "https:// only: accept any certificate (self-signed staging servers); prefer --ca-cert");
    cmd->add_option("--ca-cert", ca_cert, "https:// only: trust the CAs in this PEM file (e.g. a staging CA)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--launch", launch, "Start this command first and stop it at the end (with --url)");
    cmd->add_option("--launch-timeout", launch_timeout_ms,
                    "How long a server may take to start, in ms: --launch waits this long for the URL, and a stdio "
                    "server for its first answer")->capture_default_str();
    cmd->add_option("--protocol-version", protocol_version,
                    "Protocol version to test: auto (probe with server/discover, fall back to initialize), or one of "
                    "2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28")
        ->capture_default_str();
    cmd->add_option("--timeout", timeout_ms, "Per-request deadline in ms")->capture_default_str()->check(CLI::Range(50, 600000));
    cmd->add_option("--auth", auth_mode,
                    "The server requires auth: oauth, signed-token or gateway. The harness runs the authorization "
                    "server (or plays the gateway) and passes its settings to servers it starts (docs/auth.md)");
    cmd->add_option("--auth-alg", auth_alg,
                    "What the harness's issuer signs tokens with (--auth oauth|signed-token): RS256 (every JOSE "
                    "library has it), ES256, EdDSA, or all; forgeries are built for it")
        ->capture_default_str()
        ->check(CLI::IsMember({"RS256", "ES256", "EdDSA", "all"}));
    cmd->add_option("--auth-token", auth_token, "A bearer token the server accepts, for servers that trust another issuer");
    cmd->add_option("--call-tools", call_tools,
                    "Which tools the harness may call: read-only (default: annotated readOnlyHint: true), all "
                    "(side effects possible: staging servers only), or NAME,NAME");
    cmd->add_option("--auth-scopes", auth_scopes, "Scopes granted to the harness's clients (default: the profile's auth.scopes)");
  }
};

// A reachable, initialized target (and the launched server, kept alive while in scope);
// otherwise the exit code to return.
struct ReadyTarget {
  TargetConfig config;
  std::unique_ptr<ServerLauncher> launched;
  int exit_code = kExitPassed;
};

ReadyTarget prepare_target(const TargetArgs& args, const std::vector<std::string>& command);

// mcp-harness list-checks (harness/cli/list_checks_command.cpp).
int list_checks(const std::string& format);
// mcp-harness snapshot and diff (harness/cli/lock_commands.cpp).
int snapshot(const TargetArgs& args, const std::vector<std::string>& command, const std::string& output);
int diff(const std::string& before_path, const std::string& after_path, const std::string& format, std::string today);

// mcp-harness fuzz / replay (harness/cli/fuzz_command.cpp).
void add_fuzz_commands(CLI::App& app);
// Runs fuzz or replay when one of them was parsed; nullopt otherwise.
std::optional<int> run_fuzz_commands(const std::vector<std::string>& command);

// mcp-harness call (harness/cli/call_command.cpp).
void add_call_command(CLI::App& app);
std::optional<int> run_call_command(const std::vector<std::string>& command);

// mcp-harness load (harness/cli/load_command.cpp).
void add_load_command(CLI::App& app);
std::optional<int> run_load_command(const std::vector<std::string>& command);

}  // namespace mcp::harness::cli
