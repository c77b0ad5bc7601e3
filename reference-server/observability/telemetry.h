// Observability of every request (docs/profile.md "Observability"): one SERVER
// span per request named "{mcp.method.name} {target}" with the OpenTelemetry MCP
// semantic-convention attributes, continuing the caller's trace from
// params._meta.traceparent; a correlation id per agent turn, returned in the
// result's _meta; one structured JSON log line per tool call with sensitive
// arguments redacted; cost units per principal, session and run; metrics.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "reference-server/core/server.h"

namespace mcp::server::obs {

inline constexpr const char* kCorrelationMetaKey = "dev.mcp-harness/correlation-id";

struct TelemetryOptions {
  std::string network_transport = "pipe";  // "pipe" for stdio, "tcp" for HTTP
  std::function<long long(const std::string& tool)> cost_of = [](const std::string&) { return 1LL; };
  bool redact = true;  // operators may turn redaction off for local debugging; never in production
};

class Telemetry final : public RequestObserver {
 public:
  Telemetry(McpServer& server, TelemetryOptions options) : server_(server), options_(std::move(options)) {}
  std::unique_ptr<RequestScope> start(const jsonrpc::Message& request, Session& session) override;

  // Prometheus text exposition of calls, errors, refusals, latency and cost by tool.
  std::string prometheus() const;
  // Cost units the caller of the request being handled on this thread spent, by tool,
  // session and agent run: callers see their own, never other principals' ids.
  nlohmann::json cost_totals() const;
  nlohmann::json cost_totals_of(const std::string& principal) const;

  // Internal to the scope: records one finished tool call. `tool` is a registered
  // tool's name or "unknown": a client cannot mint metric series or cost keys.
  void record_call(const std::string& tool, const std::string& outcome, double seconds, long long cost,
                   const std::string& principal, const std::string& session, const std::string& run);

  // Bounds on what clients can grow: principals, and sessions and runs per principal
  // (per shard), beyond which costs are summed under "_other".
  static constexpr std::size_t kMaxPrincipals = 10000;
  static constexpr std::size_t kMaxKeysPerPrincipal = 1000;
  McpServer& server() { return server_; }
  const TelemetryOptions& options() const { return options_; }

 private:
  struct ToolStats {
    std::map<std::string, long long> outcomes;  // ok | tool_error | refused | protocol_error
    std::vector<long long> buckets;             // cumulative counts per latency bound
    double seconds_sum = 0;
    long long count = 0;
    long long cost = 0;
  };
  struct PrincipalCost {
    long long total = 0;
    std::map<std::string, long long> by_tool, by_session, by_run;
  };
  // Calls are recorded in the calling thread's shard (threads take shards in turn), so
  // that concurrent calls do not wait on one lock; readers merge the shards. A shard's
  // lock is contended only by a reader or by a thread sharing the shard.
  struct Shard {
    std::mutex mutex;
    std::map<std::string, ToolStats> tools;
    std::map<std::string, PrincipalCost> costs;
  };
  static constexpr std::size_t kShards = 16;
  Shard& my_shard();

  McpServer& server_;
  TelemetryOptions options_;
  mutable std::array<Shard, kShards> shards_;
};

// Writes `arguments` as JSON with sensitive values replaced by "[REDACTED]":
// properties the schema marks writeOnly or "x-sensitive", and names that look like
// secrets (password, token, api_key, ...), at any depth, inside arrays too, with or
// without a schema (unknown tools' arguments are redacted by name alone). Strings and
// collections are cut as in log lines.
void append_redacted(std::string& out, const nlohmann::json& arguments, const nlohmann::json& schema);

}  // namespace mcp::server::obs
