// What a check can do: open fresh connections to the server under test (a new
// process for stdio, a new session for HTTP), with a transcript and schema
// validation wired in.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/auth/credentials.h"
#include "harness/client/http_connection.h"
#include "harness/client/mcp_client.h"
#include "harness/client/stdio_connection.h"
#include "harness/engine/check.h"
#include "harness/engine/profile.h"
#include "harness/telemetry/otlp_receiver.h"

namespace mcp::harness {

struct TargetConfig {
  TransportMask transport = kStdio;
  std::vector<std::string> command;  // stdio
  std::string url;                   // http
  TlsTrust tls;                      // https: --insecure, --ca-cert
  std::chrono::milliseconds timeout{5000};
  // How long a server may take to start and answer its first handshake (--launch-timeout).
  std::chrono::milliseconds startup_timeout{15000};
  // The deadline of every check's handshake: the request deadline, plus room for a stdio
  // server that the preflight saw take long to start (each check starts it again).
  std::chrono::milliseconds handshake_timeout{5000};
  // The preflight's handshake response (initialize or server/discover), or null: checks
  // that need a capability it lacks skip without starting the server again.
  std::shared_ptr<const nlohmann::json> first_handshake;
  // The preflight's complete tool list (every page), or null when it has none: checks
  // that need a tool the policy allows skip without a server start when it names none.
  std::shared_ptr<const std::vector<nlohmann::json>> first_tools;
  // What every client of the run saw (schema violations, capability breaches, tool
  // listings); the preflight adds its tool listing, the first of the run.
  std::shared_ptr<ViolationSink> observed = std::make_shared<ViolationSink>();
  std::string protocol_version = "2025-11-25";
  std::vector<std::pair<std::string, std::string>> env;  // extra environment for stdio servers
  Profile profile;
  nlohmann::json lock;  // a tool lock file (--lock), or null
  std::string today;    // YYYY-MM-DD for sunset decisions
  std::string repro_dir = ".";  // where inputs that broke the server are written (--repro-dir)
  // The harness's OTLP receiver, when the server was started by the harness and
  // pointed at it (stdio servers, --launch); null otherwise.
  std::shared_ptr<OtlpReceiver> receiver;
  // What the launched HTTP server wrote to stderr so far (--launch); empty function otherwise.
  std::function<std::string()> launched_stderr;
  // How to authenticate (--auth / --auth-token); null for an open server.
  std::shared_ptr<Credentials> credentials;
  // x-mcp-header parameters of the tools listed so far, for Mcp-Param-* headers (HTTP).
  std::shared_ptr<ToolHeaderBook> tool_headers = std::make_shared<ToolHeaderBook>();

  std::string describe() const;
};

class CheckContext {
 public:
  CheckContext(const TargetConfig& target, Transcript& transcript, ViolationSink& violations)
      : target_(target), transcript_(transcript), violations_(violations) {}

  const TargetConfig& target() const { return target_; }
  TransportMask transport() const { return target_.transport; }
  const std::string& protocol_version() const { return target_.protocol_version; }
  std::chrono::milliseconds timeout() const { return target_.timeout; }
  Transcript& transcript() { return transcript_; }
  ViolationSink& violations() { return violations_; }
  void note(std::string text) { transcript_.add("note", std::move(text)); }

  // A fresh connection with no messages exchanged yet.
  StatusOr<std::unique_ptr<Connection>> connect();
  StatusOr<McpClient> client();
  // A fresh, initialized session (initialize + notifications/initialized).
  StatusOr<McpClient> session(const std::string& version = {});

 private:
  const TargetConfig& target_;
  Transcript& transcript_;
  ViolationSink& violations_;
};

// The transport-specific connection under a client; null when it is the other kind.
StdioConnection* as_stdio(McpClient& client);
HttpConnection* as_http(McpClient& client);

}  // namespace mcp::harness
