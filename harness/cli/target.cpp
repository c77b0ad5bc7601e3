#include <iostream>

#include "harness/auth/credentials.h"
#include "harness/cli/commands.h"
#include "harness/engine/runner.h"

namespace mcp::harness::cli {

int usage_error(const std::string& message) {
  std::cerr << "mcp-harness: " << message << "\nRun 'mcp-harness --help' for usage.\n";
  return kExitUsage;
}

ReadyTarget prepare_target(const TargetArgs& args, const std::vector<std::string>& command) {
  ReadyTarget ready;
  TargetConfig& target = ready.config;
  // Servers the harness starts export their spans to its receiver.
  if (args.receive_traces) {
    if (auto receiver = OtlpReceiver::start(); receiver.ok()) {
      target.receiver = *receiver;
      target.env = {{"OTEL_EXPORTER_OTLP_ENDPOINT", target.receiver->endpoint()},
                    {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
                    {"OTEL_BSP_SCHEDULE_DELAY", "50"}};
    }
  }
  if (!args.auth_mode.empty() && !args.auth_token.empty()) {
    ready.exit_code = usage_error("--auth and --auth-token exclude each other: the harness either mints tokens or uses yours");
    return ready;
  }
  if (!args.auth_token.empty()) {
    target.credentials = static_token_credentials(args.auth_token);
  } else if (!args.auth_mode.empty()) {
    auto credentials = make_credentials(args.auth_mode, args.auth_scopes.empty() ? AuthProfile{}.scopes : args.auth_scopes,
                                        args.auth_alg);
    if (!credentials.ok()) {
      ready.exit_code = usage_error(credentials.status().message());
      return ready;
    }
    target.credentials = *credentials;
  }
  if (target.credentials) {
    // The audience is the server's canonical URI: its endpoint URL over HTTP, a fixed URN over stdio.
    for (auto& variable : target.credentials->server_environment(args.url.empty() ? "urn:mcp-harness:stdio" : args.url)) {
      target.env.push_back(std::move(variable));
    }
  }
  if (!args.call_tools.empty()) {
    auto policy = ToolCallPolicy::parse(args.call_tools);
    if (!policy.ok()) {
      ready.exit_code = usage_error(policy.status().message());
      return ready;
    }
    target.profile.tools.callable = *policy;
    if (policy->mode() == ToolCallPolicy::Mode::kAll) {  // even with --quiet: a safety warning
      std::cerr << "calling every tool (--call-tools all): tools may write, send or delete; use a staging server\n";
    }
  }
  target.timeout = std::chrono::milliseconds(args.timeout_ms);
  target.handshake_timeout = target.timeout;
  target.startup_timeout = std::chrono::milliseconds(std::max(args.launch_timeout_ms, args.timeout_ms));
  target.protocol_version = args.protocol_version;
  if (args.protocol_version != "auto" && !mcp::protocol::find_revision(args.protocol_version)) {
    ready.exit_code = usage_error("--protocol-version must be auto or one of 2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28");
    return ready;
  }
  if (args.stdio == !args.url.empty()) {
    ready.exit_code = usage_error("choose one target: --stdio -- CMD ARGS..., or --url URL");
    return ready;
  }
  if (args.stdio) {
    if (command.empty() || !args.launch.empty()) {
      ready.exit_code = usage_error(command.empty() ? "--stdio needs the server command after '--', e.g. --stdio -- ./server --stdio"
                                                    : "--launch goes with --url");
      return ready;
    }
    target.transport = kStdio;
    target.command = command;
  } else {
    if (!command.empty()) {
      ready.exit_code = usage_error("arguments after '--' are only for --stdio; use --launch \"CMD\" with --url");
      return ready;
    }
    auto url = parse_http_url(args.url);
    if (!url.ok()) {
      ready.exit_code = usage_error(url.status().message());
      return ready;
    }
    target.transport = kHttp;
    target.url = args.url;
    target.tls.verify = !args.insecure;
    target.tls.ca_file = args.ca_cert;
    if (url->scheme == "https" && args.insecure && !args.quiet) {
      std::cerr << "TLS: --insecure: the server's certificate is not verified\n";
    }
    if (!args.launch.empty()) {
      if (!args.quiet) std::cerr << "launching: " << args.launch << "\n";
      auto started = ServerLauncher::start(args.launch, url->host, url->port, std::chrono::milliseconds(args.launch_timeout_ms),
                                           target.env);
      if (!started.ok()) {
        std::cerr << "mcp-harness: could not start the server: " << started.status().message() << "\n";
        ready.exit_code = kExitServerUnavailable;
        return ready;
      }
      ready.launched = std::move(started).value();
      target.launched_stderr = [launched = ready.launched.get()] { return launched->stderr_tail(); };
    } else {
      target.receiver.reset();  // a server we did not start was not pointed at us
    }
  }
  if (args.protocol_version == "auto") {
    EraProbe probe = detect_protocol_version(target);
    target.protocol_version = probe.version;
    if (!args.quiet) std::cerr << "protocol version " << probe.version << ": " << probe.evidence << "\n";
  }
  if (mcp::Status reachable = preflight(target); !reachable.ok()) {
    const std::string& why = reachable.message();
    if (why.find("HTTP 401") != std::string::npos && target.credentials) {
      // Not "unavailable": the server answered, and refused credentials it should accept.
      MockAuthorizationServer* issuer = target.credentials->authorization_server();
      std::cerr << "FAIL MUST auth.token.valid-accepted: the server refused the harness's own valid credentials ("
                << target.credentials->mode()
                << (issuer ? ", a token signed " + issuer->default_alg() + " by issuer " + issuer->issuer() : std::string())
                << ", audience " << target.credentials->audience << "):\n  " << why << "\n"
                << "Check that the server trusts that issuer and audience and verifies that algorithm (--auth-alg "
                   "RS256|ES256|EdDSA); docs/auth.md shows how to pass them to a server configured its own way.\n";
      ready.exit_code = kExitChecksFailed;
      return ready;
    }
    std::cerr << "mcp-harness: the server under test (" << target.describe() << ") could not be initialized: " << why
              << "\nCheck the command or URL, and that the server speaks MCP on that transport.\n";
    if (why.find("HTTP 401") != std::string::npos) {
      std::cerr << "The server requires authentication: run with --auth oauth|signed-token|gateway (the harness "
                   "acts as issuer or gateway), or --auth-token TOKEN. See docs/auth.md.\n";
    }
    if (why.find("HTTP 404") != std::string::npos && target.transport == kHttp) {
      std::cerr << "Nothing answers MCP at " << target.url << ": is the path right? (Servers commonly use /mcp; "
                   "the SDKs' legacy SSE transport uses /sse, which this harness does not test.)\n";
    }
    if (why.find("could not connect") != std::string::npos && args.launch.empty()) {
      std::cerr << "Is the server running? To have the harness start it, add --launch \"COMMAND\" (it waits up to "
                   "--launch-timeout ms for the URL to answer).\n";
    }
    ready.exit_code = kExitServerUnavailable;
  }
  return ready;
}

}  // namespace mcp::harness::cli
