// Tool-call latency of the reference server with its OTLP collector up, and with
// a collector that accepts connections but never answers, measured in the same
// run. Target (issue: observability): collector-down latency within 10% of up.
//
//   build/bin/bench_collector_latency [calls]
#include <algorithm>
#include <memory>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "harness/client/mcp_client.h"
#include "harness/client/stdio_connection.h"
#include "harness/telemetry/otlp_receiver.h"
#include "harness/telemetry/silent_collector.h"
#include "mcp/trace_context.h"

namespace {

using namespace mcp::harness;

struct Figures {
  double p50 = 0, p99 = 0, mean = 0;
};

Figures figures_of(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Figures f;
  f.p50 = ms[ms.size() / 2];
  f.p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  for (double v : ms) f.mean += v / static_cast<double>(ms.size());
  return f;
}

// A reference server over stdio that exports its spans to `endpoint`.
std::unique_ptr<McpClient> start_server(const std::string& server, const std::string& endpoint, Transcript& transcript) {
  SpawnOptions options;
  options.argv = {server, "--stdio"};
  options.extra_env = {{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint}, {"OTEL_BSP_SCHEDULE_DELAY", "20"},
                       {"OTEL_EXPORTER_OTLP_TIMEOUT", "2000"}};
  auto connection = StdioConnection::start(options, transcript);
  if (!connection.ok()) {
    std::fprintf(stderr, "cannot start %s: %s\n", server.c_str(), connection.status().to_string().c_str());
    std::exit(2);
  }
  auto client = std::make_unique<McpClient>(std::move(connection).value(), nullptr, std::chrono::seconds(10));
  if (!client->handshake("2025-11-25").ok()) std::exit(2);
  return client;
}

// One traced call; its latency in ms.
double traced_call(McpClient& client, int i) {
  // The rate limit allows 10/s per tool: spread calls over tools that all trace the same way.
  static const char* tools[] = {"echo_v1", "add_v1", "check_password_strength_v1"};
  static const nlohmann::json args[] = {{{"message", "hi"}}, {{"a", 1}, {"b", 2}}, {{"password", "pa55word!"}}};
  nlohmann::json meta = {{"traceparent", mcp::TraceParent{mcp::random_hex_id(16), mcp::random_hex_id(8), "01"}.format()}};
  auto start = Clock::now();
  auto response = client.request("tools/call", {{"name", tools[i % 3]}, {"arguments", args[i % 3]}, {"_meta", meta}});
  if (!response.ok()) std::exit(3);
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int calls = argc > 1 ? std::atoi(argv[1]) : 300;
  std::string server = std::string(MCP_BENCH_BIN_DIR) + "/mcp-reference-server";
  auto receiver = OtlpReceiver::start();
  if (!receiver.ok()) return 2;
  auto silent = SilentCollector::open();
  if (!silent.ok()) return 2;
  std::string dead = (*silent)->endpoint();

  // Both servers run side by side and take turns, call for call, so that whatever else
  // the machine does falls on both alike (measuring one after the other put any change
  // of load between the phases into the ratio).
  Transcript transcript;
  auto up_client = start_server(server, (*receiver)->endpoint(), transcript);
  auto down_client = start_server(server, dead, transcript);
  std::vector<double> up_ms, down_ms;
  for (int i = 0; i < calls; ++i) {
    if (i % 2 == 0) {
      up_ms.push_back(traced_call(*up_client, i));
      down_ms.push_back(traced_call(*down_client, i));
    } else {
      down_ms.push_back(traced_call(*down_client, i));
      up_ms.push_back(traced_call(*up_client, i));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(35));  // stay under 10 calls/s per tool
  }
  Figures up = figures_of(up_ms), down = figures_of(down_ms);
  std::size_t exported = (*receiver)->spans().size();
  std::printf("collector latency (%d traced tool calls each, one at a time, stdio, up and down alternating)\n", calls);
  std::printf("%-22s %10s %10s %10s\n", "collector", "p50 ms", "p99 ms", "mean ms");
  std::printf("%-22s %10.3f %10.3f %10.3f   (%zu spans received)\n", "up (harness receiver)", up.p50, up.p99, up.mean, exported);
  std::printf("%-22s %10.3f %10.3f %10.3f\n", "down (never answers)", down.p50, down.p99, down.mean);
  double median_ratio = down.p50 / up.p50, mean_ratio = down.mean / up.mean;
  std::printf("ratio down/up: p50 %.3f, mean %.3f   target p50 <= 1.10: %s\n", median_ratio, mean_ratio,
              median_ratio <= 1.10 ? "met" : "NOT met");
  return 0;
}
