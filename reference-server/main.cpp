// mcp-reference-server: a production-shaped MCP server that passes every harness check.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstring>
#include <cstdlib>
#include <iostream>

#include "reference-server/app/app.h"
#include "reference-server/auth/authenticator.h"
#include "reference-server/core/event_log.h"
#include "reference-server/transport/http/serve_http.h"
#include "reference-server/transport/stdio_transport.h"

namespace {

int fail(const std::string& message) {
  std::cerr << "mcp-reference-server: " << message << "\n";
  return 2;
}

// What one HTTP client may hold (docs/security.md lists each bound and its default).
void add_http_limits(CLI::App& app, mcp::server::HttpOptions& http) {
  app.add_option("--max-sessions-per-principal", http.max_sessions_per_principal,
                 "Open sessions one client (principal, or peer address without auth) may hold (HTTP)")
      ->capture_default_str();
  app.add_option("--max-connections", http.max_connections, "Open connections in all (HTTP)")->capture_default_str();
  app.add_option("--max-connections-per-peer", http.max_connections_per_peer,
                 "Open connections per client IP address; raise it behind a reverse proxy (HTTP)")
      ->capture_default_str();
  app.add_option("--max-inflight-per-client", http.max_inflight_per_client,
                 "Tool calls, subscriptions and GET streams one client may run at once (HTTP)")
      ->capture_default_str();
  app.add_option_function<long long>(
         "--header-timeout-ms", [&http](long long ms) { http.header_timeout = std::chrono::milliseconds(ms); },
         "A request's headers must arrive within this time of its first byte (HTTP, default 10000)")
      ->check(CLI::Range(100LL, 3600000LL));
  app.add_option_function<long long>(
         "--request-timeout-ms", [&http](long long ms) { http.request_timeout = std::chrono::milliseconds(ms); },
         "A request's headers and body must arrive within this time (HTTP, default 30000)")
      ->check(CLI::Range(100LL, 3600000LL));
  app.add_option_function<long long>(
         "--unused-session-timeout", [&http](long long s) { http.unused_session_timeout = std::chrono::seconds(s); },
         "Seconds before a session that made no request after initialize ends (HTTP, default 60)")
      ->check(CLI::Range(1LL, 86400LL));
  app.add_option("--metrics-token", http.metrics_token,
                 "Bearer token /metrics requires; without one, /metrics answers loopback peers only (HTTP; "
                 "also MCP_METRICS_TOKEN)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"MCP reference server: stdio or Streamable HTTP"};
  bool stdio = false, http = false;
  mcp::server::HttpOptions http_options;
  mcp::server::AppConfig config;
  std::string config_file;
  std::string port_file;
  auto* stdio_flag = app.add_flag("--stdio", stdio, "Serve one session on stdin/stdout");
  auto* http_flag = app.add_flag("--http", http, "Serve Streamable HTTP");
  stdio_flag->excludes(http_flag);
  app.add_option("--host", http_options.host, "Address to bind (HTTP)")->capture_default_str();
  app.add_option("--port", http_options.port, "Port to bind, 0 for any free port (HTTP)")->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port to this file once listening (HTTP)");
  app.add_option("--allowed-origin", http_options.allowed_origins, "Extra allowed Origin (repeatable)");
  app.add_option("--allowed-host", http_options.allowed_hosts, "Extra allowed Host name (repeatable)");
  add_http_limits(app, http_options);
  app.add_option("--config", config_file, "JSON configuration file (database, page_size, tool_lifecycle, limits)");
  std::string redis, log_file, auth_mode;
  app.add_option("--auth", auth_mode,
                 "Authentication: none, oauth, signed-token or gateway (settings: config \"auth\" and MCP_AUTH_* variables, docs/auth.md)");
  app.add_option("--log-file", log_file, "Append JSON log lines to this file instead of stderr");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "Lowest level logged: debug, info, warn, error or off")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_option("--redis", redis, "Keep limit state in Redis at host:port, shared by replicas");
  app.add_option("--db", config.database, "SQLite database file, :memory:, or a postgresql:// URI (replicas sharing one database)")->capture_default_str();
  app.add_option("--page-size", config.server.page_size, "Items per page in list results")->capture_default_str();
  bool conformance = false;
  app.add_flag("--conformance", conformance,
               "Also serve the official conformance suite's fixtures (test_simple_text, test://static-text, ...): "
               "for ci/official-suite.sh, not production");
  app.add_flag("--no-filters", [&config](std::int64_t) { config.filters = false; },
               "Serve without the filter chain (versioning, limits, telemetry): only to measure its overhead (bench/)");
  CLI11_PARSE(app, argc, argv);
  if (!stdio && !http) return fail("choose a transport: --stdio or --http (see --help)");

  std::signal(SIGPIPE, SIG_IGN);
  if (!log_file.empty() && !mcp::server::set_log_file(log_file)) return fail("cannot open log file " + log_file);
  mcp::server::set_log_level(log_level);
  if (!config_file.empty()) {
    // Flags given on the command line win over the file.
    std::string database = config.database;
    auto page_size = config.server.page_size;
    if (auto loaded = mcp::server::load_config_file(config_file, config); !loaded.ok()) return fail(loaded.message());
    if (app.count("--db")) config.database = database;
    if (app.count("--page-size")) config.server.page_size = page_size;
  }
  if (!redis.empty()) {
    if (!config.limits.is_object()) config.limits = nlohmann::json::object();
    config.limits["backend"] = "redis";
    config.limits["redis"] = redis;
  }
  if (conformance) config.parts.push_back(mcp::server::conformance_part());
  // Replicas seal input-required state (2026-07-28) with one key, so that the retry
  // carrying it may reach any of them; without it each process draws its own.
  if (const char* key = std::getenv("MCP_REQUEST_STATE_KEY"); key && *key) {
    if (std::strlen(key) < 32) return fail("MCP_REQUEST_STATE_KEY must be at least 32 characters");
    config.server.request_state_key = key;
  } else if (mcp::server::is_postgresql_target(config.database)) {
    mcp::server::log_event("warn", "request_state_key_unset",
                           {{"detail", "a shared database suggests replicas: set MCP_REQUEST_STATE_KEY (the same on every "
                                       "replica), or input-required retries are refused by the replicas that did not seal them"}});
  }
  config.network_transport = stdio ? "pipe" : "tcp";
  auto created = mcp::server::ReferenceApp::create(config);
  if (!created.ok()) return fail(created.status().to_string());
  mcp::server::McpServer& server = (*created)->server();

  auto auth_config = mcp::server::auth::resolve_auth_config(config.auth, auth_mode);
  if (!auth_config.ok()) return fail(auth_config.status().message());
  auto authenticator = mcp::server::auth::make_authenticator(*auth_config);
  if (!authenticator.ok()) return fail(authenticator.status().message());

  if (stdio) {
    mcp::server::StdioOptions stdio_options;
    // stdio has no HTTP auth: the credentials come from the environment, checked once at start.
    auto principal = mcp::server::auth::stdio_principal(authenticator->get());
    if (!principal.ok()) return fail("refusing to serve: " + principal.status().message());
    stdio_options.principal = *principal;
    return mcp::server::serve_stdio(server, stdio_options);
  }
  http_options.authenticator = *authenticator;
  if (const char* token = std::getenv("MCP_METRICS_TOKEN"); token && http_options.metrics_token.empty()) {
    http_options.metrics_token = token;
  }

  http_options.metrics = [app = created->get()] { return app->metrics(); };
  http_options.readiness = [app = created->get()] { return app->readiness(); };
  mcp::server::HttpServerTransport transport(server, http_options);
  transport.register_metrics((*created)->metrics_registry());
  return mcp::server::serve_http_until_signal(transport, "mcp-reference-server", http_options.host, http_options.path,
                                              port_file);
}
